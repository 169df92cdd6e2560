// Package numfmt reads the numbers printed in financial filings, in running
// text and in table cells, into exact decimal strings. It is the one number
// normaliser of finx: the PDF, HTML and text extractors, the inline XBRL
// format transforms and the rule-based passes all read printed figures
// through it.
//
// # Tokens
//
// Parse takes one token, such as "(1,577)", "$ 44.2", "−3.1%", "12.5 %",
// "—", "1,234(1)" or "$2.3 billion", and either reads all of it or returns
// an error. It never returns part of a value: "1,23" and "12)" fail instead
// of reading 123 or 12. The rules:
//
//   - Parentheses make a figure negative only when they wrap the whole
//     figure, currency and percent sign included: "(1,577)", "$(0.04)",
//     "($0.04)", "(12.5)%", "(12.5%)". An unbalanced parenthesis fails.
//   - A leading hyphen-minus, U+2212 MINUS SIGN, U+2013 EN DASH, U+2012
//     FIGURE DASH, U+FE63 or U+FF0D makes a figure negative.
//   - A lone dash ("-", "–", "—", "−", optionally after a currency sign)
//     is zero, with Number.Dash set so that callers can tell it from a
//     printed 0.
//   - Commas group thousands: the first group has one to three digits and
//     every later group exactly three. A space, U+00A0 NO-BREAK SPACE,
//     U+202F NARROW NO-BREAK SPACE, U+2009 THIN SPACE or U+2007 FIGURE
//     SPACE may group thousands the same way. The decimal point is '.'.
//   - A footnote marker after the figure is kept apart in
//     Number.Footnotes: "(1)", "(a)", "*", "†", "‡", "§" and superscript
//     digits. A marker is never read as part of the value.
//   - A trailing "%" or the word "percent" sets Number.Percent; the value
//     stays as printed (12.5, not 0.125).
//   - A trailing "per share", "per diluted share" or "per basic share"
//     sets Number.PerShare.
//   - A trailing scale word (thousand, million, billion, trillion, and the
//     abbreviations mn and bn) sets Number.Exponent.
//   - A leading or trailing currency sign ($, US$, €, £, ¥) or ISO code
//     (USD, EUR, GBP, JPY) sets Number.Currency.
//
// Number.Decimal is the printed figure, sign applied, as an exact decimal
// with leading zeros and trailing fraction zeros removed ("-1577",
// "0.04"). Number.Scaled multiplies it by a power of ten without floating
// point. Shift does the same for any decimal string.
//
// # Table captions
//
// ParseCaption reads the scale that a statement's caption sets, such as
// "(In millions, except per share data)" or "($ in thousands)", so that
// cells can be scaled to base units while per-share amounts stay as
// printed.
//
// # Imports
//
// numfmt imports the standard library only.
package numfmt
