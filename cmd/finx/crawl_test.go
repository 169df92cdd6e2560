package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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
	accessions := map[string]string{}
	for _, r := range rows {
		accessions[filepath.Base(r["source_path"].(string))] = r["accession"].(string) + " " + r["filing_date"].(string)
	}
	want := map[string]string{
		"acme-8k_20261102.htm":    "0001234567-26-000040 2026-11-02",
		"acme-ex991_20261102.htm": "0001234567-26-000040 2026-11-02",
		"acme-10k-2026.htm":       "0001234567-26-000002 2026-02-20",
	}
	for name, w := range want {
		if accessions[name] != w {
			t.Errorf("%s: got accession and date %q, want %q from its sidecar", name, accessions[name], w)
		}
	}
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
