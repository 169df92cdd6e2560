// Package schemas defines the data that moves through finx: the filing
// envelope on filings.raw, the parsed document, and the extraction result with
// its risks, metrics and guidance, each grounded by a citation.
//
// The JSON Schema files under json/ are generated from these types by
// invopop/jsonschema (go generate ./schemas) and embedded, so that Validate
// checks every result before it is published. TestSchemasUpToDate fails when
// the files are stale.
//
// # Imports
//
// schemas imports only the standard library and the schema tools. Every other
// finx package may import it; it imports none of them.
//
// # Offsets
//
// Offsets named Start and End on parsed text are byte offsets into
// Document.Text (UTF-8), half-open. Citations also carry CharStart and
// CharEnd, the same span counted in Unicode code points, for consumers that
// index text by character (SQL substringUTF8, JavaScript, Python).
package schemas
