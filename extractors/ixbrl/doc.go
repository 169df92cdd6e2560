// Package ixbrl reads inline XBRL 1.1 facts (ix:nonFraction and
// ix:nonNumeric) into schemas.Fact values, and converts printed numbers to
// exact decimals.
//
// # Design
//
// ixbrl does not tokenize. An HTML parser (extractors/html) feeds a
// Builder the start tags, end tags and character data it reads, together
// with byte offsets in the source and in its parsed text. This keeps one
// pass over the document and lets the facts point into the parser's text
// without ixbrl importing the parser.
//
// # What a fact holds
//
//   - Concept, ID, ContextRef, UnitRef and Decimals as written.
//   - The context's period (Instant, or PeriodStart and PeriodEnd) and its
//     dimensions from xbrldi:explicitMember and xbrldi:typedMember in the
//     segment or scenario.
//   - Unit: the measures without their prefix, "USD", "shares", or
//     numerator/denominator for xbrli:divide, such as "USD/shares".
//   - Display: the printed text, whitespace collapsed, at most 4096 bytes.
//     For ix:nonNumeric it includes the ix:continuation chain named by
//     continuedAt.
//   - Value, for ix:nonFraction: the printed number read through its
//     format, times 10^scale, with the sign="-" applied, as an exact decimal
//     string ("391035000000", "-0.57"). Empty for xsi:nil facts, for text
//     facts and when the number cannot be read, which adds a warning.
//   - Start and End: the printed value in the parser's text, without the
//     continuations of an ix:nonNumeric. A hidden fact (in ix:hidden) gets
//     the span of the element whose style "-sec-ix-hidden:<id>" displays
//     it (see Builder.Shown), and otherwise Start == End.
//   - SourceOffset: the byte offset of the fact's start tag.
//
// # Formats
//
// Transform implements ixt num-dot-decimal, num-comma-decimal (and their
// TR1 names numdotdecimal, numcommadecimal), numspacedot, numspacecomma,
// fixed-zero, zerodash, num-unit-decimal and ixt-sec numwordsen. Other
// formats fail with ErrUnsupportedFormat.
//
// # Duplicates
//
// Facts with the same concept, period, dimensions and unit are one fact.
// Facts keeps the most precise of them (the highest decimals, INF above
// any number, the first one on a tie, a value over xsi:nil) and drops the
// others, and the kept fact's Duplicates counts the dropped ones. A
// duplicate whose value lies outside the rounding interval of another adds
// an "inconsistent duplicate facts" warning naming both and sets
// Inconsistent on the kept fact. Text facts merge only when their printed
// text is the same.
//
// # Not read
//
// ix:fraction, ix:tuple, ix:footnote and ix:relationship are skipped, and
// so is the text of ix:exclude inside a fact.
//
// # Imports
//
// ixbrl imports schemas, extractors/numfmt (which reads and scales the
// printed numbers) and golang.org/x/net/html (for its Attribute type)
// only.
package ixbrl
