// Package sections finds the parts of a parsed filing by their headings: the
// items of a 10-K or 10-Q ("Item 1A. Risk Factors", "Part II — Item 1A") and,
// in earnings releases, the outlook or guidance section and the start of the
// financial statements.
//
// Find reads Document.Text and never changes the document; the caller
// stores the result in Document.Sections. The sections that the EDGAR .txt
// parser records per submission document (IDs starting "document_", such
// as "document_ex_99_1") are kept in the result. A 10-K item gets the ID "item_1a",
// "item_7" and so on. A 10-Q repeats item numbers in Part I and Part II, so
// its items get "part1_item_2", "part2_item_1a". An 8-K item keeps its
// sub-item number: "Item 2.02", printed so or spaced out as "Item 2. 02",
// gets "item_2_02", and its title is the heading line as printed, with runs
// of spaces collapsed.
//
// A combined heading such as "Items 1 and 2. Business and Properties" or
// "Items 7 & 7A" gives each of its items a section with the same span, so
// these are the only items that overlap.
//
// Check returns document warnings for a 10-K or 10-Q whose Item 1A or MD&A
// is missing or empty, unless the filing states that the item is not applicable.
//
// FindContext is Find that stops when its context ends. Form reads the form
// type ("10-K", "10-Q", "8-K") from the EDGAR header or the cover page, for
// documents whose parser found none. ReadCover reads the registrant's name,
// CIK and period of report from inline XBRL cover facts, the cover page or
// a release's dateline.
//
// # Table of contents
//
// An item heading counts only when it starts a line, its line is short, and
// body text follows it. A line that ends in a page number is a
// table-of-contents entry, and so is one that another item heading follows
// within a few lines.
// When an item heading occurs several times, the last occurrence followed by
// a body of at least MinBody bytes wins, because cross references and tables
// of contents come before the real heading.
//
// sections imports only schemas and the standard library.
package sections
