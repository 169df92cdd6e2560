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
// read as horizontal, and columns of a two-column page share rows.
//
// # Imports
//
// pdf imports schemas, the PDF library and golang.org/x/text. It must not
// import other finx packages. It has no network access and reads no clock
// other than the parse timer.
package pdf
