package ixbrl

import "errors"

// Sentinel errors of the number transforms. Builder.Facts does not return
// them: a fact whose value cannot be read keeps an empty Value and the
// problem goes into the warnings.
var (
	// ErrUnsupportedFormat reports an ix:nonFraction format outside the
	// transformations this package implements.
	ErrUnsupportedFormat = errors.New("ixbrl: unsupported format")
	// ErrInvalidNumber reports printed text that does not match its format,
	// or a decimal or scale that cannot be converted.
	ErrInvalidNumber = errors.New("ixbrl: invalid number")
)
