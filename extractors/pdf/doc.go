// Package pdf turns a PDF file into a schemas.Document: the text of each page
// in reading order, the byte span of every page in Document.Text, and
// warnings for pages that have no text layer or could not be read.
//
// # Text layout
//
// The package reads the PDF object graph with github.com/ledongthuc/pdf and
// runs its own content-stream interpreter, because it needs the position,
// font size, advance width and font weight of every glyph. Glyphs are grouped
// into rows by baseline, rows are sorted top to bottom and glyphs left to
// right. A space is inserted where the gap between two glyphs exceeds a
// fraction of the font size, and a newline ends each row. Pages are joined by
// a form feed ("\f"). A row set entirely in a bold font is followed by a
// blank line, so that a heading does not run into the next sentence.
// Ligature glyphs (ﬁ ﬂ ﬀ ﬃ ﬄ) are written as their letters.
//
// # Limits
//
// Every parse runs in its own goroutine under Config.Timeout and recovers
// panics from the PDF library. Failures are returned as *Error with a
// snake_case Reason (empty_file, not_pdf, truncated_pdf, encrypted_pdf,
// corrupt_pdf, parse_panic, parse_timeout, canceled). A page whose content
// stream cannot be read adds a warning and the parse goes on.
//
// Encrypted files open only when the empty user password decrypts them (RC4
// or AES-128, as the library supports). Rotated text, vertical writing and
// Type 3 font metrics are not laid out specially.
//
// # Imports
//
// pdf imports schemas and the PDF library; it must not import other finx
// packages. It has no network access and reads no clock other than the
// parse timer.
package pdf
