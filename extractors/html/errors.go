package html

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, wrapped by *Error. Each has a reason string that
// Error.Reason returns, for dead-letter records.
var (
	// ErrEmptyFile reports input of zero bytes.
	ErrEmptyFile = errors.New("html: empty file")
	// ErrNoBody reports markup without visible text, such as an empty or
	// missing body.
	ErrNoBody = errors.New("html: no visible text")
	// ErrNotHTML reports binary input or text without any markup.
	ErrNotHTML = errors.New("html: not html")
	// ErrTooLarge reports input over Config.MaxBytes.
	ErrTooLarge = errors.New("html: file too large")
)

// Reasons returned by Error.Reason.
const (
	ReasonEmptyFile = "empty_file"
	ReasonNoBody    = "no_body"
	ReasonNotHTML   = "not_html"
	ReasonTooLarge  = "too_large"
	// ReasonCanceled is returned when the context ended the parse.
	ReasonCanceled = "canceled"
)

// Error is a failed parse of one file. Err is one of the sentinel errors
// above or the context's error.
type Error struct {
	// File is the name given to Parse.
	File string
	// Code is the machine-readable cause; Reason returns it.
	Code string
	// Offset is the byte offset in the file where the problem was found.
	Offset int64
	Err    error
}

func (e *Error) Error() string {
	return fmt.Sprintf("html: parse %s at byte %d: %s", e.File, e.Offset, strings.TrimPrefix(e.Err.Error(), "html: "))
}

func (e *Error) Unwrap() error { return e.Err }

// Reason returns the cause as a short token: empty_file, no_body, not_html,
// too_large or canceled.
func (e *Error) Reason() string { return e.Code }
