package clickhouse

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/finx-dev/finx/schemas"
)

// openTestCrawlState opens a CrawlState on a new database that the test
// drops at its end.
func openTestCrawlState(t *testing.T) (*CrawlState, Config) {
	t.Helper()
	cfg, _ := migrationConn(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := OpenCrawlState(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, cfg
}

func checkDone(t *testing.T, s *CrawlState, key string, want bool) {
	t.Helper()
	got, err := s.Done(context.Background(), key)
	if err != nil {
		t.Fatalf("Done(%q): %v", key, err)
	}
	if got != want {
		t.Errorf("Done(%q): got %v, want %v", key, got, want)
	}
}

func TestCrawlStateMarkAndReopen(t *testing.T) {
	s, cfg := openTestCrawlState(t)
	ctx := context.Background()
	url := "https://www.sec.gov/Archives/edgar/data/1234567/000123456726000040/acme-ex991.htm"
	checkDone(t, s, url, false)

	filing := schemas.Filing{
		DocID:      "ab12",
		SourcePath: url,
		Form:       "EX-99.1",
		CIK:        "0001234567",
		Accession:  "0001234567-26-000040",
		FilingDate: "2026-11-02",
	}
	if err := s.Mark(ctx, url, "document", filing); err != nil {
		t.Fatal(err)
	}
	checkDone(t, s, url, true)
	checkDone(t, s, "0001234567-26-000040", false)

	// A new process has an empty cache and reads the server.
	reopened, err := OpenCrawlState(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer reopened.Close()
	checkDone(t, reopened, url, true)

	var kind, accession, cik, form, gotURL, docID, status string
	query := fmt.Sprintf("SELECT kind, accession, cik, form, url, doc_id, status FROM %s.crawl_state FINAL WHERE key = ?", cfg.Database)
	if err := s.conn.QueryRow(ctx, query, url).Scan(&kind, &accession, &cik, &form, &gotURL, &docID, &status); err != nil {
		t.Fatal(err)
	}
	got := []string{kind, accession, cik, form, gotURL, docID, status}
	want := []string{"document", filing.Accession, filing.CIK, filing.Form, url, filing.DocID, CrawlStatusDone}
	for i, name := range []string{"kind", "accession", "cik", "form", "url", "doc_id", "status"} {
		if got[i] != want[i] {
			t.Errorf("column %s: got %q, want %q", name, got[i], want[i])
		}
	}
}

// TestCrawlStateNewestRecordWins checks Done on a key with three unmerged
// records: done, then forgotten, then done again.
func TestCrawlStateNewestRecordWins(t *testing.T) {
	s, cfg := openTestCrawlState(t)
	ctx := context.Background()
	// Without merges every INSERT stays a part of its own, so Done must
	// choose among the records itself.
	if err := s.conn.Exec(ctx, fmt.Sprintf("SYSTEM STOP MERGES %s.crawl_state", cfg.Database)); err != nil {
		t.Fatal(err)
	}
	key := "0001234567-26-000002"
	if err := s.Mark(ctx, key, "filing", schemas.Filing{Accession: key, Form: "10-K"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Forget(ctx, key, "never-marked"); err != nil {
		t.Fatal(err)
	}
	checkDone(t, s, key, false)
	checkDone(t, s, "never-marked", false)

	reopened, err := OpenCrawlState(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer reopened.Close()
	checkDone(t, reopened, key, false)

	if err := reopened.Mark(ctx, key, "filing", schemas.Filing{Accession: key, Form: "10-K"}); err != nil {
		t.Fatal(err)
	}
	checkDone(t, s, key, true)

	var rows uint64
	query := fmt.Sprintf("SELECT count() FROM %s.crawl_state WHERE key = ?", cfg.Database)
	if err := s.conn.QueryRow(ctx, query, key).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 3 {
		t.Errorf("records of %s: got %d, want 3 unmerged", key, rows)
	}
}

func TestCrawlStateQuotedKeys(t *testing.T) {
	s, cfg := openTestCrawlState(t)
	ctx := context.Background()
	cases := []string{`a'b`, `a\'b`, `c\`, "line\nbreak", "?"}
	for _, key := range cases {
		if err := s.Mark(ctx, key, "document", schemas.Filing{SourcePath: key}); err != nil {
			t.Fatalf("Mark(%q): %v", key, err)
		}
	}
	// A new CrawlState has an empty cache, so Done sends each key to the
	// server.
	reopened, err := OpenCrawlState(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer reopened.Close()
	for _, key := range cases {
		checkDone(t, reopened, key, true)
	}
	for _, key := range []string{"a", "ab", `a\b`, "c", "line", ""} {
		checkDone(t, reopened, key, false)
	}
}

func TestCrawlStateRejectsEmptyKey(t *testing.T) {
	s, _ := openTestCrawlState(t)
	if err := s.Mark(context.Background(), "", "document", schemas.Filing{}); err == nil {
		t.Error("Mark with an empty key: got nil error, want one")
	}
}
