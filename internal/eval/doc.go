// Package eval scores extraction results against the hand-checked rows of
// the test corpus (gold.jsonl): for each kind (risk, number, guidance) the
// share of gold rows that some extracted item matches.
//
// A gold row matches an item of its document when the quotes overlap, that
// is one contains the other after collapsing whitespace and normalising
// quote marks and dashes, and, for numbers and guidance, the values agree.
//
// Precision is measured without new gold rows where possible: Sanity flags
// items that break a rule of plausibility (EPS above 1000 or printed like a
// share count, a company total under one million USD, a scale that
// contradicts the words of the quote, a percentage outside -100..1000, a
// guidance low above its high, a risk heading over 400 bytes or without a
// capital start); CheckAgainstFacts compares table and text figures with the
// inline XBRL fact of the same metric and period end; and the samples in
// testdata/precision_sample*.jsonl hold hand-checked verdicts on 40 items
// each, drawn by SampleItems.
//
// eval imports the document parsers, so only tests and tools use it.
package eval
