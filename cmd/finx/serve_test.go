package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/finx-dev/finx/connectors/clickhouse"
	"github.com/finx-dev/finx/schemas"
)

var screenshotPath = flag.String("screenshot", "", "write a PNG of the fixture 10-K's filing page to this path (TestServeBrowser)")

func TestSourceCandidates(t *testing.T) {
	got := sourceCandidates("/data/8k/a.htm", []string{"/docs"})
	want := []string{"/data/8k/a.htm", "/docs/data/8k/a.htm", "/docs/8k/a.htm", "/docs/a.htm"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %q, want %q", got, want)
	}
	for _, c := range sourceCandidates("../../etc/passwd", []string{"/docs"}) {
		if strings.HasPrefix(c, "/docs") && !strings.HasPrefix(c, "/docs/") || strings.Contains(c, "/docs/..") {
			t.Errorf("candidate %q leaves the docs folder", c)
		}
	}
}

func TestDocumentSourceChecksHash(t *testing.T) {
	dir := t.TempDir()
	content := []byte("<html><body><p>Item 1A. Risk Factors</p><p>Demand may fall.</p></body></html>")
	path := filepath.Join(dir, "moved", "a.htm")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(content)
	f := schemas.Filing{DocID: hex.EncodeToString(sum[:]), SourcePath: "/elsewhere/moved/a.htm", MediaType: schemas.MediaHTML}
	ctx := context.Background()

	doc, err := documentSource([]string{dir}, nil)(ctx, f)
	if err != nil {
		t.Fatalf("found by --docs: %v", err)
	}
	if !strings.Contains(doc.Text, "Demand may fall.") {
		t.Errorf("got text %q, want the paragraph", doc.Text)
	}

	f.DocID = strings.Repeat("0", 64)
	_, err = documentSource([]string{dir}, nil)(ctx, f)
	if err == nil || !strings.Contains(err.Error(), "content differs") {
		t.Errorf("got error %v for a file whose hash differs, want one naming the difference", err)
	}
}

func TestReadSourceRejectsUnsafeFiles(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.htm")
	if err := os.WriteFile(small, []byte("<p>ok</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A sparse file larger than the limit costs no disk space, and reading
	// it whole, as before the limit, would take the limit in memory.
	large := filepath.Join(dir, "large.htm")
	lf, err := os.Create(large)
	if err != nil {
		t.Fatal(err)
	}
	if err := lf.Truncate(maxSourceBytes + 1); err != nil {
		t.Fatal(err)
	}
	lf.Close()
	fifo := filepath.Join(dir, "fifo.htm")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name, path string
		wantErr    string
	}{
		{"regular file", small, ""},
		{"larger than the limit", large, "more than the limit"},
		{"FIFO", fifo, "not a regular file"},
		{"folder", dir, "not a regular file"},
		{"device", "/dev/zero", "not a regular file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := readSource(tc.path, maxSourceBytes)
				done <- err
			}()
			select {
			case err := <-done:
				switch {
				case tc.wantErr == "" && err != nil:
					t.Errorf("got error %v, want none", err)
				case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
					t.Errorf("got error %v, want one containing %q", err, tc.wantErr)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("readSource(%s) still blocked after 5 s", tc.path)
			}
		})
	}
}

func TestDocumentSourceNonRegularPath(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	f := schemas.Filing{DocID: strings.Repeat("ab", 32), SourcePath: "/dev/zero", MediaType: schemas.MediaHTML}
	done := make(chan error, 1)
	go func() {
		_, err := documentSource(nil, nil)(ctx, f)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("got error %v, want one naming /dev/zero as not a regular file", err)
		}
	case <-ctx.Done():
		t.Fatal("documentSource on /dev/zero did not return within 10 s")
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServe runs finx serve on a free loopback port and returns its base
// URL. The server stops when the test ends.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), &stdout, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v\n%s", err, stderr.String())
		}
	})
	addr := regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+/`)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if u := addr.FindString(stderr.String()); u != "" {
			return strings.TrimSuffix(u, "/")
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited: %v\n%s", err, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("serve printed no address within 30 s:\n%s", stderr.String())
	return ""
}

func TestServeHelpNamesOneServerPerStore(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"serve", "-h"}, &stdout, &stderr)
	var exit exitError
	if err != nil && (!errors.As(err, &exit) || exit != (exitError{0})) {
		t.Fatalf("serve -h: got error %v, want exit status 0", err)
	}
	if !strings.Contains(stderr.String(), "Run one server with the token per store") {
		t.Errorf("serve -h lacks the one-server rule:\n%s", stderr.String())
	}
}

func TestServeReadOnly(t *testing.T) {
	out := t.TempDir()
	t.Setenv(envServeToken, "")
	base := startServe(t, "--out", out, "--clickhouse", "")
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("got status %d and CSP %q, want 200 and a CSP", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}
	resp, err = http.Post(base+"/review/decide", "application/x-www-form-urlencoded", strings.NewReader("action=accept"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("decide on a read-only server: got status %d, want 403", resp.StatusCode)
	}
	for _, path := range []string{"/metrics", "/healthz"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: got status %d, want 200", path, resp.StatusCode)
		}
	}
}

// chromiumPath is the browser that TestServeBrowser drives: Debian's
// chromium package.
const chromiumPath = "/usr/bin/chromium"

// browserContext starts headless Chromium with a fresh profile and with
// every host name except 127.0.0.1 unresolvable, so that the browser reaches
// nothing beyond the test server.
func browserContext(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing: CI needs Debian's chromium package (apt-get install -y chromium)", chromiumPath)
		}
		t.Skipf("%s is missing; skipping the browser test (apt-get install -y chromium)", chromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.WindowSize(1400, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelBrowser()
		cancelAlloc()
	})
	return ctx
}

// TestServeBrowser runs the demo on the fixtures, serves its output, and
// drives headless Chromium: every item of each filing is highlighted, and a
// reviewer logs in with the token and accepts an item, which is stored.
func TestServeBrowser(t *testing.T) {
	ctx := browserContext(t)
	out := t.TempDir()
	// An absolute path makes the pages and the screenshot show a full source path.
	fixtures, err := filepath.Abs("../../fixtures")
	if err != nil {
		t.Fatal(err)
	}
	if stdout, stderr, err := runDemoCmd(t, "--clickhouse", "", "--out", out, "--blob-dir", filepath.Join(out, "blobs"), fixtures); err != nil {
		t.Fatalf("demo failed: %v\n%s\n%s", err, stdout, stderr)
	}
	const token = "browser-test-token-7f3a"
	t.Setenv(envServeToken, token)
	base := startServe(t, "--out", out, "--clickhouse", "", "--blob-dir", filepath.Join(out, "blobs"))

	filings := readRows(t, filepath.Join(out, "filings.json"))
	if len(filings) != 3 {
		t.Fatalf("got %d filings from the demo, want 3", len(filings))
	}
	var tenK string
	for _, f := range filings {
		docID := f["doc_id"].(string)
		items := int(f["risk_count"].(float64) + f["metric_count"].(float64) + f["guidance_count"].(float64))
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/filing/"+docID)); err != nil {
			t.Fatal(err)
		}
		marks, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("pre.doc mark").length`))
		if err != nil {
			t.Fatal(err)
		}
		if marks != items {
			t.Errorf("%s: got %d <mark> elements, want %d (one per item)", f["source_path"], marks, items)
		}
		if strings.HasSuffix(f["source_path"].(string), "acme-10k-2026.htm") {
			tenK = docID
		}
	}
	if tenK == "" {
		t.Fatal("the demo output has no acme-10k-2026.htm")
	}

	// Anchor links jump to the quote: the risk's mark becomes :target.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/filing/"+tenK)); err != nil {
		t.Fatal(err)
	}
	riskID, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("mark.risk").id`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(`a[href="#`+riskID+`"]`)); err != nil {
		t.Fatal(err)
	}
	target, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("mark:target") ? document.querySelector("mark:target").id : ""`))
	if err != nil {
		t.Fatal(err)
	}
	if target != riskID {
		t.Errorf("after clicking the item, got target mark %q, want %q", target, riskID)
	}
	if *screenshotPath != "" {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/filing/"+tenK)); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(*screenshotPath, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// Log in and accept the first risk from the filing page.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login"),
		chromedp.SendKeys("#reviewer", "browser reviewer"), chromedp.SendKeys("#token", token)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Click("#login")); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/filing/"+tenK)); err != nil {
		t.Fatal(err)
	}
	resp, err := chromedp.RunResponse(ctx, chromedp.Click("#accept-"+riskID))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != http.StatusOK || !strings.Contains(resp.URL, "/filing/"+tenK) {
		t.Errorf("after accepting: got status %d at %s, want 200 on the filing page", resp.Status, resp.URL)
	}
	decisions := readRows(t, filepath.Join(out, "review_decisions.json"))
	if len(decisions) != 1 {
		t.Fatalf("got %d stored decisions, want 1", len(decisions))
	}
	d := decisions[0]
	if d["action"] != "accept" || d["reviewer"] != "browser reviewer" || d["doc_id"] != tenK || "risk-"+d["item_id"].(string) != riskID {
		t.Errorf("got decision %v, want accept of %s by browser reviewer", d, riskID)
	}
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("mark").length`))
	if err != nil {
		t.Fatal(err)
	}
	if shown == 0 {
		t.Errorf("filing page after the decision has no highlights")
	}
	var versions int
	for _, r := range readRows(t, filepath.Join(out, "risks.json")) {
		if "risk-"+r["id"].(string) == riskID {
			versions++
		}
	}
	if versions != 2 {
		t.Errorf("got %d rows of the accepted risk, want 2 (extracted and reviewed versions)", versions)
	}
}

// TestServeBrowserHostileText serves a filing whose text and risk heading
// carry markup with script, and checks in Chromium that none of it runs or
// becomes an element.
func TestServeBrowserHostileText(t *testing.T) {
	ctx := browserContext(t)
	out := t.TempDir()
	heading := `<script>document.title="pwned"</script><img src=x onerror="document.title='pwned'"> Our plant may flood.`
	content := []byte("ACME CORP\nFORM 10-K\nItem 1A. Risk Factors\n" + heading + "\nFloods have closed the plant before.\n")
	src := filepath.Join(out, "hostile.txt")
	if err := os.WriteFile(src, content, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(content)
	f := schemas.Filing{DocID: hex.EncodeToString(sum[:]), SourcePath: src, MediaType: schemas.MediaText,
		Form: "10-K", Company: `<img src=x onerror="document.title='pwned'">Acme`, CIK: "0000000042"}
	doc, err := parseDocument(context.Background(), f, content)
	if err != nil {
		t.Fatal(err)
	}
	start := strings.Index(doc.Text, heading)
	if start < 0 {
		t.Fatalf("parsed text lacks the heading:\n%s", doc.Text)
	}
	res := &schemas.Result{SchemaVersion: schemas.SchemaVersion, Filing: f, Provider: "rules", ExtractedAt: time.Now().UTC(),
		Risks: []schemas.Risk{{ID: "4000000000000004", Heading: heading, Category: "operational", Severity: "high",
			Citation: schemas.Citation{Quote: heading, Start: start, End: start + len(heading), SourceOffset: -1, Match: schemas.MatchExact},
			Status:   schemas.StatusNeedsReview, Confidence: 0.5, Provider: "rules"}}}
	res.FillEmpty()
	sink, err := clickhouse.NewFileSink(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := sink.Write(context.Background(), []*schemas.Result{res}); err != nil {
		t.Fatal(err)
	}
	sink.Close()
	t.Setenv(envServeToken, "")
	base := startServe(t, "--out", out, "--clickhouse", "")

	for _, path := range []string{"/filing/" + f.DocID, "/review", "/company/0000000042", "/"} {
		t.Run(path, func(t *testing.T) {
			if err := chromedp.Do(ctx, chromedp.Navigate(base+path)); err != nil {
				t.Fatal(err)
			}
			title, err := chromedp.Run(ctx, chromedp.Title())
			if err != nil {
				t.Fatal(err)
			}
			// The injected scripts set the title to exactly "pwned"; the
			// company name shows the same words as escaped text.
			if title == "pwned" {
				t.Errorf("script from the filing ran: page title %q", title)
			}
			if !strings.Contains(title, "finx review") {
				t.Errorf("got page title %q, want the page's own title", title)
			}
			injected, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("main script, main img").length`))
			if err != nil {
				t.Fatal(err)
			}
			if injected != 0 {
				t.Errorf("got %d script or img elements in the page body, want 0", injected)
			}
		})
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/filing/"+f.DocID)); err != nil {
		t.Fatal(err)
	}
	quote, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("risk-4000000000000004").textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if quote != heading {
		t.Errorf("got highlighted text %q, want the heading shown as text %q", quote, heading)
	}
}
