package edgar

import (
	"context"
	"errors"
	"io/fs"
	"math"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/finx-dev/finx/connectors/edgar/edgartest"
	"github.com/finx-dev/finx/schemas"
)

func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want error
	}{
		{"valid", Config{UserAgent: testAgent}, nil},
		{"no user agent", Config{}, ErrNoUserAgent},
		{"email only", Config{UserAgent: "tests@example.com"}, ErrNoUserAgent},
		{"name only", Config{UserAgent: "Finx Tests"}, ErrNoUserAgent},
		{"library default", Config{UserAgent: "Go-http-client/1.1"}, ErrNoUserAgent},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.cfg.Validate()
			if !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
				t.Errorf("Validate() = %v, want %v", err, c.want)
			}
		})
	}

	invalid := []struct {
		name string
		cfg  Config
	}{
		{"rate above SEC limit", Config{UserAgent: testAgent, Rate: 11}},
		{"negative rate", Config{UserAgent: testAgent, Rate: -1}},
		{"base URL without scheme", Config{UserAgent: testAgent, WWWBaseURL: "www.sec.gov"}},
		{"allowed host with path", Config{UserAgent: testAgent, AllowedHosts: []string{"example.com/x"}}},
	}
	for _, c := range invalid {
		t.Run(c.name, func(t *testing.T) {
			if err := c.cfg.Validate(); err == nil {
				t.Error("Validate() = nil, want an error")
			}
		})
	}
}

func TestNewRejectsMissingUserAgent(t *testing.T) {
	srv := newFakeEDGAR(t, edgartest.Config{})
	cfg := testConfig(t, srv)
	cfg.UserAgent = ""
	_, err := New(cfg, &memSink{}, nil)
	if !errors.Is(err, ErrNoUserAgent) {
		t.Fatalf("New without a User-Agent: got %v, want ErrNoUserAgent", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("server got %d requests, want 0", n)
	}
}

func TestFakeRejectsUndeclaredAgent(t *testing.T) {
	srv := newFakeEDGAR(t, edgartest.Config{})
	resp, err := http.Get(srv.URL + "/files/company_tickers.json")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("status without a User-Agent: got %d, want 403", resp.StatusCode)
	}
}

func TestCrawlCompanies(t *testing.T) {
	srv := newFakeEDGAR(t, edgartest.Config{Rate: MaxRate})
	reg := prometheus.NewRegistry()
	cfg := testConfig(t, srv)
	cfg.Registerer = reg
	sink := &memSink{}
	c := newCrawler(t, cfg, sink, nil)
	ctx := context.Background()

	companies, err := c.ResolveTickers(ctx, []string{"acme"})
	if err != nil {
		t.Fatal(err)
	}
	if len(companies) != 1 || companies[0].CIK != 1234567 {
		t.Fatalf("ResolveTickers(acme) = %+v, want CIK 1234567", companies)
	}
	q := Query{Forms: []string{"10-K", "10-Q", "8-K"}, Since: date(t, "2021-01-01")}
	if err := c.CrawlCompanies(ctx, []int64{companies[0].CIK}, q); err != nil {
		t.Fatal(err)
	}

	want := []string{
		"acme-20210930.htm", "acme-20211231.htm", "acme-20230930.htm", "acme-20231231.htm",
		"acme-8k_20210127.htm", "acme-8k_20240125.htm",
		"acme-ex991_20210127.htm", "acme-ex991_20240125.htm", "acme-ex992_20240125.htm",
	}
	if got := sink.names(); !slices.Equal(got, want) {
		t.Errorf("documents fetched:\ngot  %v\nwant %v", got, want)
	}
	if f := c.Failures(); len(f) != 0 {
		t.Errorf("failures: %+v", f)
	}

	ex, ok := sink.byName("acme-ex991_20240125.htm")
	if !ok {
		t.Fatal("exhibit 99.1 not fetched")
	}
	checks := []struct{ field, got, want string }{
		{"form", ex.Filing.Form, "EX-99.1"},
		{"cik", ex.Filing.CIK, "0001234567"},
		{"company", ex.Filing.Company, "Acme Widget Corp"},
		{"accession", ex.Filing.Accession, "0001234567-24-000004"},
		{"filing date", ex.Filing.FilingDate, "2024-01-25"},
		{"source", ex.Filing.SourcePath, srv.URL + "/Archives/edgar/data/1234567/000123456724000004/acme-ex991_20240125.htm"},
		{"media type", ex.Filing.MediaType, "text/html"},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("exhibit %s: got %q, want %q", ch.field, ch.got, ch.want)
		}
	}
	if primary, _ := sink.byName("acme-8k_20240125.htm"); primary.Filing.Form != "8-K" {
		t.Errorf("8-K primary document form: got %q, want 8-K", primary.Filing.Form)
	}

	// The 8-K without Item 2.02 is dropped from its submissions entry,
	// before any request for its index.
	if n := srv.Count(edgartest.Archive(1234567, "0001234567-24-000001", "0001234567-24-000001-index-headers.html"), 200); n != 0 {
		t.Errorf("index of the Item 5.02 8-K fetched %d times, want 0", n)
	}
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.Path, ".jpg") || strings.HasSuffix(r.Path, ".xsd") || strings.Contains(r.Path, "ex211") {
			t.Errorf("fetched %s, which is neither a primary document nor an EX-99 exhibit", r.Path)
		}
	}
	checkRate(t, srv, MaxRate)

	st := c.Stats()
	if st.FilingsFound != 6 || st.DocumentsFetched != int64(len(want)) || st.Failed != 0 {
		t.Errorf("stats: got %+v, want 6 filings found and %d documents fetched", st, len(want))
	}
	if got := metricValue(t, reg, "finx_edgar_documents_total", "fetched"); got != float64(len(want)) {
		t.Errorf("finx_edgar_documents_total{outcome=fetched}: got %v, want %d", got, len(want))
	}
	if got := metricValue(t, reg, "finx_edgar_requests_total", "200"); got != float64(len(srv.Requests())) {
		t.Errorf("finx_edgar_requests_total{status=200}: got %v, want %d", got, len(srv.Requests()))
	}
}

func TestSinceSkipsOlderPages(t *testing.T) {
	srv := newFakeEDGAR(t, edgartest.Config{})
	c := newCrawler(t, testConfig(t, srv), &memSink{}, nil)
	refs, err := c.Filings(context.Background(), 1234567, Query{Forms: []string{"10-K", "10-Q", "8-K"}, Since: date(t, "2023-01-01")})
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) != 3 {
		t.Errorf("filings since 2023: got %d (%+v), want 3", len(refs), refs)
	}
	if n := srv.Count("/submissions/CIK0001234567-submissions-001.json", 200); n != 0 {
		t.Errorf("older submissions page fetched %d times, want 0 when Since is after its last filing", n)
	}
}

func TestSharedLimiterAcrossCrawlers(t *testing.T) {
	const rate = 5
	srv := newFakeEDGAR(t, edgartest.Config{Rate: rate})
	limiter := NewLimiter(rate)
	var wg sync.WaitGroup
	for range 2 {
		cfg := testConfig(t, srv)
		cfg.Rate = rate
		cfg.Limiter = limiter
		c := newCrawler(t, cfg, &memSink{}, nil)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.CrawlCompanies(context.Background(), []int64{1234567}, Query{Forms: []string{"10-K", "8-K"}, Since: date(t, "2022-01-01")}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := len(srv.Requests()); n < 2*rate {
		t.Fatalf("server got %d requests, too few to test a rate of %d", n, rate)
	}
	checkRate(t, srv, rate)
	for _, r := range srv.Requests() {
		if r.Status == http.StatusForbidden {
			t.Errorf("server throttled %s, want no request above the rate", r.Path)
		}
	}
}

func TestThrottlingBacksOff(t *testing.T) {
	const exhibit = "acme-ex991_20240125.htm"
	docPath := edgartest.Archive(1234567, "0001234567-24-000004", exhibit)
	for _, fault := range []edgartest.Fault{edgartest.Throttle403, edgartest.Throttle429, edgartest.Notice200} {
		t.Run(fault.String(), func(t *testing.T) {
			srv := newFakeEDGAR(t, edgartest.Config{})
			srv.Fail(docPath, fault)
			reg := prometheus.NewRegistry()
			cfg := testConfig(t, srv)
			cfg.Registerer = reg
			sink := &memSink{}
			c := newCrawler(t, cfg, sink, nil)
			if err := c.CrawlCompanies(context.Background(), []int64{1234567}, Query{Forms: []string{"8-K"}, Since: date(t, "2024-01-01")}); err != nil {
				t.Fatal(err)
			}

			doc, ok := sink.byName(exhibit)
			if !ok {
				t.Fatalf("%s not fetched after the pause", exhibit)
			}
			if strings.Contains(string(doc.Content), "Threshold Exceeded") {
				t.Error("the rate-limit notice reached the sink")
			}
			reqs := srv.Requests()
			for i, r := range reqs {
				if r.Fault == 0 {
					continue
				}
				if i+1 == len(reqs) {
					t.Fatal("no request after the throttled one")
				}
				if gap := reqs[i+1].Time.Sub(r.Time); gap < cfg.ThrottleBackoff {
					t.Errorf("next request %v after the throttled one, want at least %v", gap, cfg.ThrottleBackoff)
				}
			}
			if got := metricValue(t, reg, "finx_edgar_throttled_total", ""); got != 1 {
				t.Errorf("finx_edgar_throttled_total: got %v, want 1", got)
			}
		})
	}
}

func TestThrottlingGivesUp(t *testing.T) {
	const exhibit = "acme-ex991_20240125.htm"
	docPath := edgartest.Archive(1234567, "0001234567-24-000004", exhibit)
	srv := newFakeEDGAR(t, edgartest.Config{})
	srv.Fail(docPath, edgartest.Notice200, edgartest.Notice200, edgartest.Notice200)
	cfg := testConfig(t, srv)
	cfg.ThrottleBackoff = 20 * time.Millisecond
	sink := &memSink{}
	c := newCrawler(t, cfg, sink, nil)
	if err := c.CrawlCompanies(context.Background(), []int64{1234567}, Query{Forms: []string{"8-K"}, Since: date(t, "2024-01-01")}); err != nil {
		t.Fatal(err)
	}
	if _, ok := sink.byName(exhibit); ok {
		t.Error("the rate-limit notice was stored as the exhibit")
	}
	failures := c.Failures()
	if len(failures) != 1 {
		t.Fatalf("failures: got %+v, want one", failures)
	}
	if !errors.Is(failures[0].Err, ErrThrottled) || !strings.HasSuffix(failures[0].URL, docPath) {
		t.Errorf("failure: got %s %v, want %s with ErrThrottled", failures[0].URL, failures[0].Err, docPath)
	}
	if got := c.Stats().Failed; got != 1 {
		t.Errorf("Stats().Failed = %d, want 1", got)
	}
}

func TestTransientErrors(t *testing.T) {
	const primary = "acme-20231231.htm"
	docPath := edgartest.Archive(1234567, "0001234567-24-000010", primary)
	cases := []struct {
		name    string
		faults  []edgartest.Fault
		fetched bool
		wantErr error
	}{
		{"reset then ok", []edgartest.Fault{edgartest.Reset, edgartest.Reset}, true, nil},
		{"short body then ok", []edgartest.Fault{edgartest.ShortBody}, true, nil},
		{"server error then ok", []edgartest.Fault{edgartest.ServerError, edgartest.Reset}, true, nil},
		{"reset every try", []edgartest.Fault{edgartest.Reset, edgartest.Reset, edgartest.Reset, edgartest.Reset}, false, nil},
		{"short body every try", []edgartest.Fault{edgartest.ShortBody, edgartest.ShortBody, edgartest.ShortBody, edgartest.ShortBody}, false, ErrShortBody},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFakeEDGAR(t, edgartest.Config{})
			srv.Fail(docPath, tc.faults...)
			sink := &memSink{}
			c := newCrawler(t, testConfig(t, srv), sink, nil)
			if err := c.CrawlCompanies(context.Background(), []int64{1234567}, Query{Forms: []string{"10-K"}, Since: date(t, "2024-01-01")}); err != nil {
				t.Fatal(err)
			}
			doc, ok := sink.byName(primary)
			if ok != tc.fetched {
				t.Fatalf("fetched: got %v, want %v (failures %+v)", ok, tc.fetched, c.Failures())
			}
			if ok && strings.Contains(string(doc.Content), "cut off") {
				t.Error("the short body reached the sink")
			}
			if tc.fetched {
				return
			}
			failures := c.Failures()
			if len(failures) != 1 || !strings.HasSuffix(failures[0].URL, docPath) {
				t.Fatalf("failures: got %+v, want one for %s", failures, docPath)
			}
			if tc.wantErr != nil && !errors.Is(failures[0].Err, tc.wantErr) {
				t.Errorf("failure error: got %v, want %v", failures[0].Err, tc.wantErr)
			}
			var fe *FetchError
			if !errors.As(failures[0].Err, &fe) || fe.Attempts != DefaultRetries+1 {
				t.Errorf("failure: got %v, want a FetchError after %d attempts", failures[0].Err, DefaultRetries+1)
			}
		})
	}
}

func TestRedirects(t *testing.T) {
	const primary = "acme-20231231.htm"
	docPath := edgartest.Archive(1234567, "0001234567-24-000010", primary)

	t.Run("off-site rejected", func(t *testing.T) {
		srv := newFakeEDGAR(t, edgartest.Config{})
		// localhost reaches the same fake, but it is not an allowed host.
		offsite := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/offsite"
		srv.Redirect(docPath, offsite)
		sink := &memSink{}
		c := newCrawler(t, testConfig(t, srv), sink, nil)
		if err := c.CrawlCompanies(context.Background(), []int64{1234567}, Query{Forms: []string{"10-K"}, Since: date(t, "2024-01-01")}); err != nil {
			t.Fatal(err)
		}
		failures := c.Failures()
		if len(failures) != 1 || !errors.Is(failures[0].Err, ErrHostNotAllowed) {
			t.Fatalf("failures: got %+v, want one with ErrHostNotAllowed", failures)
		}
		if n := srv.Count(docPath, http.StatusFound); n != 1 {
			t.Errorf("redirecting path requested %d times, want 1 (no retry of a refused redirect)", n)
		}
		for _, r := range srv.Requests() {
			if r.Path == "/offsite" {
				t.Errorf("the off-site redirect target was requested (host %s)", r.Host)
			}
		}
	})

	t.Run("same host followed", func(t *testing.T) {
		srv := newFakeEDGAR(t, edgartest.Config{})
		srv.Bytes("/moved/"+primary, []byte("<html><body>moved</body></html>"))
		srv.Redirect(docPath, "/moved/"+primary)
		sink := &memSink{}
		c := newCrawler(t, testConfig(t, srv), sink, nil)
		if err := c.CrawlCompanies(context.Background(), []int64{1234567}, Query{Forms: []string{"10-K"}, Since: date(t, "2024-01-01")}); err != nil {
			t.Fatal(err)
		}
		if doc, ok := sink.byName(primary); !ok || string(doc.Content) != "<html><body>moved</body></html>" {
			t.Errorf("document after a same-host redirect: got %q, want the moved content (failures %+v)", doc.Content, c.Failures())
		}
	})
}

func TestBodyOverLimitFails(t *testing.T) {
	srv := newFakeEDGAR(t, edgartest.Config{})
	cfg := testConfig(t, srv)
	cfg.MaxBodyBytes = 40
	c := newCrawler(t, cfg, &memSink{}, nil)
	err := c.FetchURLs(context.Background(), []string{srv.URL + edgartest.Archive(1234567, "0001234567-24-000010", "acme-20231231.htm")})
	if err != nil {
		t.Fatal(err)
	}
	failures := c.Failures()
	if len(failures) != 1 || !errors.Is(failures[0].Err, ErrTooLarge) {
		t.Errorf("failures: got %+v, want one with ErrTooLarge", failures)
	}
}

func TestFetchURLs(t *testing.T) {
	srv := newFakeEDGAR(t, edgartest.Config{})
	sink := &memSink{}
	c := newCrawler(t, testConfig(t, srv), sink, nil)
	good := srv.URL + edgartest.Archive(1234567, "0001234567-24-000004", "acme-ex991_20240125.htm")
	foreign := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/other.htm"
	if err := c.FetchURLs(context.Background(), []string{good, foreign}); err != nil {
		t.Fatal(err)
	}
	doc, ok := sink.byName("acme-ex991_20240125.htm")
	if !ok {
		t.Fatalf("allowed URL not fetched; failures %+v", c.Failures())
	}
	if doc.Filing.Accession != "0001234567-24-000004" || doc.Filing.CIK != "0001234567" {
		t.Errorf("metadata from the URL path: got accession %q CIK %q", doc.Filing.Accession, doc.Filing.CIK)
	}
	failures := c.Failures()
	if len(failures) != 1 || failures[0].URL != foreign || !errors.Is(failures[0].Err, ErrHostNotAllowed) {
		t.Errorf("failures: got %+v, want %s with ErrHostNotAllowed", failures, foreign)
	}
	for _, r := range srv.Requests() {
		if r.Path == "/other.htm" {
			t.Error("a URL on a host not allowed was requested")
		}
	}
	if err := c.FetchURLs(context.Background(), []string{"not a url"}); err == nil {
		t.Error("FetchURLs accepted a relative URL")
	}
}

func TestCrawlDaily(t *testing.T) {
	srv := newFakeEDGAR(t, edgartest.Config{})
	sink := &memSink{}
	c := newCrawler(t, testConfig(t, srv), sink, nil)
	err := c.CrawlDaily(context.Background(), date(t, "2024-01-25"), Query{Forms: []string{"10-K", "8-K"}})
	if err != nil {
		t.Fatal(err)
	}
	// Bolt's 8-K reports Item 8.01 only, which its index states.
	want := []string{"acme-8k_20240125.htm", "acme-ex991_20240125.htm", "acme-ex992_20240125.htm", "bolt-20231231.htm"}
	if got := sink.names(); !slices.Equal(got, want) {
		t.Errorf("documents: got %v, want %v", got, want)
	}
	if doc, _ := sink.byName("bolt-20231231.htm"); doc.Filing.Company != "Bolt Fasteners Inc" || doc.Filing.FilingDate != "2024-01-25" {
		t.Errorf("daily index metadata: got company %q date %q", doc.Filing.Company, doc.Filing.FilingDate)
	}

	err = c.CrawlDaily(context.Background(), date(t, "2024-01-27"), Query{Forms: []string{"10-K"}})
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("daily index of a Saturday: got %v, want ErrNotFound", err)
	}
}

func TestFollowDedupes(t *testing.T) {
	srv := newFakeEDGAR(t, edgartest.Config{})
	feed := readFile(t, "testdata/latest-8k.atom")
	polls := make(chan struct{}, 10)
	srv.Handle("/cgi-bin/browse-edgar", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("action") != "getcurrent" || r.URL.Query().Get("type") != "8-K" {
			http.Error(w, "unexpected query "+r.URL.RawQuery, http.StatusBadRequest)
			return
		}
		w.Write(feed)
		polls <- struct{}{}
	})
	sink := &memSink{}
	c := newCrawler(t, testConfig(t, srv), sink, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Follow(ctx, Query{Forms: []string{"8-K"}}, 50*time.Millisecond) }()
	for range 3 {
		select {
		case <-polls:
		case <-time.After(10 * time.Second):
			t.Fatal("feed not polled three times within 10s")
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Follow returned %v, want context.Canceled", err)
	}
	want := []string{"acme-8k_20240125.htm", "acme-ex991_20240125.htm", "acme-ex992_20240125.htm"}
	if got := sink.names(); !slices.Equal(got, want) {
		t.Errorf("documents: got %v, want %v, each once", got, want)
	}
	for _, f := range testFilings[1:2] {
		p := edgartest.Archive(f.CIK, f.Accession, f.Accession+"-index-headers.html")
		if n := srv.Count(p, 200); n != 1 {
			t.Errorf("index of %s fetched %d times, want 1", f.Accession, n)
		}
	}
}

func TestRestartResumes(t *testing.T) {
	srv := newFakeEDGAR(t, edgartest.Config{})
	dir := t.TempDir()
	q := Query{Forms: []string{"10-K", "10-Q", "8-K"}, Since: date(t, "2021-01-01")}

	state, err := OpenFileState(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	first := &memSink{cancelAt: 4, cancel: cancel}
	c := newCrawler(t, testConfig(t, srv), first, state)
	err = c.CrawlCompanies(ctx, []int64{1234567}, q)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted crawl returned %v, want context.Canceled", err)
	}
	state.Close()
	if n := len(first.names()); n != 4 {
		t.Fatalf("first run stored %d documents, want 4 before the interruption", n)
	}

	state, err = OpenFileState(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer state.Close()
	second := &memSink{}
	c = newCrawler(t, testConfig(t, srv), second, state)
	if err := c.CrawlCompanies(context.Background(), []int64{1234567}, q); err != nil {
		t.Fatal(err)
	}

	all := append(first.names(), second.names()...)
	slices.Sort(all)
	want := []string{
		"acme-20210930.htm", "acme-20211231.htm", "acme-20230930.htm", "acme-20231231.htm",
		"acme-8k_20210127.htm", "acme-8k_20240125.htm",
		"acme-ex991_20210127.htm", "acme-ex991_20240125.htm", "acme-ex992_20240125.htm",
	}
	if !slices.Equal(all, want) {
		t.Errorf("documents over both runs:\ngot  %v\nwant %v", all, want)
	}
	for _, r := range srv.Requests() {
		if !strings.HasSuffix(r.Path, ".htm") || strings.HasSuffix(r.Path, "-index-headers.html") {
			continue
		}
		if n := srv.Count(r.Path, 200); n != 1 {
			t.Errorf("%s fetched %d times over both runs, want 1", r.Path, n)
		}
	}

	// A third run finds every filing done and fetches no document.
	before := len(srv.Requests())
	third := &memSink{}
	c = newCrawler(t, testConfig(t, srv), third, state)
	if err := c.CrawlCompanies(context.Background(), []int64{1234567}, q); err != nil {
		t.Fatal(err)
	}
	if n := len(third.names()); n != 0 {
		t.Errorf("third run stored %d documents, want 0", n)
	}
	for _, r := range srv.Requests()[before:] {
		if !strings.HasPrefix(r.Path, "/submissions/") {
			t.Errorf("third run requested %s, want only the submissions files", r.Path)
		}
	}
	if st := c.Stats(); st.FilingsSkipped != 6 {
		t.Errorf("third run skipped %d filings, want 6", st.FilingsSkipped)
	}
}

// metricValue returns the counter name from reg, of the series whose only
// label has value label, or of the unlabelled series when label is "".
func metricValue(t *testing.T, reg *prometheus.Registry, name, label string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if label == "" && len(m.GetLabel()) == 0 || len(m.GetLabel()) == 1 && m.GetLabel()[0].GetValue() == label {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

func TestFollowReportsFeedHealth(t *testing.T) {
	srv := newFakeEDGAR(t, edgartest.Config{})
	feed := readFile(t, "testdata/latest-8k.atom")
	var broken atomic.Bool
	broken.Store(true)
	polls := make(chan bool, 10)
	srv.Handle("/cgi-bin/browse-edgar", func(w http.ResponseWriter, r *http.Request) {
		if broken.Load() {
			w.Write([]byte("<feed><entry>cut off"))
		} else {
			w.Write(feed)
		}
		polls <- broken.Load()
	})
	c := newCrawler(t, testConfig(t, srv), &memSink{}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Follow(ctx, Query{Forms: []string{"8-K"}}, 50*time.Millisecond) }()

	// waitPoll waits for a poll of the given kind to end: the next poll
	// starts only after Follow recorded the previous one.
	waitPoll := func(wantBroken bool) {
		t.Helper()
		for {
			select {
			case b := <-polls:
				if b == wantBroken {
					<-polls
					return
				}
			case <-time.After(10 * time.Second):
				t.Fatal("feed not polled within 10s")
			}
		}
	}
	waitPoll(true)
	if err := c.Healthy(); err == nil || !strings.Contains(err.Error(), "/cgi-bin/browse-edgar") {
		t.Errorf("Healthy after an unreadable feed: got %v, want the poll error", err)
	}
	broken.Store(false)
	waitPoll(false)
	if err := c.Healthy(); err != nil {
		t.Errorf("Healthy after a good poll: got %v, want nil", err)
	}
	cancel()
	<-done
}

func TestConfigRejectsBadRateAndAgent(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"rate NaN", Config{UserAgent: testAgent, Rate: math.NaN()}, "invalid Rate NaN"},
		{"rate +Inf", Config{UserAgent: testAgent, Rate: math.Inf(1)}, "invalid Rate +Inf"},
		{"rate -Inf", Config{UserAgent: testAgent, Rate: math.Inf(-1)}, "invalid Rate -Inf"},
		{"rate overflows interval", Config{UserAgent: testAgent, Rate: 1e-300}, "invalid Rate 1e-300"},
		{"agent with CR LF", Config{UserAgent: "Finx Tests tests@example.com\r\nX-Injected: 1"}, "control character U+000D"},
		{"agent with NUL", Config{UserAgent: "Finx\x00Tests tests@example.com"}, "control character U+0000"},
		{"agent with trailing LF", Config{UserAgent: "Finx Tests tests@example.com\n"}, "control character U+000A"},
		{"agent with ESC", Config{UserAgent: "Finx \x1b[2J tests@example.com"}, "control character U+001B"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.cfg.Validate()
			if err == nil {
				t.Fatalf("Validate() = nil, want an error containing %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("Validate() = %v, want an error containing %q", err, c.want)
			}
		})
	}
	if err := (Config{UserAgent: testAgent, Rate: 0.5}).Validate(); err != nil {
		t.Errorf("Validate() with Rate 0.5: got %v, want nil", err)
	}
	if got := intervalOf(math.NaN()); got != math.MaxInt64 {
		t.Errorf("intervalOf(NaN) = %v, want the largest duration", got)
	}
	if got := intervalOf(1e-300); got != math.MaxInt64 {
		t.Errorf("intervalOf(1e-300) = %v, want the largest duration", got)
	}
}

// TestPaddedNoticeNotStored checks that SEC's block notice served with
// status 200 and padded past any size limit is taken for throttling: it
// is neither written to the folder nor marked done.
func TestPaddedNoticeNotStored(t *testing.T) {
	srv := newFakeEDGAR(t, edgartest.Config{})
	padded := edgartest.RateNotice + strings.Repeat(" ", 200<<10)
	srv.Bytes("/block.htm", []byte(padded))
	quoted := "<html><body>" + strings.Repeat("<p>Annual report text.</p>", 1000) +
		"<p>Request Rate Threshold Exceeded is the title of SEC's notice.</p></body></html>"
	srv.Bytes("/quotes.htm", []byte(quoted))
	cfg := testConfig(t, srv)
	cfg.ThrottleBackoff = 10 * time.Millisecond
	cfg.ThrottleRetries = 1
	dir := t.TempDir()
	state, err := OpenFileState(filepath.Join(dir, ".state"))
	if err != nil {
		t.Fatal(err)
	}
	c := newCrawler(t, cfg, DirSink{Dir: dir}, state)
	if err := c.FetchURLs(context.Background(), []string{srv.URL + "/block.htm", srv.URL + "/quotes.htm"}); err != nil {
		t.Fatal(err)
	}

	failures := c.Failures()
	if len(failures) != 1 || failures[0].URL != srv.URL+"/block.htm" || !errors.Is(failures[0].Err, ErrThrottled) {
		t.Fatalf("failures: got %+v, want /block.htm with ErrThrottled", failures)
	}
	if done, _ := state.Done(context.Background(), srv.URL+"/block.htm"); done {
		t.Error("the padded notice was marked done")
	}
	if done, _ := state.Done(context.Background(), srv.URL+"/quotes.htm"); !done {
		t.Error("a document that quotes the notice after its first 16 KiB was not stored")
	}
	stored := 0
	err = filepath.WalkDir(filepath.Join(dir, "urls"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch d.Name() {
		case "block.htm", "block.htm" + SidecarSuffix:
			t.Errorf("the padded notice was written to %s", p)
		case "quotes.htm":
			stored++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if stored != 1 {
		t.Errorf("quotes.htm stored %d times, want 1", stored)
	}
}

// TestDirSinkSameNameDifferentURLs checks that two URLs ending in the same
// file name are stored in separate files, and that a rerun of one URL
// writes to the same file.
func TestDirSinkSameNameDifferentURLs(t *testing.T) {
	dir := t.TempDir()
	sink := DirSink{Dir: dir}
	put := func(rawURL, content string) {
		t.Helper()
		doc := Document{Filing: schemas.Filing{SourcePath: rawURL, DocID: "x", MediaType: schemas.MediaHTML}, FileName: "report.htm", Content: []byte(content)}
		if err := sink.Put(context.Background(), doc); err != nil {
			t.Fatal(err)
		}
	}
	put("https://example.com/a/report.htm", "document a")
	put("https://example.com/b/report.htm", "document b")
	put("https://example.com/a/report.htm", "document a")

	found := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.Name() != "report.htm" {
			return err
		}
		found[p] = string(readFile(t, p))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 2 {
		t.Fatalf("got %d report.htm files %v, want 2", len(found), found)
	}
	contents := map[string]bool{}
	for p, content := range found {
		contents[content] = true
		if !strings.HasPrefix(p, filepath.Join(dir, "urls", "example.com")+string(filepath.Separator)) {
			t.Errorf("stored at %s, want under urls/example.com", p)
		}
		wantURL := "https://example.com/" + strings.TrimPrefix(content, "document ") + "/report.htm"
		meta := readFile(t, p+SidecarSuffix)
		if !strings.Contains(string(meta), wantURL) {
			t.Errorf("sidecar of %s: %s, want source_url %s", p, meta, wantURL)
		}
	}
	if !contents["document a"] || !contents["document b"] {
		t.Errorf("stored contents %v, want both documents", contents)
	}
}
