package edgar

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/finx-dev/finx/connectors/edgar/edgartest"
)

// testAgent is a User-Agent of the form SEC requires.
const testAgent = "Finx Tests tests@example.com"

// testFilings are the filings behind testdata/: Acme's submissions and
// its older submissions page, and Bolt's filings in the daily index.
var testFilings = []edgartest.Filing{
	acme("0001234567-24-000010", "10-K", "20240210", nil, "10-K acme-20231231.htm", "EX-21.1 acme-ex211.htm"),
	acme("0001234567-24-000004", "8-K", "20240125", []string{"2.02", "9.01"},
		"8-K acme-8k_20240125.htm", "EX-99.1 acme-ex991_20240125.htm", "EX-99.2 acme-ex992_20240125.htm",
		"GRAPHIC logo.jpg", "EX-101.SCH acme-20240125.xsd"),
	acme("0001234567-24-000001", "8-K", "20240105", []string{"5.02"}, "8-K acme-8k_20240105.htm"),
	acme("0001234567-23-000030", "10-Q", "20231101", nil, "10-Q acme-20230930.htm"),
	acme("0001234567-22-000009", "10-K", "20220211", nil, "10-K acme-20211231.htm"),
	acme("0001234567-21-000020", "10-Q", "20211028", nil, "10-Q acme-20210930.htm"),
	acme("0001234567-21-000002", "8-K", "20210127", []string{"2.02", "9.01"}, "8-K acme-8k_20210127.htm", "EX-99.1 acme-ex991_20210127.htm"),
	{CIK: 7654321, Company: "Bolt Fasteners Inc", Accession: "0007654321-24-000003", Form: "10-K", Date: "20240125",
		Documents: []edgartest.Document{{Type: "10-K", Name: "bolt-20231231.htm"}}},
	{CIK: 7654321, Company: "Bolt Fasteners Inc", Accession: "0007654321-24-000004", Form: "8-K", Date: "20240125", Items: []string{"8.01"},
		Documents: []edgartest.Document{{Type: "8-K", Name: "bolt-8k_20240125.htm"}}},
}

// acme returns a filing of Acme Widget Corp; each document is "TYPE NAME".
func acme(accession, form, date string, items []string, docs ...string) edgartest.Filing {
	f := edgartest.Filing{CIK: 1234567, Company: "Acme Widget Corp", Accession: accession, Form: form, Date: date, Items: items}
	for _, d := range docs {
		typ, name, _ := strings.Cut(d, " ")
		f.Documents = append(f.Documents, edgartest.Document{Type: typ, Name: name})
	}
	return f
}

// newFakeEDGAR starts a fake serving testdata/ and testFilings.
func newFakeEDGAR(t *testing.T, cfg edgartest.Config) *edgartest.Server {
	t.Helper()
	srv := edgartest.New(t, cfg)
	srv.File("/files/company_tickers.json", filepath.Join("testdata", "company_tickers.json"))
	srv.File("/submissions/CIK0001234567.json", filepath.Join("testdata", "CIK0001234567.json"))
	srv.File("/submissions/CIK0001234567-submissions-001.json", filepath.Join("testdata", "CIK0001234567-submissions-001.json"))
	srv.File("/Archives/edgar/daily-index/2024/QTR1/form.20240125.idx", filepath.Join("testdata", "form.20240125.idx"))
	for _, f := range testFilings {
		srv.AddFiling(f)
	}
	return srv
}

// testConfig returns a Config aimed at srv with its own limiter, short
// waits and a logger that writes to the test log.
func testConfig(t *testing.T, srv *edgartest.Server) Config {
	return Config{
		UserAgent:       testAgent,
		WWWBaseURL:      srv.URL,
		DataBaseURL:     srv.URL,
		Rate:            MaxRate,
		Limiter:         NewLimiter(MaxRate),
		Backoff:         10 * time.Millisecond,
		ThrottleBackoff: 300 * time.Millisecond,
		Timeout:         10 * time.Second,
		Logger:          slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// memSink keeps documents in memory. With failAfter > 0 it calls cancel
// once it contains that many documents, as an interruption would.
type memSink struct {
	mu        sync.Mutex
	docs      []Document
	cancelAt  int
	cancel    context.CancelFunc
	cancelled bool
}

func (s *memSink) Put(_ context.Context, doc Document) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs = append(s.docs, doc)
	if s.cancel != nil && len(s.docs) == s.cancelAt {
		s.cancel()
		s.cancelled = true
	}
	return nil
}

func (s *memSink) names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, d := range s.docs {
		out = append(out, d.FileName)
	}
	slices.Sort(out)
	return out
}

func (s *memSink) byName(name string) (Document, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.docs {
		if d.FileName == name {
			return d, true
		}
	}
	return Document{}, false
}

// newCrawler returns a crawler on cfg that fails the test on error.
func newCrawler(t *testing.T, cfg Config, sink Sink, state State) *Crawler {
	t.Helper()
	c, err := New(cfg, sink, state)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func date(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// checkRate fails the test when any one-second window at the server held
// more than rate requests.
func checkRate(t *testing.T, srv *edgartest.Server, rate int) {
	t.Helper()
	if n, at := srv.MaxPerSecond(); n > rate {
		t.Errorf("server saw %d requests in the second from %v, want at most %d", n, at.Format(time.StampMilli), rate)
	}
	for _, r := range srv.Requests() {
		if r.UserAgent != testAgent {
			t.Errorf("request %s had User-Agent %q, want %q", r.Path, r.UserAgent, testAgent)
		}
	}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
