package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// refPrefix starts every reference; the rest is the lowercase hex SHA-256.
const refPrefix = "sha256:"

// Store is a content-addressed blob store rooted at one directory. It is safe
// for concurrent use, also by several processes sharing the directory.
type Store struct {
	dir string
}

// New returns a store rooted at dir, creating dir/sha256 when missing.
func New(dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("blob: empty directory")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("blob: resolve directory %q: %w", dir, err)
	}
	if err := os.MkdirAll(filepath.Join(abs, "sha256"), 0o755); err != nil {
		return nil, fmt.Errorf("blob: create directory %q: %w", abs, err)
	}
	return &Store{dir: abs}, nil
}

// Dir returns the absolute root directory of the store.
func (s *Store) Dir() string { return s.dir }

// Ref returns the reference of data: "sha256:" and the lowercase hex SHA-256.
func Ref(data []byte) string {
	sum := sha256.Sum256(data)
	return refPrefix + hex.EncodeToString(sum[:])
}

// ParseRef returns the hex digest of a reference, or ErrInvalidRef.
func ParseRef(ref string) (string, error) {
	digest, ok := strings.CutPrefix(ref, refPrefix)
	if !ok || len(digest) != sha256.Size*2 || !isLowerHex(digest) {
		return "", fmt.Errorf("%w: %q", ErrInvalidRef, ref)
	}
	return digest, nil
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Path returns the file that holds the blob of a reference.
func (s *Store) Path(ref string) (string, error) {
	digest, err := ParseRef(ref)
	if err != nil {
		return "", err
	}
	return filepath.Join(s.dir, "sha256", digest[:2], digest), nil
}

// Put stores data and returns its reference. When an intact copy is already
// stored Put writes nothing, and it replaces a damaged copy, so Put is
// idempotent and concurrent Puts of the same content are safe.
func (s *Store) Put(ctx context.Context, data []byte) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("blob: put: %w", err)
	}
	ref := Ref(data)
	path, err := s.Path(ref)
	if err != nil {
		return "", err
	}
	if existing, err := os.ReadFile(path); err == nil && Ref(existing) == ref {
		return ref, nil
	}
	// A missing file is written; a damaged one is replaced by the rename.

	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("blob: put %s: create directory: %w", ref, err)
	}
	if err := writeAtomic(dir, path, data); err != nil {
		return "", fmt.Errorf("blob: put %s: %w", ref, err)
	}
	return ref, nil
}

// writeAtomic writes data to a temporary file in dir, syncs it and renames it
// to path. Rename within one directory is atomic on POSIX file systems, so a
// reader sees either no file or the whole blob.
func writeAtomic(dir, path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("create temporary file: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp.Name(), err)
	}
	if err := os.Chmod(tmp.Name(), 0o444); err != nil {
		return fmt.Errorf("chmod %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename %s: %w", tmp.Name(), err)
	}
	return nil
}

// Get returns the blob of a reference after checking that its bytes hash to
// the reference. It returns an error matching ErrNotFound when the blob is
// missing and a *CorruptError when the bytes differ.
func (s *Store) Get(ctx context.Context, ref string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("blob: get %s: %w", ref, err)
	}
	path, err := s.Path(ref)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s (file %s)", ErrNotFound, ref, path)
	}
	if err != nil {
		return nil, fmt.Errorf("blob: get %s: %w", ref, err)
	}
	if got := Ref(data); got != ref {
		return nil, &CorruptError{Ref: ref, Path: path, Got: got, Size: len(data)}
	}
	return data, nil
}
