package schemas

import "time"

// Media types finx parses.
const (
	MediaPDF  = "application/pdf"
	MediaHTML = "text/html"
	// MediaIXBRL is an inline XBRL document: XHTML carrying ix: facts.
	MediaIXBRL = "application/xhtml+xml"
	// MediaText is plain text, including EDGAR .txt submissions with SGML
	// <DOCUMENT> wrappers.
	MediaText = "text/plain"
)

// Filing is the envelope of one document on filings.raw. The Kafka message key
// is DocID; the content travels in the message value or, when it is larger
// than the inline limit, in the blob store under BlobRef.
type Filing struct {
	// DocID is the lowercase hex sha256 of the content.
	DocID      string `json:"doc_id" jsonschema:"pattern=^[0-9a-f]{64}$"`
	SourcePath string `json:"source_path" jsonschema:"minLength=1"`
	MediaType  string `json:"media_type" jsonschema:"enum=application/pdf,enum=text/html,enum=application/xhtml+xml,enum=text/plain,enum=application/octet-stream"`
	// Form is the SEC form type (10-K, 10-Q, 8-K, EX-99.1), empty when unknown.
	Form       string `json:"form,omitempty"`
	Company    string `json:"company,omitempty"`
	CIK        string `json:"cik,omitempty"`
	Accession  string `json:"accession,omitempty"`
	FilingDate string `json:"filing_date,omitempty"`
	// PeriodEnd is the end of the period the filing reports on (ISO 8601),
	// from EDGAR or from the document's cover; empty when unknown.
	PeriodEnd string `json:"period_end,omitempty"`
	// Size is the content length in bytes.
	Size int64 `json:"size" jsonschema:"minimum=0"`
	// BlobRef is "sha256:<hex>" when the content is in the blob store instead
	// of the message value.
	BlobRef     string    `json:"blob_ref,omitempty"`
	PublishedAt time.Time `json:"published_at"`
}
