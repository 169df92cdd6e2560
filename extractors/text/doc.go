// Package text turns EDGAR full-submission .txt files and plain text into a
// schemas.Document whose Segments map every byte of Document.Text back to its
// byte offset in the source file.
//
// # EDGAR submissions
//
// A full submission starts with an SGML header (ACCESSION NUMBER,
// CONFORMED SUBMISSION TYPE, COMPANY CONFORMED NAME, CENTRAL INDEX KEY,
// FILED AS OF DATE), which fills Document.Form, Company, CIK, Accession and
// FilingDate (as YYYY-MM-DD). Each <DOCUMENT> block carries <TYPE>,
// <SEQUENCE>, <FILENAME> and <DESCRIPTION> lines and its content between
// <TEXT> and </TEXT>. Text is the concatenation of the documents' content,
// separated by a blank line, with the wrapper tag lines and <PAGE> markers
// removed and line structure kept. When a document's content is HTML, tags
// are removed, block-level tags end a line and entities are decoded. Each
// decoded entity gets a segment of its own that maps to its ampersand.
// Uuencoded documents (graphics, PDF and ZIP attachments) and XBRL exhibits
// (EX-101.*) are left out. Each document kept gets a Document.Sections entry
// that spans its text, with the ID "document_" and its type in lowercase
// ("document_8_k", "document_ex_99_1") and the title "<TYPE> <FILENAME>
// <DESCRIPTION>", so that its type survives the concatenation.
//
// # Plain text
//
// Input without a <DOCUMENT> block is taken as text as it is, one segment
// (or several, when CR LF line ends are folded or bytes are decoded). A
// leading UTF-8 byte order mark is dropped.
//
// # Encoding
//
// Input that is not valid UTF-8 is decoded as windows-1252; each decoded
// non-ASCII byte gets a segment of its own. Carriage returns before a line
// feed are dropped. Input with NUL bytes, or with control bytes in more than
// 1% of its bytes, is rejected as binary_content.
//
// # Imports
//
// text imports schemas and golang.org/x/text; it must not import other finx
// packages.
package text
