package review

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
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
	log *slog.Logger

	mu    sync.Mutex
	cache map[string]cachedTable
	// skipped holds the rows that could not be read, by file and line.
	skipped map[skipKey]SkippedRow
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
	// lines are the file's line numbers of rows, 1-based.
	lines []int
}

// SkippedRow is a line of a table file that could not be read as a row.
type SkippedRow struct {
	Path string
	Line int
	Err  error
}

func (r SkippedRow) String() string {
	return fmt.Sprintf("%s line %d: %v", r.Path, r.Line, r.Err)
}

type skipKey struct {
	path string
	line int
}

// maxSkippedRows bounds the skipped rows kept and logged, so that a file of
// garbage cannot fill memory or the log. Further bad rows are still skipped.
const maxSkippedRows = 100

// NewFileStore returns a store on the folder. The folder must exist, and a
// missing table file reads as an empty table. Rows that are not valid JSON
// objects, or lack the columns of their table, are skipped and logged to
// logger at warn level. A nil logger discards the log.
func NewFileStore(dir string, logger *slog.Logger) (*FileStore, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("review: open file store: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("review: open file store: %s is not a folder", dir)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &FileStore{dir: dir, log: logger.With("component", "review"), cache: make(map[string]cachedTable),
		skipped: make(map[skipKey]SkippedRow)}, nil
}

// skip records and logs a row that could not be read, once per file line.
func (s *FileStore) skip(ctx context.Context, path string, line int, err error) {
	s.mu.Lock()
	key := skipKey{path, line}
	_, seen := s.skipped[key]
	full := len(s.skipped) >= maxSkippedRows
	if !seen && !full {
		s.skipped[key] = SkippedRow{Path: path, Line: line, Err: err}
	}
	s.mu.Unlock()
	if !seen && !full {
		s.log.WarnContext(ctx, "row skipped: invalid JSONEachRow line", "path", path, "line", line, "err", err)
	}
}

// forgetSkipped drops the skipped rows of a file that is read again.
func (s *FileStore) forgetSkipped(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.skipped {
		if k.path == path {
			delete(s.skipped, k)
		}
	}
}

// SkippedRows returns the rows skipped in the files as last read, ordered by
// file and line, at most maxSkippedRows.
func (s *FileStore) SkippedRows() []SkippedRow {
	s.mu.Lock()
	out := make([]SkippedRow, 0, len(s.skipped))
	for _, r := range s.skipped {
		out = append(out, r)
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Line < out[j].Line
	})
	return out
}

// Dir returns the folder of the store.
func (s *FileStore) Dir() string { return s.dir }

func (s *FileStore) path(table string) string { return filepath.Join(s.dir, table+".json") }

// rows returns the rows of the table file and their line numbers, read
// again only when the file changed.
func (s *FileStore) rows(ctx context.Context, table string) ([]row, []int, error) {
	path := s.path(table)
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("review: read %s: %w", path, err)
	}
	s.mu.Lock()
	c, ok := s.cache[table]
	s.mu.Unlock()
	if ok && c.size == fi.Size() && c.modTime.Equal(fi.ModTime()) {
		return c.rows, c.lines, nil
	}
	s.forgetSkipped(path)
	rows, lines, err := s.readJSONEachRow(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	s.mu.Lock()
	s.cache[table] = cachedTable{size: fi.Size(), modTime: fi.ModTime(), rows: rows, lines: lines}
	s.mu.Unlock()
	return rows, lines, nil
}

// readJSONEachRow reads one JSON object per line. A line that is not one,
// such as the half line of a writer that stopped, is skipped and recorded.
func (s *FileStore) readJSONEachRow(ctx context.Context, path string) ([]row, []int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("review: read %s: %w", path, err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var rows []row
	var lines []int
	for line := 1; ; line++ {
		if line%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, fmt.Errorf("review: read %s: %w", path, err)
			}
		}
		text, readErr := br.ReadBytes('\n')
		if readErr != nil && !errors.Is(readErr, io.EOF) {
			return nil, nil, fmt.Errorf("review: read %s: line %d: %w", path, line, readErr)
		}
		if len(bytes.TrimSpace(text)) > 0 {
			r, err := decodeRow(text)
			if err != nil {
				s.skip(ctx, path, line, err)
			} else {
				rows = append(rows, r)
				lines = append(lines, line)
			}
		}
		if readErr != nil {
			return rows, lines, nil
		}
	}
}

// decodeRow decodes one line that holds exactly one JSON object, keeping
// numbers as json.Number.
func decodeRow(text []byte) (row, error) {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	var r row
	if err := dec.Decode(&r); err != nil {
		return nil, err
	}
	if r == nil {
		return nil, errors.New("not a JSON object")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("more than one JSON value on the line")
	}
	return r, nil
}

// Filings returns the latest row of every document, by version.
func (s *FileStore) Filings(ctx context.Context) ([]Filing, error) {
	rows, _, err := s.rows(ctx, clickhouse.TableFilings)
	if err != nil {
		return nil, err
	}
	return latestFilings(rows), nil
}

// allItems returns the latest version of every item of every kind that
// keep accepts.
func (s *FileStore) allItems(ctx context.Context, keep func(r row) bool) ([]Item, error) {
	var all []Item
	for _, kind := range []string{schemas.KindRisk, schemas.KindMetric, schemas.KindGuidance} {
		table, _ := tableOf(kind)
		rows, lines, err := s.rows(ctx, table)
		if err != nil {
			return nil, err
		}
		for i, r := range rows {
			if !keep(r) {
				continue
			}
			it, err := itemFromRow(kind, r)
			if err != nil {
				s.skip(ctx, s.path(table), lines[i], err)
				continue
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
	return needingReview(items), nil
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
	rows, _, err := s.rows(ctx, clickhouse.TableReviewDecisions)
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
