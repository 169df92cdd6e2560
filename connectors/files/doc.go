// Package files is the file source of finx: it walks folders for filing
// documents (PDF, HTML, inline XBRL and EDGAR .txt submissions) and gives each
// its envelope: a document id from the content's sha256, the media type
// sniffed from the bytes and the extension, and the form when the path names
// it. A document's metadata sidecar, <name>.meta.json as the EDGAR
// crawler writes it, supplies the company, CIK, form, accession number and
// filing date; sidecars are not documents themselves.
//
// Files of other types (JSON, EDGAR index files, notes) are reported as
// skipped with the reason, so that a run can account for every file.
package files
