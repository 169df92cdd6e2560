package files

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
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

// Unreadable is a file or folder that could not be read, with the error.
// Callers dead-letter it so that the run still accounts for it.
type Unreadable struct {
	Path string
	Err  error
}

// Result lists what a walk did not publish.
type Result struct {
	Skipped    []Skipped
	Unreadable []Unreadable
}

// Walk calls fn for every filing document under the roots, in lexical path
// order. A root may be a file, and a root that is a symbolic link is
// followed. Inside a folder, links to regular files are followed and links
// to folders are skipped, so a link loop cannot trap the walk. The same
// content under two paths is published once; the second path is skipped as
// a duplicate. A file or folder that cannot be read is reported in
// Result.Unreadable and the walk goes on. An error from fn, a root that does
// not exist, or ctx ending stops the walk and is returned.
func Walk(ctx context.Context, roots []string, cfg Config, fn func(Document) error) (Result, error) {
	if cfg.MaxFileSize <= 0 {
		cfg.MaxFileSize = 256 << 20
	}
	var res Result
	var paths []string
	for _, root := range roots {
		if _, err := os.Stat(root); err != nil {
			return res, fmt.Errorf("files: %w", err)
		}
		walkRoot := root
		if resolved, err := filepath.EvalSymlinks(root); err == nil {
			walkRoot = resolved
		}
		err := filepath.WalkDir(walkRoot, func(path string, d fs.DirEntry, err error) error {
			if walkRoot != root {
				// Report paths under the root as given, not the link target.
				if rel, relErr := filepath.Rel(walkRoot, path); relErr == nil {
					path = filepath.Join(root, rel)
				}
			}
			if err != nil {
				res.Unreadable = append(res.Unreadable, Unreadable{Path: path, Err: err})
				if d != nil && d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			name := d.Name()
			if d.Type()&fs.ModeSymlink != 0 {
				if info, err := os.Stat(path); err == nil && info.IsDir() {
					res.Skipped = append(res.Skipped, Skipped{Path: path, Reason: "link to a folder, not followed"})
					return nil
				}
			}
			if d.IsDir() {
				if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "gen") {
					return filepath.SkipDir
				}
				return nil
			}
			if strings.HasPrefix(name, ".") {
				return nil
			}
			if strings.HasSuffix(name, SidecarSuffix) {
				// A sidecar belongs to the document named by the rest of
				// its name and is read with it.
				if _, err := os.Stat(strings.TrimSuffix(path, SidecarSuffix)); err != nil {
					res.Skipped = append(res.Skipped, Skipped{Path: path, Reason: "metadata sidecar without its document"})
				}
				return nil
			}
			if !documentExt[strings.ToLower(filepath.Ext(name))] {
				res.Skipped = append(res.Skipped, Skipped{Path: path, Reason: "not a filing document type (" + filepath.Ext(name) + ")"})
				return nil
			}
			if IsEDGARIndexPage(name) {
				res.Skipped = append(res.Skipped, Skipped{Path: path, Reason: "EDGAR filing index page, which lists a filing's documents"})
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				info, err := os.Stat(path)
				switch {
				case err != nil:
					res.Unreadable = append(res.Unreadable, Unreadable{Path: path, Err: err})
					return nil
				case !info.Mode().IsRegular():
					res.Skipped = append(res.Skipped, Skipped{Path: path, Reason: "link to something other than a regular file"})
					return nil
				}
			} else if !d.Type().IsRegular() {
				res.Skipped = append(res.Skipped, Skipped{Path: path, Reason: "not a regular file"})
				return nil
			}
			paths = append(paths, path)
			return nil
		})
		if err != nil {
			return res, err
		}
	}
	sort.Strings(paths)

	seen := make(map[string]string)
	for _, path := range paths {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		info, err := os.Stat(path)
		if err != nil {
			res.Unreadable = append(res.Unreadable, Unreadable{Path: path, Err: err})
			continue
		}
		if info.Size() > cfg.MaxFileSize {
			res.Skipped = append(res.Skipped, Skipped{Path: path, Reason: fmt.Sprintf("larger than the %d-byte limit", cfg.MaxFileSize)})
			continue
		}
		content, err := os.ReadFile(path)
		if err != nil {
			res.Unreadable = append(res.Unreadable, Unreadable{Path: path, Err: err})
			continue
		}
		doc := Describe(path, content, time.Now().UTC())
		if err := applySidecar(&doc.Filing, path); err != nil {
			res.Unreadable = append(res.Unreadable, Unreadable{Path: path, Err: err})
			continue
		}
		if first, ok := seen[doc.Filing.DocID]; ok {
			res.Skipped = append(res.Skipped, Skipped{Path: path, Reason: "same content as " + first})
			continue
		}
		seen[doc.Filing.DocID] = path
		if err := fn(doc); err != nil {
			return res, err
		}
	}
	return res, nil
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

// IsEDGARIndexPage reports whether a file name is that of an EDGAR filing
// index page ("<accession>-index.htm", "<accession>-index-headers.html"):
// a page of links to a filing's documents, with no filing text of its own.
func IsEDGARIndexPage(name string) bool {
	lower := strings.ToLower(name)
	for _, suffix := range []string{"-index.htm", "-index.html", "-index-headers.htm", "-index-headers.html"} {
		if strings.HasSuffix(lower, suffix) {
			return true
		}
	}
	return false
}

// MediaType returns the media type of a document. For .pdf the extension
// decides, so a text file named .pdf reaches the PDF parser and fails there
// with a clear reason. Otherwise the bytes decide.
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

// SidecarSuffix ends the name of a document's metadata file:
// 10-k.htm.meta.json describes 10-k.htm. The EDGAR crawler writes these.
const SidecarSuffix = ".meta.json"

// sidecar is the part of a metadata file that Walk reads; other fields
// (source_url, doc_id, media_type) are ignored.
type sidecar struct {
	Company    string `json:"company"`
	CIK        string `json:"cik"`
	Form       string `json:"form"`
	Accession  string `json:"accession"`
	FilingDate string `json:"filing_date"`
	PeriodEnd  string `json:"period_end"`
}

// applySidecar fills the filing's company, CIK, form, accession, filing
// date and period end from the document's sidecar when there is one. A form in the
// sidecar replaces the guess from the path. A sidecar that exists but
// cannot be read or decoded is an error, so that the document is not
// published without the metadata it was meant to have.
func applySidecar(f *schemas.Filing, path string) error {
	data, err := os.ReadFile(path + SidecarSuffix)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("files: read metadata sidecar: %w", err)
	}
	var meta sidecar
	if err := json.Unmarshal(data, &meta); err != nil {
		return fmt.Errorf("files: invalid metadata sidecar %s: %w", path+SidecarSuffix, err)
	}
	if meta.Company != "" {
		f.Company = meta.Company
	}
	if meta.CIK != "" {
		f.CIK = meta.CIK
	}
	if meta.Form != "" {
		f.Form = meta.Form
	}
	if meta.Accession != "" {
		f.Accession = meta.Accession
	}
	if meta.PeriodEnd != "" {
		f.PeriodEnd = meta.PeriodEnd
	}
	if meta.FilingDate != "" {
		f.FilingDate = meta.FilingDate
	}
	return nil
}
