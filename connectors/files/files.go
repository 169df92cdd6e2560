package files

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/finx-dev/finx/schemas"
)

// Document is one file to publish.
type Document struct {
	Filing  schemas.Filing
	Content []byte
}

// Skipped is a file the source did not publish, with the reason.
type Skipped struct {
	Path   string
	Reason string
}

// Config sets the limits of a walk.
type Config struct {
	// MaxFileSize is the largest file read, in bytes; zero means 256 MiB.
	// Larger files are reported as skipped.
	MaxFileSize int64
}

// documentExt lists the extensions read as filing documents.
var documentExt = map[string]bool{
	".pdf": true, ".htm": true, ".html": true, ".xhtml": true, ".txt": true,
}

// Walk calls fn for every filing document under the roots, in lexical path
// order, and returns the files it skipped. A root may be a file. The same
// content under two paths is published once; the second path is skipped as
// a duplicate. An error from fn stops the walk and is returned.
func Walk(ctx context.Context, roots []string, cfg Config, fn func(Document) error) ([]Skipped, error) {
	if cfg.MaxFileSize <= 0 {
		cfg.MaxFileSize = 256 << 20
	}
	var paths []string
	var skipped []Skipped
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("files: walk %s: %w", path, err)
			}
			name := d.Name()
			if d.IsDir() {
				if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "gen") {
					return filepath.SkipDir
				}
				return nil
			}
			if strings.HasPrefix(name, ".") {
				return nil
			}
			if !d.Type().IsRegular() {
				skipped = append(skipped, Skipped{Path: path, Reason: "not a regular file"})
				return nil
			}
			if !documentExt[strings.ToLower(filepath.Ext(name))] {
				skipped = append(skipped, Skipped{Path: path, Reason: "not a filing document type (" + filepath.Ext(name) + ")"})
				return nil
			}
			paths = append(paths, path)
			return nil
		})
		if err != nil {
			return skipped, err
		}
	}
	sort.Strings(paths)

	seen := make(map[string]string)
	for _, path := range paths {
		if err := ctx.Err(); err != nil {
			return skipped, err
		}
		info, err := os.Stat(path)
		if err != nil {
			return skipped, fmt.Errorf("files: %w", err)
		}
		if info.Size() > cfg.MaxFileSize {
			skipped = append(skipped, Skipped{Path: path, Reason: fmt.Sprintf("larger than the %d-byte limit", cfg.MaxFileSize)})
			continue
		}
		content, err := os.ReadFile(path)
		if err != nil {
			return skipped, fmt.Errorf("files: %w", err)
		}
		doc := Describe(path, content, time.Now().UTC())
		if first, ok := seen[doc.Filing.DocID]; ok {
			skipped = append(skipped, Skipped{Path: path, Reason: "same content as " + first})
			continue
		}
		seen[doc.Filing.DocID] = path
		if err := fn(doc); err != nil {
			return skipped, err
		}
	}
	return skipped, nil
}

// Describe builds the envelope of one file's content.
func Describe(path string, content []byte, now time.Time) Document {
	sum := sha256.Sum256(content)
	return Document{
		Filing: schemas.Filing{
			DocID:       hex.EncodeToString(sum[:]),
			SourcePath:  path,
			MediaType:   MediaType(path, content),
			Form:        FormFromPath(path),
			Size:        int64(len(content)),
			PublishedAt: now,
		},
		Content: content,
	}
}

// MediaType returns the media type of a document. The extension decides for
// .pdf, so that a text file named .pdf reaches the PDF parser and fails there
// with a clear reason; otherwise the bytes decide.
func MediaType(path string, content []byte) string {
	ext := strings.ToLower(filepath.Ext(path))
	head := bytes.TrimLeft(content[:min(len(content), 1024)], "\xef\xbb\xbf \t\r\n")
	switch {
	case ext == ".pdf" || bytes.HasPrefix(head, []byte("%PDF-")):
		return schemas.MediaPDF
	case ext == ".txt":
		return schemas.MediaText
	case bytes.Contains(content, []byte("<ix:header")) || bytes.Contains(content, []byte("<ix:nonFraction")):
		return schemas.MediaIXBRL
	default:
		return schemas.MediaHTML
	}
}

var formPatterns = []struct {
	re   *regexp.Regexp
	form string
}{
	{regexp.MustCompile(`(?i)(^|[^a-z0-9])10-?k([^a-z0-9]|$)`), "10-K"},
	{regexp.MustCompile(`(?i)(^|[^a-z0-9])10-?q([^a-z0-9]|$)`), "10-Q"},
	{regexp.MustCompile(`(?i)(^|[^a-z0-9])ex-?99`), "EX-99.1"},
	{regexp.MustCompile(`(?i)(^|[^a-z0-9])(8-?k|earnings)([^a-z0-9]|$)`), "8-K"},
}

// FormFromPath guesses the SEC form from a file name such as
// AMAZON_2019_10K.pdf or aapl-10-k-2024-11-01.html, or returns "". Parsers
// replace the guess with the form the document states.
func FormFromPath(path string) string {
	name := strings.ReplaceAll(filepath.Base(path), "_", " ")
	for _, p := range formPatterns {
		if p.re.MatchString(name) {
			return p.form
		}
	}
	return ""
}
