package review

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/finx-dev/finx/connectors/clickhouse"
	"github.com/finx-dev/finx/schemas"
)

// FileStore reads the JSONEachRow files that clickhouse.FileSink writes
// (dir/<table>.json) and appends decisions to dir/review_decisions.json and
// new item versions to the item's table file, in the same format, so that
// the folder still loads into ClickHouse.
//
// NOTE: the file sink and FileStore append to the same files without a lock
// between processes. Do not take decisions on a folder that a load stage is
// writing to.
type FileStore struct {
	dir string

	mu    sync.Mutex
	cache map[string]cachedTable
	// sink writes the decisions; opened at the first decision.
	sink *clickhouse.FileSink
}

// fileSink opens the file sink on the folder at its first use.
func (s *FileStore) fileSink() (*clickhouse.FileSink, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sink != nil {
		return s.sink, nil
	}
	sink, err := clickhouse.NewFileSink(s.dir)
	if err != nil {
		return nil, err
	}
	s.sink = sink
	return sink, nil
}

// cachedTable is a table file's rows, valid while the file's size and
// modification time stay the same.
type cachedTable struct {
	size    int64
	modTime time.Time
	rows    []row
}

// NewFileStore returns a store on the folder. The folder must exist; a
// missing table file reads as an empty table.
func NewFileStore(dir string) (*FileStore, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("review: open file store: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("review: open file store: %s is not a folder", dir)
	}
	return &FileStore{dir: dir, cache: make(map[string]cachedTable)}, nil
}

// Dir returns the folder of the store.
func (s *FileStore) Dir() string { return s.dir }

func (s *FileStore) path(table string) string { return filepath.Join(s.dir, table+".json") }

// rows returns the rows of the table file, read again only when the file
// changed.
func (s *FileStore) rows(ctx context.Context, table string) ([]row, error) {
	path := s.path(table)
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("review: read %s: %w", path, err)
	}
	s.mu.Lock()
	c, ok := s.cache[table]
	s.mu.Unlock()
	if ok && c.size == fi.Size() && c.modTime.Equal(fi.ModTime()) {
		return c.rows, nil
	}
	rows, err := readJSONEachRow(ctx, path)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.cache[table] = cachedTable{size: fi.Size(), modTime: fi.ModTime(), rows: rows}
	s.mu.Unlock()
	return rows, nil
}

func readJSONEachRow(ctx context.Context, path string) ([]row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("review: read %s: %w", path, err)
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReader(f))
	dec.UseNumber()
	var rows []row
	for line := 1; ; line++ {
		if line%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("review: read %s: %w", path, err)
			}
		}
		var r row
		err := dec.Decode(&r)
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("review: read %s: row %d: %w", path, line, err)
		}
		rows = append(rows, r)
	}
}

// Filings returns the latest row of every document, by version.
func (s *FileStore) Filings(ctx context.Context) ([]Filing, error) {
	rows, err := s.rows(ctx, clickhouse.TableFilings)
	if err != nil {
		return nil, err
	}
	index := make(map[string]int)
	var out []Filing
	for _, r := range rows {
		f := filingFromRow(r)
		if i, ok := index[f.DocID]; ok {
			if f.Version > out[i].Version {
				out[i] = f
			}
			continue
		}
		index[f.DocID] = len(out)
		out = append(out, f)
	}
	return out, nil
}

// allItems returns the latest version of every item of every kind that
// keep accepts.
func (s *FileStore) allItems(ctx context.Context, keep func(r row) bool) ([]Item, error) {
	var all []Item
	for _, kind := range []string{schemas.KindRisk, schemas.KindMetric, schemas.KindGuidance} {
		table, _ := tableOf(kind)
		rows, err := s.rows(ctx, table)
		if err != nil {
			return nil, err
		}
		for i, r := range rows {
			if !keep(r) {
				continue
			}
			it, err := itemFromRow(kind, r)
			if err != nil {
				return nil, fmt.Errorf("%w (%s row %d)", err, s.path(table), i+1)
			}
			all = append(all, it)
		}
	}
	return latestItems(all), nil
}

// Items returns the latest version of every item of the document.
func (s *FileStore) Items(ctx context.Context, docID string) ([]Item, error) {
	return s.allItems(ctx, func(r row) bool { return r.str("doc_id") == docID })
}

// NeedsReview returns the items whose latest version needs review.
func (s *FileStore) NeedsReview(ctx context.Context) ([]Item, error) {
	items, err := s.allItems(ctx, func(row) bool { return true })
	if err != nil {
		return nil, err
	}
	var out []Item
	for _, it := range items {
		if it.Status() == schemas.StatusNeedsReview {
			out = append(out, it)
		}
	}
	return out, nil
}

// Decide appends the item's new version to its table file, then the
// decision to review_decisions.json. A failure between the two leaves a new
// item version without its decision row, which a retry of the decision
// supersedes.
func (s *FileStore) Decide(ctx context.Context, d schemas.ReviewDecision, after Item) error {
	t, r, err := itemRow(after, after.Version)
	if err != nil {
		return err
	}
	if err := s.appendRow(ctx, t, r); err != nil {
		return err
	}
	sink, err := s.fileSink()
	if err != nil {
		return err
	}
	return sink.WriteReviewDecisions(ctx, []schemas.ReviewDecision{d})
}

func (s *FileStore) appendRow(ctx context.Context, t clickhouse.Table, r clickhouse.Row) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("review: write %s: %w", s.path(t.Name), err)
	}
	var buf bytes.Buffer
	if err := encodeJSONEachRow(&buf, t, r); err != nil {
		return err
	}
	path := s.path(t.Name)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("review: write %s: %w", path, err)
	}
	// One write per row, so that O_APPEND puts the whole line at the end.
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return fmt.Errorf("review: write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("review: sync %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("review: close %s: %w", path, err)
	}
	return nil
}

// Decisions returns the decisions in review_decisions.json, oldest first.
func (s *FileStore) Decisions(ctx context.Context) ([]schemas.ReviewDecision, error) {
	rows, err := s.rows(ctx, clickhouse.TableReviewDecisions)
	if err != nil {
		return nil, err
	}
	out := make([]schemas.ReviewDecision, 0, len(rows))
	for _, r := range rows {
		out = append(out, decisionFromRow(r))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DecidedAt.Before(out[j].DecidedAt) })
	return out, nil
}

// Ping checks that the folder can still be read.
func (s *FileStore) Ping(ctx context.Context) error {
	if _, err := os.Stat(s.dir); err != nil {
		return fmt.Errorf("review: file store: %w", err)
	}
	return nil
}

// Close closes the file sink if a decision opened it.
func (s *FileStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sink == nil {
		return nil
	}
	return s.sink.Close()
}
