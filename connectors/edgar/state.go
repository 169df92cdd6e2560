package edgar

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/finx-dev/finx/schemas"
)

// State records what a crawl has finished, so that a restarted crawl skips
// it. Keys are document URLs and dashed accession numbers. The crawler
// marks a document after the sink accepted it, and a filing after all its
// documents, so a crash between the two refetches nothing already sunk.
//
// The methods take only standard library and schemas types, so that a
// store in another package, such as the ClickHouse connector, implements
// State without importing edgar.
type State interface {
	// Done reports whether key was marked.
	Done(ctx context.Context, key string) (bool, error)
	// Mark records key as finished, durably before it returns. kind is
	// KindDocument or KindFiling. filing is the document's envelope, or for
	// a filing its CIK, accession, form, company, filing date and, in
	// SourcePath, the URL of its Archives folder.
	Mark(ctx context.Context, key, kind string, filing schemas.Filing) error
}

// StateRecord is one finished document or filing, as FileState stores it
// on one line.
type StateRecord struct {
	// Key is the document URL or the accession number.
	Key string `json:"key"`
	// Kind is "document" or "filing".
	Kind      string `json:"kind"`
	Accession string `json:"accession,omitempty"`
	CIK       string `json:"cik,omitempty"`
	Form      string `json:"form,omitempty"`
	// URL is the document URL, or the Archives folder of a filing.
	URL   string    `json:"url,omitempty"`
	DocID string    `json:"doc_id,omitempty"`
	At    time.Time `json:"at"`
}

// NewStateRecord returns the record of a Mark call, stamped with the
// current time.
func NewStateRecord(key, kind string, filing schemas.Filing) StateRecord {
	return StateRecord{
		Key:       key,
		Kind:      kind,
		Accession: filing.Accession,
		CIK:       filing.CIK,
		Form:      filing.Form,
		URL:       filing.SourcePath,
		DocID:     filing.DocID,
		At:        time.Now().UTC(),
	}
}

// Record kinds.
const (
	KindDocument = "document"
	KindFiling   = "filing"
)

// StateFileName is the file FileState keeps in its folder.
const StateFileName = "edgar-state.jsonl"

// FileState is a State kept as JSON lines in one file, appended and
// fsynced on every Mark. It suits one crawler process per folder; two
// processes on the same folder may both fetch a document.
type FileState struct {
	mu   sync.Mutex
	f    *os.File
	done map[string]bool
}

// OpenFileState opens or creates dir/edgar-state.jsonl and loads the keys
// in it. A last line cut off by a crash is ignored.
func OpenFileState(dir string) (*FileState, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("edgar: create state folder %s: %w", dir, err)
	}
	path := filepath.Join(dir, StateFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("edgar: open state file: %w", err)
	}

	s := &FileState{f: f, done: make(map[string]bool)}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		var rec StateRecord
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil || rec.Key == "" {
			// Only a crash in the middle of a write leaves a bad line, and
			// that record was never confirmed, so its key stays undone.
			continue
		}
		s.done[rec.Key] = true
	}

	if err := sc.Err(); err != nil {
		f.Close()
		return nil, fmt.Errorf("edgar: read state file %s line %d: %w", path, line+1, err)
	}
	if err := endLine(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("edgar: repair state file %s: %w", path, err)
	}
	return s, nil
}

// endLine ends a last line that a crash cut off, so that the next record
// starts on a line of its own.
func endLine(f *os.File) error {
	info, err := f.Stat()
	if err != nil || info.Size() == 0 {
		return err
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, info.Size()-1); err != nil {
		return err
	}
	if last[0] == '\n' {
		return nil
	}
	_, err = f.Write([]byte("\n"))
	return err
}

// Done reports whether key was marked.
func (s *FileState) Done(_ context.Context, key string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.done[key], nil
}

// Mark appends the record of key and fsyncs the file.
func (s *FileState) Mark(_ context.Context, key, kind string, filing schemas.Filing) error {
	if key == "" {
		return errors.New("edgar: state record without a key")
	}
	rec := NewStateRecord(key, kind, filing)
	line, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("edgar: encode state record %s: %w", rec.Key, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("edgar: write state record %s: %w", rec.Key, err)
	}
	if err := s.f.Sync(); err != nil {
		return fmt.Errorf("edgar: sync state file: %w", err)
	}
	s.done[rec.Key] = true
	return nil
}

// Close closes the file.
func (s *FileState) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.f.Close()
}

// MemoryState is a State kept in memory only, so a restarted crawl starts
// from nothing.
type MemoryState struct {
	mu   sync.Mutex
	done map[string]bool
}

// Done reports whether key was marked.
func (s *MemoryState) Done(_ context.Context, key string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.done[key], nil
}

// Mark records key.
func (s *MemoryState) Mark(_ context.Context, key, _ string, _ schemas.Filing) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done == nil {
		s.done = make(map[string]bool)
	}
	s.done[key] = true
	return nil
}
