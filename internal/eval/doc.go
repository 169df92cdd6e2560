// Package eval scores extraction results against the hand-checked rows of
// the test corpus (gold.jsonl), per kind (number, risk, guidance) and per
// form class (10-K, 10-Q, 8-K/EX-99) and media class (pdf, html, text). It
// measures recall over all items and over accepted items, the share of
// accepted items whose citation checks out against the parsed text, and the
// share of accepted numbers that agree with inline XBRL. It lists the items
// that match no gold row.
//
// Doc.Match states the matching rules. In short, a number or guidance row
// matches an item with the same value in base units (both ends for a range)
// whose citation is on the gold page (PDF) or overlaps the gold quote (HTML,
// text). A risk row matches a risk whose heading or quote contains the gold
// quote, or whose heading the gold quote contains.
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
