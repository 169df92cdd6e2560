// Package pdf turns a PDF file into a schemas.Document: the text of each page
// in reading order, the byte span of every page in Document.Text, and
// warnings for pages that have no text layer or could not be read.
//
// # Text layout
//
// The package reads the PDF object graph with github.com/ledongthuc/pdf and
// runs its own content-stream interpreter, because it needs the position,
// font size, advance width and font style of every glyph. Glyphs are grouped
// into rows by baseline, rows are sorted top to bottom and glyphs left to
// right. A space is inserted where the gap between two glyphs exceeds a
// fraction of the font size, and a newline ends each row. Pages are joined by
// a form feed ("\f"). Ligature glyphs (ﬁ ﬂ ﬀ ﬃ ﬄ) are written as their
// letters.
//
// A heading row (all bold, or set at least 1.2 times the page's body size)
// is followed by a blank line, so that it does not run into the next
// sentence. A bold or italic run-in heading that ends a sentence is split
// from the text after it the same way. A wide gap between rows also gives a
// blank line.
//
// # Hidden text
//
// Glyphs that a reader of the rendered page would not see are dropped,
// with one warning per page and kind that gives the count. Four kinds are
// dropped:
//
//   - text in render mode 3 or 7;
//   - white text (fill gray 1, RGB 1 1 1 or CMYK 0 0 0 0) with no non-white
//     filled rectangle or image drawn under its origin before it;
//   - text with an effective font size under 1 point;
//   - text whose origin lies outside the crop box (or media box) by more
//     than the font size.
//
// A page whose only text is in render mode 3 keeps it, with a warning,
// because OCR tools draw the text layer of a scanned page that way.
//
// NOTE: only rectangles ("re") and images count as a background, so white
// text on another filled path, such as a rounded box, is dropped too.
//
// # Scanned pages
//
// A page that draws no text adds "page N has no text layer", and the
// document gets one more warning with the count of such pages.
// Document.PagesWithText and Page.HasText count and mark the pages that
// have text.
//
// A page whose text mostly runs sideways (a landscape table) is turned by
// quarter turns before the layout. Text in other directions follows the rows
// in drawing order.
//
// # Limits
//
// Every parse runs in its own goroutine under Config.Timeout and recovers
// panics from the PDF library. Failures are returned as *Error with a
// snake_case Reason (empty_file, not_pdf, truncated_pdf, encrypted_pdf,
// corrupt_pdf, parse_panic, parse_timeout, canceled, invalid_config). A page
// whose content stream cannot be read, decodes to more than 16 MiB or draws
// more than 500,000 glyphs adds a warning, keeps the text read so far, and
// the parse goes on. Pages after Config.MaxPages are skipped with a warning.
//
// Encrypted files open only when the empty user password decrypts them (RC4
// or AES-128, as the library supports). Vertical writing (Identity-V) is
// read as horizontal.
//
// # Two columns
//
// A page is read as two columns when three tests pass. First, a gutter at
// least one em wide, between 30% and 70% of the text width, is crossed by
// at most a fifth of the rows. Second, at least 8 rows contain prose (15
// or more characters, 60% of them letters) on both sides, and these are at
// least half of the rows with text on both sides. Third, the prose fills
// the columns: 70% of the left lines end within 4 ems of the gutter, and
// 70% of the right lines start within one em of the right column's edge. Rows that cross the gutter (titles, footers) split the
// page into bands, and each band gives its left column, a blank line, and
// its right column. A table whose cells hold prose in two columns is read
// the same way, so the cells of one table row end up apart.
//
// # Tables
//
// Document.Tables lists the rows of each page that line up in columns, with
// Page set. A row is split into cells at gaps wider than one em, and a cell
// that is only a currency sign runs on into the figure after it
// ("$ 1,184.6"). A table starts at a row with a figure after its first cell
// (a cell that numfmt.Parse reads whole). The rows of two or more cells
// just above it join it as headings. It runs on over rows of two or more
// cells and over runs of up to three short one-cell label rows ("Current
// assets:"). It is kept when the last figures of at least two rows end
// within one em of each other, as right-aligned amount columns do. Every cell's Text is
// Document.Text[Start:End]. Caption is a cell of the first four rows, or
// else the nearest of the three non-empty lines above the table, that
// numfmt.ParseCaption reads as a scale.
//
// NOTE: cells are split by gaps alone, so a heading that spans two columns
// is one cell, and empty cells leave no trace: a cell's place in its row is
// not its column.
//
// # Imports
//
// pdf imports schemas, extractors/numfmt, the PDF library and
// golang.org/x/text. It must not import other finx packages. It has no network access and reads no clock
// other than the parse timer.
package pdf
