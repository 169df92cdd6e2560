package clickhouse

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/finx-dev/finx/schemas"
)

func countLines(t *testing.T, path string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Count(data, []byte("\n"))
}

func TestFileSinkWritesTables(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	ctx := context.Background()
	s, err := NewFileSink(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(ctx, []*schemas.Result{sampleResult()}); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteDeadLetters(ctx, []schemas.DeadLetter{sampleDeadLetter()}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	want := map[string]int{TableFilings: 1, TableRisks: 1, TableMetrics: 5, TableGuidance: 1, TableDeadLetters: 1}
	for table, n := range want {
		if got := countLines(t, filepath.Join(dir, table+".json")); got != n {
			t.Errorf("%s.json: got %d lines, want %d", table, got, n)
		}
	}

	schema, err := os.ReadFile(filepath.Join(dir, SchemaFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range DDL(DefaultDatabase) {
		if !strings.Contains(string(schema), stmt+";\n") {
			t.Errorf("%s lacks the statement %q", SchemaFile, firstLine(stmt))
		}
	}

	// The file sink writes exactly the bytes of the row mapping.
	golden := encodeAll(t, sampleResult(), sampleDeadLetter())
	metrics, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(golden, metrics) {
		t.Errorf("metrics.json differs from the encoded rows:\n%s", metrics)
	}
}

func TestFileSinkAppends(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		s, err := NewFileSink(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Write(ctx, []*schemas.Result{sampleResult()}); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if got := countLines(t, filepath.Join(dir, "metrics.json")); got != 10 {
		t.Errorf("metrics.json after two runs: got %d lines, want 10", got)
	}
}

func TestFileSinkClosed(t *testing.T) {
	s, err := NewFileSink(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: got %v, want nil", err)
	}
	err = s.Write(context.Background(), []*schemas.Result{sampleResult()})
	if !errors.Is(err, ErrClosed) {
		t.Errorf("Write after Close: got %v, want ErrClosed", err)
	}
	err = s.WriteDeadLetters(context.Background(), []schemas.DeadLetter{sampleDeadLetter()})
	if !errors.Is(err, ErrClosed) {
		t.Errorf("WriteDeadLetters after Close: got %v, want ErrClosed", err)
	}
}

func TestFileSinkBadResultWritesNothing(t *testing.T) {
	dir := t.TempDir()
	s, err := NewFileSink(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	bad := sampleResult()
	bad.Filing.DocID = ""
	err = s.Write(context.Background(), []*schemas.Result{sampleResult(), bad})
	if !errors.Is(err, ErrMissingDocID) {
		t.Fatalf("got %v, want ErrMissingDocID", err)
	}
	for _, table := range Tables() {
		if got := countLines(t, s.Path(table.Name)); got != 0 {
			t.Errorf("%s: got %d lines after a failed Write, want 0", table.Name, got)
		}
	}
}

func TestNewFileSinkUnwritableDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "plain-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NewFileSink(filepath.Join(file, "sub")); err == nil {
		t.Fatal("got nil error for a directory below a regular file, want an error")
	}
}

func TestNewFileSinkDatabase(t *testing.T) {
	t.Run("schema names the database", func(t *testing.T) {
		dir := t.TempDir()
		fs, err := NewFileSinkDatabase(dir, "analyst_db")
		if err != nil {
			t.Fatal(err)
		}
		if err := fs.Close(); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(dir, SchemaFile))
		if err != nil {
			t.Fatal(err)
		}
		schema := string(data)
		if !strings.Contains(schema, "CREATE TABLE IF NOT EXISTS analyst_db.metrics") {
			t.Errorf("schema.sql has no CREATE TABLE for analyst_db.metrics")
		}
		if !strings.Contains(schema, "FROM analyst_db.latest_metric_items") {
			t.Errorf("schema.sql views do not read analyst_db")
		}
		if strings.Contains(schema, "finx.") {
			t.Errorf("schema.sql for analyst_db still names the database finx")
		}
	})
	t.Run("invalid name", func(t *testing.T) {
		_, err := NewFileSinkDatabase(t.TempDir(), "finx; DROP")
		if !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("got %v, want ErrInvalidConfig", err)
		}
	})
}
