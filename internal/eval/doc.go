// Package eval scores extraction results against the hand-checked rows of
// the test corpus (gold.jsonl): for each kind (risk, number, guidance) the
// share of gold rows that some extracted item matches.
//
// A gold row matches an item of its document when the quotes overlap, that
// is one contains the other after collapsing whitespace and normalising
// quote marks and dashes, and, for numbers and guidance, the values agree.
// eval imports the document parsers, so only tests and tools use it.
package eval
