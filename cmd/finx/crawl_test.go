package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/finx-dev/finx/connectors/edgar"
	"github.com/finx-dev/finx/connectors/edgar/edgartest"
	"github.com/finx-dev/finx/connectors/kafka"
	"github.com/finx-dev/finx/internal/testenv"
)

const crawlTestAgent = "Finx Tests tests@example.com"

// newCrawlFake serves one company, Acme Widget Corp, with a 10-K whose
// primary document and an 8-K whose earnings release are the fixtures.
func newCrawlFake(t *testing.T) *edgartest.Server {
	t.Helper()
	tenK, err := os.ReadFile("../../fixtures/html/acme-10k-2026.htm")
	if err != nil {
		t.Fatal(err)
	}
	release, err := os.ReadFile("../../fixtures/8k/acme-q3-2026-earnings.htm")
	if err != nil {
		t.Fatal(err)
	}
	srv := edgartest.New(t, edgartest.Config{Rate: edgar.MaxRate})
	srv.Bytes("/files/company_tickers.json", []byte(`{"0":{"cik_str":1234567,"ticker":"ACME","title":"Acme Widget Corp"}}`))
	srv.Bytes("/submissions/CIK0001234567.json", []byte(`{"cik":"1234567","name":"Acme Widget Corp","filings":{"recent":{
		"accessionNumber":["0001234567-26-000040","0001234567-26-000031","0001234567-26-000002"],
		"filingDate":["2026-11-02","2026-10-28","2026-02-20"],
		"form":["8-K","8-K","10-K"],
		"items":["2.02,9.01","5.07",""],
		"primaryDocument":["acme-8k_20261102.htm","acme-8k_20261028.htm","acme-10k-2026.htm"]},"files":[]}}`))
	srv.AddFiling(edgartest.Filing{CIK: 1234567, Company: "Acme Widget Corp", Accession: "0001234567-26-000040", Form: "8-K", Date: "20261102",
		Items: []string{"2.02", "9.01"}, Documents: []edgartest.Document{
			{Type: "8-K", Name: "acme-8k_20261102.htm"},
			{Type: "EX-99.1", Name: "acme-ex991_20261102.htm", Body: release},
		}})
	srv.AddFiling(edgartest.Filing{CIK: 1234567, Company: "Acme Widget Corp", Accession: "0001234567-26-000002", Form: "10-K", Date: "20260220",
		Documents: []edgartest.Document{{Type: "10-K", Name: "acme-10k-2026.htm", Body: tenK}}})
	return srv
}

func runCrawlCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err := run(ctx, append([]string{"crawl"}, args...), &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

func TestCrawlThenDemo(t *testing.T) {
	srv := newCrawlFake(t)
	dir := t.TempDir()
	docs := filepath.Join(dir, "docs")
	args := []string{"--tickers", "ACME", "--since", "2026-01-01", "--out", docs, "--user-agent", crawlTestAgent,
		"--www-url", srv.URL, "--data-url", srv.URL, "--brokers", ""}
	stdout, stderr, err := runCrawlCmd(t, args...)
	if err != nil {
		t.Fatalf("crawl: %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	if !strings.Contains(stdout, "2 filings found (0 done in an earlier run), 3 documents fetched") {
		t.Errorf("crawl summary:\n%s", stdout)
	}
	// A second run finds both filings done.
	stdout, stderr, err = runCrawlCmd(t, args...)
	if err != nil {
		t.Fatalf("second crawl: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "2 filings found (2 done in an earlier run), 0 documents fetched") {
		t.Errorf("second crawl summary:\n%s", stdout)
	}

	out := filepath.Join(dir, "out")
	demoOut, demoErr, err := runDemoCmd(t, "--clickhouse", "", "--out", out, "--blob-dir", filepath.Join(dir, "blobs"), docs)
	if err != nil {
		t.Fatalf("demo: %v\nstdout:\n%s\nstderr:\n%s", err, demoOut, demoErr)
	}
	if !strings.Contains(demoOut, "3 published, 3 loaded, 0 dead-lettered, 0 skipped") {
		t.Errorf("demo summary, want the 3 documents loaded and the sidecars not counted:\n%s", demoOut)
	}
	rows := readRows(t, filepath.Join(out, "filings.json"))
	got := filingMetadata(rows)
	for name, w := range wantCrawledFilings {
		if got[name] != w {
			t.Errorf("%s: got CIK, form, accession and date %q, want %q from its sidecar", name, got[name], w)
		}
	}
}

// wantCrawledFilings are the filings rows of the documents of
// newCrawlFake: CIK, form, accession and filing date by file name.
var wantCrawledFilings = map[string]string{
	"acme-8k_20261102.htm":    "0001234567 8-K 0001234567-26-000040 2026-11-02",
	"acme-ex991_20261102.htm": "0001234567 EX-99.1 0001234567-26-000040 2026-11-02",
	"acme-10k-2026.htm":       "0001234567 10-K 0001234567-26-000002 2026-02-20",
}

// filingMetadata returns "cik form accession filing_date" of each filings
// row by the file name of its source path.
func filingMetadata(rows []map[string]any) map[string]string {
	out := map[string]string{}
	for _, r := range rows {
		name := filepath.Base(fmt.Sprint(r["source_path"]))
		out[name] = fmt.Sprintf("%v %v %v %v", r["cik"], r["form"], r["accession"], r["filing_date"])
	}
	return out
}

func TestCrawlFlagErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no source", []string{"--out", "x", "--user-agent", crawlTestAgent}, "nothing to crawl"},
		{"no destination", []string{"--tickers", "ACME", "--user-agent", crawlTestAgent, "--brokers", ""}, "no destination: pass --out DIR"},
		{"no user agent", []string{"--tickers", "ACME", "--out", "x", "--user-agent", ""}, "User-Agent"},
		{"two sources", []string{"--tickers", "ACME", "--urls", "f", "--out", "x", "--user-agent", crawlTestAgent}, "pass one of"},
		{"rate above limit", []string{"--tickers", "ACME", "--out", "OUT", "--user-agent", crawlTestAgent, "--rate", "20"}, "at most 10"},
		{"rate NaN", []string{"--tickers", "ACME", "--out", "OUT", "--user-agent", crawlTestAgent, "--rate", "NaN"}, "invalid Rate NaN"},
		{"rate Inf", []string{"--tickers", "ACME", "--out", "OUT", "--user-agent", crawlTestAgent, "--rate", "Inf"}, "invalid Rate +Inf"},
		{"rate overflows interval", []string{"--tickers", "ACME", "--out", "OUT", "--user-agent", crawlTestAgent, "--rate", "1e-300"}, "invalid Rate 1e-300"},
		{"user agent with CR LF", []string{"--tickers", "ACME", "--out", "OUT", "--user-agent", crawlTestAgent + "\r\nX-Injected: 1"}, "control character U+000D"},
		{"state file and ClickHouse", []string{"--tickers", "ACME", "--out", "OUT", "--state", "OUT", "--clickhouse", "127.0.0.1:1", "--user-agent", crawlTestAgent}, "not both"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := c.args
			for i, a := range args {
				if a == "OUT" {
					args[i] = t.TempDir()
				}
			}
			_, stderr, err := runCrawlCmd(t, args...)
			if err == nil {
				t.Fatal("crawl succeeded, want an error")
			}
			if msg := stderr + err.Error(); !strings.Contains(msg, c.want) {
				t.Errorf("message: got %q, want it to contain %q", msg, c.want)
			}
		})
	}
}

func TestCrawlReportsFailures(t *testing.T) {
	srv := newCrawlFake(t)
	bad := edgartest.Archive(1234567, "0001234567-26-000040", "acme-ex991_20261102.htm")
	srv.Fail(bad, edgartest.ServerError, edgartest.ServerError)
	docs := t.TempDir()
	stdout, stderr, err := runCrawlCmd(t, "--ciks", "1234567", "--since", "2026-01-01", "--out", docs, "--user-agent", crawlTestAgent,
		"--www-url", srv.URL, "--data-url", srv.URL, "--retries", "1")
	var exit exitError
	if !errors.As(err, &exit) || exit.code != 1 {
		t.Fatalf("crawl with a failing document: got %v, want exit status 1\n%s", err, stderr)
	}
	if !strings.Contains(stderr, srv.URL+bad) {
		t.Errorf("stderr does not name the failed URL:\n%s", stderr)
	}
	if !strings.Contains(stdout, "1 failed") {
		t.Errorf("summary:\n%s", stdout)
	}

	// The retry run fetches only the failed document.
	before := len(srv.Requests())
	stdout, stderr, err = runCrawlCmd(t, "--ciks", "1234567", "--since", "2026-01-01", "--out", docs, "--user-agent", crawlTestAgent,
		"--www-url", srv.URL, "--data-url", srv.URL)
	if err != nil {
		t.Fatalf("retry run: %v\n%s", err, stderr)
	}
	var paths []string
	for _, r := range srv.Requests()[before:] {
		if strings.HasSuffix(r.Path, ".htm") {
			paths = append(paths, r.Path)
		}
	}
	sort.Strings(paths)
	if len(paths) != 1 || paths[0] != bad {
		t.Errorf("retry run fetched %v, want only %s", paths, bad)
	}
	var meta edgar.Sidecar
	data, err := os.ReadFile(filepath.Join(docs, "0001234567", "0001234567-26-000040", "acme-ex991_20261102.htm"+edgar.SidecarSuffix))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &meta); err != nil {
		t.Fatal(err)
	}
	if meta.Form != "EX-99.1" || meta.Company != "Acme Widget Corp" {
		t.Errorf("sidecar: got %+v", meta)
	}
}

func TestCrawlPublishesToKafka(t *testing.T) {
	emb, err := kafka.StartEmbedded(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	brokers := strings.Join(emb.Addrs(), ",")
	srv := newCrawlFake(t)
	dir := t.TempDir()
	stdout, stderr, err := runCrawlCmd(t, "--tickers", "ACME", "--since", "2026-01-01", "--brokers", brokers, "--blob-dir", filepath.Join(dir, "blobs"),
		"--state", filepath.Join(dir, "state"), "--user-agent", crawlTestAgent, "--www-url", srv.URL, "--data-url", srv.URL)
	if err != nil {
		t.Fatalf("crawl: %v\n%s\n%s", err, stdout, stderr)
	}

	reader := kafka.NewReader(kafka.Config{Brokers: emb.Addrs()}, "crawl-test", kafka.TopicRaw)
	defer reader.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	forms := map[string]string{}
	for len(forms) < 3 {
		msg, err := reader.FetchMessage(ctx)
		if err != nil {
			t.Fatalf("read %s after %d messages: %v", kafka.TopicRaw, len(forms), err)
		}
		f, _, err := kafka.DecodeFiling(ctx, msg, nil)
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		if !strings.HasPrefix(f.SourcePath, srv.URL+"/Archives/") {
			t.Errorf("source path %q, want the document URL", f.SourcePath)
		}
		forms[filepath.Base(f.SourcePath)] = f.Form + " " + f.Accession + " " + f.CIK
	}
	if got := forms["acme-ex991_20261102.htm"]; got != "EX-99.1 0001234567-26-000040 0001234567" {
		t.Errorf("exhibit envelope: got %q", got)
	}
}

func TestCrawlFollowServesMetrics(t *testing.T) {
	srv := newCrawlFake(t)
	feed := `<?xml version="1.0" encoding="ISO-8859-1" ?>
<feed xmlns="http://www.w3.org/2005/Atom">
<entry>
<title>8-K - Acme Widget Corp (0001234567) (Filer)</title>
<summary type="html"> &lt;b&gt;Filed:&lt;/b&gt; 2026-11-02 &lt;b&gt;AccNo:&lt;/b&gt; 0001234567-26-000040</summary>
<category scheme="https://www.sec.gov/" label="form type" term="8-K"/>
<id>urn:tag:sec.gov,2008:accession-number=0001234567-26-000040</id>
</entry>
</feed>`
	srv.Handle("/cgi-bin/browse-edgar", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, feed) })

	// A free port for the metrics listener.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	docs := t.TempDir()
	done := make(chan error, 1)
	var stdout, stderr bytes.Buffer
	go func() {
		done <- run(ctx, []string{"crawl", "--follow", "--forms", "8-K", "--poll-interval", "100ms", "--out", docs, "--metrics-addr", addr,
			"--user-agent", crawlTestAgent, "--www-url", srv.URL, "--data-url", srv.URL}, &stdout, &stderr)
	}()

	deadline := time.Now().Add(20 * time.Second)
	var metrics string
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			metrics = string(b)
			if strings.Contains(metrics, `finx_edgar_documents_total{outcome="fetched"} 2`) {
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(metrics, `finx_edgar_documents_total{outcome="fetched"} 2`) {
		t.Errorf("metrics never showed the 2 documents of the followed 8-K:\n%s\nstderr:\n%s", metrics, stderr.String())
	}
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: got %d, want 200", resp.StatusCode)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("follow returned %v, want context.Canceled", err)
	}
	if n := srv.Count(edgartest.Archive(1234567, "0001234567-26-000040", "acme-ex991_20261102.htm"), http.StatusOK); n != 1 {
		t.Errorf("exhibit fetched %d times over several polls, want 1", n)
	}
}

// TestCrawlClickHouseStateResumes keeps the state in the real ClickHouse:
// a run after a failure fetches only the failed document, and a third run
// fetches nothing.
func TestCrawlClickHouseStateResumes(t *testing.T) {
	addr := testenv.ClickHouseAddr(t)
	db := uniqueDatabase("finx_crawl_state_test")
	t.Cleanup(func() { dropDatabase(t, addr, db) })
	srv := newCrawlFake(t)
	bad := edgartest.Archive(1234567, "0001234567-26-000040", "acme-ex991_20261102.htm")
	srv.Fail(bad, edgartest.ServerError, edgartest.ServerError)
	docs := t.TempDir()
	args := []string{"--tickers", "ACME", "--since", "2026-01-01", "--out", docs, "--clickhouse", addr, "--clickhouse-database", db,
		"--user-agent", crawlTestAgent, "--www-url", srv.URL, "--data-url", srv.URL}

	stdout, stderr, err := runCrawlCmd(t, append(args, "--retries", "1")...)
	var exit exitError
	if !errors.As(err, &exit) || exit.code != 1 {
		t.Fatalf("crawl with a failing document: got %v, want exit status 1\n%s\n%s", err, stdout, stderr)
	}
	if want := "state in ClickHouse " + addr + " table " + db + ".crawl_state"; !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
	if _, err := os.Stat(filepath.Join(docs, ".edgar-state")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("state folder in --out: got %v, want none with --clickhouse", err)
	}

	fetched := func(from int) []string {
		var paths []string
		for _, r := range srv.Requests()[from:] {
			if strings.HasSuffix(r.Path, ".htm") {
				paths = append(paths, r.Path)
			}
		}
		return paths
	}
	before := len(srv.Requests())
	if stdout, stderr, err = runCrawlCmd(t, args...); err != nil {
		t.Fatalf("second crawl: %v\n%s\n%s", err, stdout, stderr)
	}
	if got := fetched(before); len(got) != 1 || got[0] != bad {
		t.Errorf("second crawl fetched %v, want only %s", got, bad)
	}

	before = len(srv.Requests())
	if stdout, stderr, err = runCrawlCmd(t, args...); err != nil {
		t.Fatalf("third crawl: %v\n%s\n%s", err, stdout, stderr)
	}
	if !strings.Contains(stdout, "2 filings found (2 done in an earlier run), 0 documents fetched") {
		t.Errorf("third crawl summary:\n%s", stdout)
	}
	if got := fetched(before); len(got) != 0 {
		t.Errorf("third crawl fetched %v, want nothing", got)
	}

	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	ch := clickhouseClient(t, "clickhouse-client", host, port)
	got := ch(nil, "--query", "SELECT kind, accession, cik, form, status FROM "+db+".crawl_state FINAL WHERE key = '"+srv.URL+bad+"'")
	if want := "document\t0001234567-26-000040\t0001234567\tEX-99.1\tdone"; got != want {
		t.Errorf("crawl_state row of the exhibit: got %q, want %q", got, want)
	}
	got = ch(nil, "--query", "SELECT arrayStringConcat(groupArray(concat(key, ' ', form)), ', ') FROM (SELECT key, form FROM "+db+".crawl_state FINAL WHERE kind = 'filing' ORDER BY key)")
	if want := "0001234567-26-000002 10-K, 0001234567-26-000040 8-K"; got != want {
		t.Errorf("crawl_state filings: got %q, want %q", got, want)
	}
}

// TestCrawlStateEnvOnlyForKafka checks that FINX_CLICKHOUSE_ADDR moves the
// state of a crawl to Kafka into ClickHouse but leaves an --out crawl's
// state in its folder. The address has no server, so using it fails.
func TestCrawlStateEnvOnlyForKafka(t *testing.T) {
	t.Setenv("FINX_CLICKHOUSE_ADDR", "127.0.0.1:1")
	srv := newCrawlFake(t)
	docs := t.TempDir()
	stdout, stderr, err := runCrawlCmd(t, "--tickers", "ACME", "--since", "2026-01-01", "--out", docs, "--user-agent", crawlTestAgent,
		"--www-url", srv.URL, "--data-url", srv.URL, "--brokers", "")
	if err != nil {
		t.Fatalf("crawl to --out: %v\n%s\n%s", err, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(docs, ".edgar-state", edgar.StateFileName)); err != nil {
		t.Errorf("state file of the --out crawl: %v", err)
	}

	emb, err := kafka.StartEmbedded(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	dir := t.TempDir()
	_, stderr, err = runCrawlCmd(t, "--tickers", "ACME", "--since", "2026-01-01", "--brokers", strings.Join(emb.Addrs(), ","),
		"--blob-dir", filepath.Join(dir, "blobs"), "--user-agent", crawlTestAgent, "--www-url", srv.URL, "--data-url", srv.URL)
	if err == nil || !strings.Contains(err.Error(), "open the crawl state in ClickHouse") {
		t.Errorf("crawl to Kafka with an unreachable FINX_CLICKHOUSE_ADDR: got %v, want the ClickHouse state to fail\n%s", err, stderr)
	}
}

// TestCrawlToKafkaThenLoad crawls into an embedded broker and runs the
// finx extract and finx load workers on it, as a deployment does: every
// document lands in filings.json with the crawler's CIK, form, accession
// and filing date.
func TestCrawlToKafkaThenLoad(t *testing.T) {
	emb, err := kafka.StartEmbedded(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	brokers := strings.Join(emb.Addrs(), ",")
	srv := newCrawlFake(t)
	dir := t.TempDir()
	blobs := filepath.Join(dir, "blobs")
	stdout, stderr, err := runCrawlCmd(t, "--tickers", "ACME", "--since", "2026-01-01", "--brokers", brokers, "--blob-dir", blobs,
		"--state", filepath.Join(dir, "state"), "--clickhouse", "", "--user-agent", crawlTestAgent, "--www-url", srv.URL, "--data-url", srv.URL)
	if err != nil {
		t.Fatalf("crawl: %v\n%s\n%s", err, stdout, stderr)
	}

	out := filepath.Join(dir, "out")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	workers := map[string][]string{
		"extract": {"--provider", "offline", "--history", "", "--workers", "2"},
		"load":    {"--clickhouse", "", "--out", out, "--batch-interval", "100ms"},
	}
	type outcome struct {
		name   string
		err    error
		stderr string
	}
	done := make(chan outcome, len(workers))
	for name, extra := range workers {
		args := append([]string{name, "--brokers", brokers, "--blob-dir", blobs, "--group-prefix", "crawl-load-test", "--metrics-addr", ""}, extra...)
		go func() {
			var stdout, stderr bytes.Buffer
			err := run(ctx, args, &stdout, &stderr)
			done <- outcome{name, err, stderr.String()}
		}()
	}

	filings := filepath.Join(out, "filings.json")
	var rows []map[string]any
	deadline := time.Now().Add(time.Minute)
	for len(rows) < len(wantCrawledFilings) && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		rows = completeRows(filings)
	}
	cancel()
	for range workers {
		o := <-done
		if o.err != nil && !errors.Is(o.err, context.Canceled) {
			t.Errorf("finx %s: %v\n%s", o.name, o.err, o.stderr)
		}
	}
	if len(rows) != len(wantCrawledFilings) {
		t.Fatalf("filings.json: got %d rows, want %d", len(rows), len(wantCrawledFilings))
	}
	got := filingMetadata(rows)
	for name, want := range wantCrawledFilings {
		if got[name] != want {
			t.Errorf("%s: got CIK, form, accession and date %q, want %q", name, got[name], want)
		}
	}
	for _, r := range rows {
		if r["company"] != "Acme Widget Corp" {
			t.Errorf("%v: got company %q, want Acme Widget Corp", r["source_path"], r["company"])
		}
	}
}

// completeRows reads the complete lines of a JSONEachRow file that a sink
// may be appending to; a missing file has none.
func completeRows(path string) []map[string]any {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var rows []map[string]any
	for len(data) > 0 {
		line, rest, complete := bytes.Cut(data, []byte("\n"))
		if !complete {
			break
		}
		data = rest
		var row map[string]any
		if json.Unmarshal(line, &row) == nil {
			rows = append(rows, row)
		}
	}
	return rows
}

// TestCrawlURLsSameFileName checks that two --urls entries that end in the
// same file name are both kept in --out.
func TestCrawlURLsSameFileName(t *testing.T) {
	srv := edgartest.New(t, edgartest.Config{Rate: edgar.MaxRate})
	srv.Bytes("/same/a/report.htm", []byte("<html><body><p>document a</p></body></html>"))
	srv.Bytes("/same/b/report.htm", []byte("<html><body><p>document b</p></body></html>"))
	list := filepath.Join(t.TempDir(), "same.urls")
	if err := os.WriteFile(list, []byte(srv.URL+"/same/a/report.htm\n"+srv.URL+"/same/b/report.htm\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	stdout, stderr, err := runCrawlCmd(t, "--urls", list, "--out", out, "--user-agent", crawlTestAgent,
		"--www-url", srv.URL, "--data-url", srv.URL, "--metrics-addr", "")
	if err != nil {
		t.Fatalf("crawl: %v\n%s%s", err, stdout, stderr)
	}
	var contents []string
	err = filepath.WalkDir(filepath.Join(out, "urls"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.Name() != "report.htm" {
			return err
		}
		b, err := os.ReadFile(p)
		contents = append(contents, string(b))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(contents)
	if len(contents) != 2 || !strings.Contains(contents[0], "document a") || !strings.Contains(contents[1], "document b") {
		t.Errorf("report.htm files under --out: got %q, want document a and document b", contents)
	}
}
