package edgar

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/finx-dev/finx/schemas"
)

// Document is one fetched filing document.
type Document struct {
	// Filing is the envelope: DocID, SourcePath (the document URL),
	// MediaType, Form, Company, CIK, Accession, FilingDate and Size. Form is
	// the filing's form for the primary document and the exhibit type
	// (EX-99.1) for exhibits.
	Filing schemas.Filing
	// FileName is the document's name in its EDGAR filing folder.
	FileName string
	Content  []byte
}

// Sink receives fetched documents. Put must return only after the
// document is stored durably, because the crawler then records it as done
// and a restart will not fetch it again.
type Sink interface {
	Put(ctx context.Context, doc Document) error
}

// SidecarSuffix ends the name of the metadata file that DirSink writes next
// to each document: 10-k.htm and 10-k.htm.meta.json.
const SidecarSuffix = ".meta.json"

// Sidecar is the content of a metadata file. The field names match those
// of schemas.Filing, so a folder walker can fill a filing from it.
type Sidecar struct {
	Company    string `json:"company,omitempty"`
	CIK        string `json:"cik,omitempty"`
	Form       string `json:"form,omitempty"`
	Accession  string `json:"accession,omitempty"`
	FilingDate string `json:"filing_date,omitempty"`
	PeriodEnd  string `json:"period_end,omitempty"`
	SourceURL  string `json:"source_url"`
	DocID      string `json:"doc_id"`
	MediaType  string `json:"media_type"`
}

// DirSink writes each document to Dir/<cik>/<accession>/<file name> with a
// sidecar of its metadata, <file name>.meta.json. A document without an
// accession number, fetched from a URL outside the filing folders, goes to
// Dir/urls/<host>/<URL hash>/<file name>, so that documents with the same
// file name at different URLs do not overwrite each other.
type DirSink struct {
	Dir string
}

// Put writes the sidecar, then the document, each through a temporary
// file that is synced and renamed, so that a crash leaves no half-written
// document.
func (s DirSink) Put(_ context.Context, doc Document) error {
	folder := filepath.Join(s.Dir, safeName(doc.Filing.CIK), safeName(doc.Filing.Accession))
	if doc.Filing.Accession == "" {
		folder = urlFolder(s.Dir, doc.Filing.SourcePath)
	}
	name := safeName(doc.FileName)
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return fmt.Errorf("edgar: write %s: %w", doc.Filing.SourcePath, err)
	}
	meta, err := json.MarshalIndent(Sidecar{
		Company:    doc.Filing.Company,
		CIK:        doc.Filing.CIK,
		Form:       doc.Filing.Form,
		Accession:  doc.Filing.Accession,
		FilingDate: doc.Filing.FilingDate,
		PeriodEnd:  doc.Filing.PeriodEnd,
		SourceURL:  doc.Filing.SourcePath,
		DocID:      doc.Filing.DocID,
		MediaType:  doc.Filing.MediaType,
	}, "", "  ")
	if err != nil {
		return fmt.Errorf("edgar: encode metadata of %s: %w", doc.Filing.SourcePath, err)
	}
	target := filepath.Join(folder, name)
	if err := writeFileSynced(target+SidecarSuffix, append(meta, '\n')); err != nil {
		return fmt.Errorf("edgar: write metadata of %s: %w", doc.Filing.SourcePath, err)
	}
	if err := writeFileSynced(target, doc.Content); err != nil {
		return fmt.Errorf("edgar: write %s: %w", doc.Filing.SourcePath, err)
	}
	return nil
}

// urlFolder returns Dir/urls/<host>/<first 16 hex digits of the SHA-256
// of the URL>. The host keeps the folders readable, and the hash makes the
// folder unique per URL while the same URL maps to the same folder on a
// rerun.
func urlFolder(dir, rawURL string) string {
	host := "_"
	if u, err := url.Parse(rawURL); err == nil && u.Host != "" {
		host = strings.ReplaceAll(u.Host, ":", "_")
	}
	sum := sha256.Sum256([]byte(rawURL))
	return filepath.Join(dir, "urls", safeName(host), hex.EncodeToString(sum[:8]))
}

func writeFileSynced(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// safeName turns a name from EDGAR into one path element: path separators
// and leading dots are replaced, so no name can leave the output folder.
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 {
			return '_'
		}
		return r
	}, s)
	s = strings.TrimLeft(s, ".")
	if s == "" {
		return "_"
	}
	return s
}

// mediaType returns the media type of a document by the same rules as the
// folder walker: .pdf or a %PDF- start is PDF, .txt is plain text, ix:
// tags mean inline XBRL, anything else is HTML.
func mediaType(name string, content []byte) string {
	ext := strings.ToLower(path.Ext(name))
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
