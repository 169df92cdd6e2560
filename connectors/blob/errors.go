package blob

import (
	"errors"
	"fmt"
	"io/fs"
)

var (
	// ErrNotFound reports a reference with no stored blob. It matches
	// fs.ErrNotExist too, so callers need not import this package.
	ErrNotFound = fmt.Errorf("blob: not found: %w", fs.ErrNotExist)

	// ErrInvalidRef reports a reference that is not "sha256:" followed by
	// 64 lowercase hex digits.
	ErrInvalidRef = errors.New("blob: invalid reference")
)

// CorruptError reports stored bytes whose SHA-256 differs from their
// reference: the file was changed or truncated after it was written.
type CorruptError struct {
	Ref string
	// Path is the file that holds the corrupt bytes.
	Path string
	// Got is the reference of the bytes actually read.
	Got string
	// Size is the number of bytes read.
	Size int
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("blob: corrupt %s: file %s (%d bytes) hashes to %s", e.Ref, e.Path, e.Size, e.Got)
}

// Corrupt returns true. It lets callers recognise the error through
// errors.As with an interface, without importing this package.
func (e *CorruptError) Corrupt() bool { return true }

// Temporary returns false: reading the same file again gives the same bytes.
func (e *CorruptError) Temporary() bool { return false }
