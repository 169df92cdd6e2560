package clickhouse

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/finx-dev/finx/schemas"
)

// SchemaFile is the name of the DDL file that NewFileSink writes.
const SchemaFile = "schema.sql"

// FileSink writes the same rows as Sink to JSONEachRow files, one per table
// (dir/<table>.json), for loading into ClickHouse later:
//
//	clickhouse-client --multiquery < dir/schema.sql
//	clickhouse-client --query "INSERT INTO finx.metrics FORMAT JSONEachRow" < dir/metrics.json
//
// schema.sql names its database in every statement: "finx" from
// NewFileSink, another from NewFileSinkDatabase. The INSERT commands must
// name the same database. The JSON files name none, so one output folder
// loads into any database whose schema.sql was made for it.
//
// Files are opened for appending, so rows of earlier runs stay. Loading the
// same row twice is safe, because ReplacingMergeTree keeps one row per key.
// One FileSink may be used from several goroutines, but two processes must
// not write to the same folder at once.
type FileSink struct {
	dir string

	mu     sync.Mutex
	files  map[string]*os.File
	closed bool
}

// NewFileSink creates dir if missing, writes dir/schema.sql with the DDL for
// the database "finx" (PathPortable types, newest tables and views), and
// opens one file per table for appending.
func NewFileSink(dir string) (*FileSink, error) {
	return NewFileSinkDatabase(dir, DefaultDatabase)
}

// NewFileSinkDatabase is NewFileSink with the DDL of dir/schema.sql for
// database. database must be a plain identifier, as Config.Database.
func NewFileSinkDatabase(dir, database string) (*FileSink, error) {
	if !plainIdent.MatchString(database) {
		return nil, fmt.Errorf("%w: database %q is not a plain identifier ([A-Za-z_][A-Za-z0-9_]*)", ErrInvalidConfig, database)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("clickhouse: create %s: %w", dir, err)
	}
	schema := strings.Join(DDL(database), ";\n\n") + ";\n"
	if err := os.WriteFile(filepath.Join(dir, SchemaFile), []byte(schema), 0o644); err != nil {
		return nil, fmt.Errorf("clickhouse: write %s: %w", filepath.Join(dir, SchemaFile), err)
	}
	s := &FileSink{dir: dir, files: make(map[string]*os.File)}
	for _, t := range Tables() {
		path := s.Path(t.Name)
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			_ = s.Close()
			return nil, fmt.Errorf("clickhouse: open %s: %w", path, err)
		}
		s.files[t.Name] = f
	}
	return s, nil
}

// Path returns the file that holds the rows of the table.
func (s *FileSink) Path(table string) string {
	return filepath.Join(s.dir, table+".json")
}

// Write appends the rows of the results to the table files and syncs them to
// disk. Each table's rows are encoded before any byte is written, so an
// encoding error leaves that file as it was.
func (s *FileSink) Write(ctx context.Context, results []*schemas.Result) error {
	if len(results) == 0 {
		return nil
	}
	batch := make(map[string][]Row)
	for _, res := range results {
		rows, err := Rows(res)
		if err != nil {
			return err
		}
		for table, rs := range rows {
			batch[table] = append(batch[table], rs...)
		}
	}
	return s.appendAll(ctx, batch)
}

// WriteDeadLetters appends the dead letters to dead_letters.json.
func (s *FileSink) WriteDeadLetters(ctx context.Context, letters []schemas.DeadLetter) error {
	if len(letters) == 0 {
		return nil
	}
	rows := make([]Row, len(letters))
	for i := range letters {
		rows[i] = DeadLetterRow(&letters[i])
	}
	return s.appendAll(ctx, map[string][]Row{TableDeadLetters: rows})
}

// WriteReviewDecisions appends the decisions to review_decisions.json.
func (s *FileSink) WriteReviewDecisions(ctx context.Context, decisions []schemas.ReviewDecision) error {
	if len(decisions) == 0 {
		return nil
	}
	rows := make([]Row, len(decisions))
	for i := range decisions {
		rows[i] = ReviewDecisionRow(&decisions[i])
	}
	return s.appendAll(ctx, map[string][]Row{TableReviewDecisions: rows})
}

func (s *FileSink) appendAll(ctx context.Context, batch map[string][]Row) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	var buf bytes.Buffer
	for _, t := range Tables() {
		rows := batch[t.Name]
		if len(rows) == 0 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("clickhouse: write %s: %w", s.Path(t.Name), err)
		}
		buf.Reset()
		for _, row := range rows {
			if err := appendJSONEachRow(&buf, t, row); err != nil {
				return fmt.Errorf("%w (doc_id %v, file %s)", err, row[0], s.Path(t.Name))
			}
		}
		f := s.files[t.Name]
		size, err := f.Seek(0, io.SeekEnd)
		if err != nil {
			return fmt.Errorf("clickhouse: seek %s: %w", f.Name(), err)
		}
		if _, err := f.Write(buf.Bytes()); err != nil {
			// Cut a partly written line, so that the file still loads.
			if terr := f.Truncate(size); terr != nil {
				return fmt.Errorf("clickhouse: write %s: %w (truncating the partial write also failed: %v)", f.Name(), err, terr)
			}
			return fmt.Errorf("clickhouse: write %s: %w", f.Name(), err)
		}
		if err := f.Sync(); err != nil {
			return fmt.Errorf("clickhouse: sync %s: %w", f.Name(), err)
		}
	}
	return nil
}

// Close closes the table files. Later writes return ErrClosed.
func (s *FileSink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	var errs []error
	for _, f := range s.files {
		if err := f.Close(); err != nil {
			errs = append(errs, fmt.Errorf("clickhouse: close %s: %w", f.Name(), err))
		}
	}
	return errors.Join(errs...)
}
