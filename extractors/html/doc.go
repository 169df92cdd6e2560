// Package html turns an HTML or inline XBRL (XHTML) filing into a
// schemas.Document: the visible text, a map from every text byte back to
// its source byte, and, for inline XBRL, the facts and the cover-page
// fields (form, company, CIK).
//
// # Text
//
// Parse walks the golang.org/x/net/html tokenizer once, without building a
// tree. Block elements (p, div, tr, li, h1-h6, table, br, hr, section,
// title and the other HTML block elements) end the line with "\n". The
// non-empty cells of a table row are separated by one "\t". Whitespace runs
// collapse to one space, and no line starts with a space. Character
// references are decoded, and a non-breaking space (&nbsp;, &#160; or
// U+00A0) becomes an ordinary space so that it collapses too. Left out:
// script, style, noscript, template, comments, elements with an inline
// display:none or the hidden attribute, and the whole ix:header. EDGAR
// submission wrapper tags before the <html> element (<DOCUMENT>,
// <TYPE>, <SEQUENCE>, <FILENAME>, <DESCRIPTION>, <TEXT>) are skipped,
// and the <TYPE> value becomes Form when the document carries no
// dei:DocumentType.
//
// # Tables
//
// Document.Tables has one entry per visible <table> with at least two
// non-empty cells, in text order. Each <tr> with a non-empty cell gives a
// row, and each non-empty <td> or <th> a cell whose Text is
// Document.Text[Start:End]. Empty cells are left out, so a cell's place in
// its row is not its column. A cell that holds a nested table is left out
// of the outer table, and the nested table is listed on its own, so no two
// cells overlap. Caption is a cell of the first four rows, or else the
// nearest of the three non-empty lines above the table (up to 200 bytes,
// not reaching into the previous table), that numfmt.ParseCaption reads as
// a scale.
//
// # Source map
//
// Document.Segments maps Text to byte offsets in the input, so that
// Document.SourceOffset(i) finds the source byte of any text byte. Within a
// segment the mapping is one to one. A decoded character reference, and a
// character transcoded from another charset, gets a segment of its own that
// points at its first source byte. A collapsed space points at the first
// whitespace byte of its run; inserted newlines and tabs have no segment.
//
// # Charsets
//
// A byte order mark, an XML declaration or a meta charset in the first
// 1024 bytes names the encoding. Without one, valid UTF-8 is read as UTF-8
// and anything else as windows-1252, the encoding of older EDGAR
// documents. Offsets always count bytes of the original input.
//
// # Inline XBRL
//
// Element events go to an ixbrl.Builder, which resolves contexts and units
// and returns the facts with their spans in Text; see package ixbrl. An
// element styled "-sec-ix-hidden:<id>" gives the hidden fact with that id
// its span.
//
// # Errors
//
// Parse returns *Error, whose Reason is empty_file, no_body, not_html,
// too_large or canceled, and which wraps ErrEmptyFile, ErrNoBody,
// ErrNotHTML, ErrTooLarge or the context's error.
//
// # Imports
//
// html imports schemas, extractors/ixbrl and extractors/numfmt; it must not
// import other finx packages. It does no network or clock access and does
// not log: problems that do not stop the parse go into Document.Warnings.
package html
