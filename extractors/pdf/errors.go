package pdf

import (
	"fmt"
)

// Reasons returned by (*Error).Reason. They are stable snake_case codes for
// metrics labels and dead-letter records.
const (
	// ReasonEmptyFile: the input has zero bytes.
	ReasonEmptyFile = "empty_file"
	// ReasonNotPDF: no %PDF- header in the first 1024 bytes.
	ReasonNotPDF = "not_pdf"
	// ReasonTruncatedPDF: no %%EOF marker, no startxref, or a cross-reference
	// table or trailer that cannot be read.
	ReasonTruncatedPDF = "truncated_pdf"
	// ReasonEncryptedPDF: the file is encrypted and the empty user password
	// does not open it, or its encryption method is not supported.
	ReasonEncryptedPDF = "encrypted_pdf"
	// ReasonCorruptPDF: the file structure is invalid in another way, such as
	// a missing page tree, an object missing from its cross-reference offset,
	// or an implausible cross-reference size.
	ReasonCorruptPDF = "corrupt_pdf"
	// ReasonParsePanic: the PDF library failed with a runtime error (a bug,
	// such as an index out of range) outside a page's content.
	ReasonParsePanic = "parse_panic"
	// ReasonParseTimeout: the parse ran longer than Config.Timeout or the
	// context deadline.
	ReasonParseTimeout = "parse_timeout"
	// ReasonCanceled: the context was canceled before the parse finished.
	ReasonCanceled = "canceled"
	// ReasonInvalidConfig: Config.Validate failed.
	ReasonInvalidConfig = "invalid_config"
)

// Error is a failed parse. Every error returned by Parse is an *Error.
type Error struct {
	// File is the name passed to Parse.
	File string
	// Code is one of the Reason constants.
	Code string
	// Page is the 1-based page being read when the parse failed, or 0.
	Page int
	// Err is the underlying error, if any.
	Err error
}

// Reason returns the snake_case code of the failure, such as "not_pdf".
func (e *Error) Reason() string { return e.Code }

func (e *Error) Error() string {
	msg := "pdf: " + e.File
	if e.Page > 0 {
		msg += fmt.Sprintf(" page %d", e.Page)
	}
	msg += ": " + e.Code
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }
