package review

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/finx-dev/finx/schemas"
)

// lockedBuffer is a strings.Builder safe for concurrent handlers.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newLoggedServer is newTestServer with the log kept for inspection.
func newLoggedServer(t *testing.T) (*httptest.Server, *lockedBuffer) {
	t.Helper()
	var log lockedBuffer
	srv, err := New(Config{Store: newTestStore(t, testResult(t)), Token: testToken, Logger: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts, &log
}

func TestLoginDroppedGuessesStayLimited(t *testing.T) {
	ts, log := newLoggedServer(t)
	const guesses = 8
	start := time.Now()

	// Each guess is dropped after 100 ms, well before the failure delay ends.
	var wg sync.WaitGroup
	for range guesses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Timeout: 100 * time.Millisecond}
			resp, err := c.PostForm(ts.URL+"/login", url.Values{"reviewer": {"mallory"}, "token": {"wrong"}})
			if err == nil {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()

	// The correct token, sent within the delay of the dropped guesses, must
	// not be checked: a fast 303 here would let guessing run in parallel.
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	status, body := post(t, c, ts.URL+"/login", url.Values{"reviewer": {"alice"}, "token": {testToken}}, nil)
	if elapsed := time.Since(start); elapsed < failDelay && status != http.StatusTooManyRequests {
		t.Errorf("correct token %v after %d dropped guesses: got status %d, want 429; body:\n%s", elapsed, guesses, status, body)
	}

	time.Sleep(failDelay)
	if status, body := post(t, c, ts.URL+"/login", url.Values{"reviewer": {"alice"}, "token": {testToken}}, nil); status != http.StatusSeeOther {
		t.Errorf("correct token after the delay: got status %d, want 303; body:\n%s", status, body)
	}
	if got := strings.Count(log.String(), "login failed"); got != 1 {
		t.Errorf("got %d log lines about failed logins, want 1 (rate-limited):\n%s", got, log.String())
	}
	if !strings.Contains(log.String(), "rate_limited=") || !strings.Contains(log.String(), "remote=127.0.0.1") {
		t.Errorf("log line lacks the rate_limited count or the remote address:\n%s", log.String())
	}
}

func TestLoginConcurrentGuesses(t *testing.T) {
	ts, _ := newLoggedServer(t)
	const guesses = 6
	start := time.Now()
	statuses := make(chan int, guesses)
	var wg sync.WaitGroup
	for range guesses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.PostForm(ts.URL+"/login", url.Values{"reviewer": {"mallory"}, "token": {"wrong"}})
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
			statuses <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(statuses)
	elapsed := time.Since(start)

	checked := 0
	for s := range statuses {
		switch s {
		case http.StatusUnauthorized:
			checked++
		case http.StatusTooManyRequests:
		default:
			t.Errorf("got status %d, want 401 or 429", s)
		}
	}
	if checked < 1 {
		t.Errorf("got %d checked guesses, want at least 1", checked)
	}
	if min := time.Duration(checked-1) * failDelay; elapsed < min {
		t.Errorf("%d guesses were checked in %v, want at least %v (one per %v)", checked, elapsed, min, failDelay)
	}
	if elapsed < failDelay {
		t.Errorf("failed guesses were answered after %v, want at least %v", elapsed, failDelay)
	}
}

func TestLoginLimiterLockout(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLoginLimiter(func() time.Time { return now })

	// The free failures wait failDelay each.
	for i := range freeFailures {
		if wait := l.reserve("192.0.2.1"); wait != 0 {
			t.Fatalf("attempt %d: got wait %v, want 0", i+1, wait)
		}
		l.failed("192.0.2.1")
		now = now.Add(failDelay)
	}
	if wait := l.reserve("192.0.2.1"); wait != 0 {
		t.Fatalf("attempt %d: got wait %v, want 0", freeFailures+1, wait)
	}
	l.failed("192.0.2.1")

	// Failure freeFailures+1 locks the address out for 2 s, and the next
	// one for 4 s. Other addresses wait only for the global slot.
	now = now.Add(failDelay)
	if wait := l.reserve("192.0.2.1"); wait != time.Second {
		t.Errorf("locked-out address: got wait %v, want 1s", wait)
	}
	if wait := l.reserve("192.0.2.2"); wait != 0 {
		t.Errorf("other address: got wait %v, want 0", wait)
	}
	l.succeeded("192.0.2.2")
	now = now.Add(time.Second)
	if wait := l.reserve("192.0.2.1"); wait != 0 {
		t.Fatalf("after the lockout: got wait %v, want 0", wait)
	}
	l.failed("192.0.2.1")
	now = now.Add(failDelay)
	if wait := l.reserve("192.0.2.1"); wait != 3*time.Second {
		t.Errorf("second lockout: got wait %v, want 3s left of 4s", wait)
	}

	// Many failures cap the lockout.
	for range 40 {
		l.failed("192.0.2.3")
	}
	if wait := l.reserve("192.0.2.3"); wait != maxLockout {
		t.Errorf("after 40 failures: got wait %v, want %v", wait, maxLockout)
	}
}

func TestDecideRequiresVersion(t *testing.T) {
	ts := newTestServer(t, testToken)
	c := ts.client(t)
	csrf := ts.login(t, c)
	for _, v := range []string{"", "0", "x", "-1"} {
		t.Run("version="+v, func(t *testing.T) {
			form := decisionValues(csrf, "metric", "2000000000000002", "accept", 0)
			if v != "" {
				form.Set("version", v)
			}
			status, body := post(t, c, ts.URL+"/review/decide", form, nil)
			if status != http.StatusBadRequest || !strings.Contains(body, "version") {
				t.Errorf("got status %d, want 400 naming the version; body:\n%s", status, body)
			}
		})
	}
	if d, _ := ts.store.Decisions(context.Background()); len(d) != 0 {
		t.Errorf("got %d decisions stored, want 0", len(d))
	}

	_, err := ts.review.Decide(context.Background(), Decision{Kind: schemas.KindMetric, DocID: testDocID,
		ItemID: "2000000000000002", Action: schemas.ActionAccept, Reviewer: "alice"})
	var invalid *InvalidCorrectionError
	if !errors.As(err, &invalid) || invalid.Field != "version" {
		t.Errorf("Decide without a version: got error %v, want an InvalidCorrectionError on version", err)
	}
}

func TestOversizedFormGets413(t *testing.T) {
	ts := newTestServer(t, testToken)
	c := ts.client(t)
	csrf := ts.login(t, c)
	before := findItem(t, ts.store, schemas.KindMetric, "2000000000000002")
	pad := strings.Repeat("x", 3<<20)
	for _, tc := range []struct {
		name, path string
		form       url.Values
	}{
		{"decision", "/review/decide", func() url.Values {
			v := decisionValues(csrf, "metric", "2000000000000002", "accept", before.Version)
			v.Set("note", pad)
			return v
		}()},
		{"login", "/login", url.Values{"reviewer": {"alice"}, "token": {testToken}, "pad": {pad}}},
		{"logout", "/logout", url.Values{"csrf": {csrf}, "pad": {pad}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(t, c, ts.URL+tc.path, tc.form, nil)
			if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, "form is larger than") {
				t.Errorf("got status %d, want 413 saying the form is too large; body:\n%s", status, body)
			}
		})
	}
	if d, _ := ts.store.Decisions(context.Background()); len(d) != 0 {
		t.Errorf("got %d decisions stored, want 0", len(d))
	}
}

func TestCheckDecimal(t *testing.T) {
	for _, tc := range []struct {
		value string
		ok    bool
	}{
		{"1250000", true},
		{"-0.35", true},
		{"00000000042", true},
		{strings.Repeat("9", 32), true},
		{strings.Repeat("9", 32) + ".999999", true},
		{"0" + strings.Repeat("9", 32), true},
		{strings.Repeat("9", 33), false},
		{strings.Repeat("9", 5000), false},
		{"1" + strings.Repeat("0", 400), false},
		{"0.1234567", false},
		{"1e5", false},
		{"NaN", false},
		{".5", false},
		{"1,000", false},
	} {
		t.Run(tc.value[:min(len(tc.value), 40)], func(t *testing.T) {
			if got := checkDecimal(tc.value) == ""; got != tc.ok {
				t.Errorf("got ok %v (%q), want %v", got, checkDecimal(tc.value), tc.ok)
			}
		})
	}
}

func TestLessDecimal(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"0.3", "0.30000000000000001", true},
		{"0.30000000000000001", "0.3", false},
		{"5", "1" + strings.Repeat("0", 400), true},
		{"1" + strings.Repeat("0", 400), "5", false},
		{"-1", "0", true},
		{"2", "2.0", false},
		{"x", "1", false},
	} {
		t.Run(tc.a[:min(len(tc.a), 20)]+"<"+tc.b[:min(len(tc.b), 20)], func(t *testing.T) {
			if got := lessDecimal(tc.a, tc.b); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCorrectionOutsideDecimalColumn(t *testing.T) {
	ts := newTestServer(t, testToken)
	c := ts.client(t)
	csrf := ts.login(t, c)
	for _, tc := range []struct {
		name, kind, id string
		fields         url.Values
		want           string
	}{
		{"5000 nines", "metric", "2000000000000002", url.Values{"value": {strings.Repeat("9", 5000)}}, "the maximum is 32"},
		{"7 fraction digits", "metric", "2000000000000002", url.Values{"value": {"1.2345678"}}, "the maximum is 6"},
		{"low of 401 digits", "guidance", "3000000000000003", url.Values{"low": {"1" + strings.Repeat("0", 400)}, "high": {"5"}}, "the maximum is 32"},
		{"high below low by 1e-17", "guidance", "3000000000000003", url.Values{"low": {"55.00000000000000001"}}, "the maximum is 6"},
		{"high below low", "guidance", "3000000000000003", url.Values{"low": {"55.000001"}}, "below low"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := decisionValues(csrf, tc.kind, tc.id, "correct", findItem(t, ts.store, tc.kind, tc.id).Version)
			for k, v := range tc.fields {
				form[k] = v
			}
			status, body := post(t, c, ts.URL+"/review/decide", form, nil)
			if status != http.StatusBadRequest || !strings.Contains(body, tc.want) {
				t.Errorf("got status %d, want 400 with %q; body:\n%.2000s", status, tc.want, body)
			}
		})
	}
	if d, _ := ts.store.Decisions(context.Background()); len(d) != 0 {
		t.Errorf("got %d decisions stored, want 0", len(d))
	}
}

func TestPagesEscapeBidiControls(t *testing.T) {
	const rlo = "\u202e"
	res := testResult(t)
	res.Filing.Company = "Acme " + rlo + "fdp.exe Corp"
	res.Risks[0].Heading = "We may " + rlo + "lose customers"
	ts := func() *httptest.Server {
		srv, err := New(Config{Store: newTestStore(t, res), Token: testToken,
			Document: func(ctx context.Context, f schemas.Filing) (*schemas.Document, error) {
				return &schemas.Document{Filing: f, Text: "Filing text with an isolate \u2067here\u2069.\n"}, nil
			}})
		if err != nil {
			t.Fatal(err)
		}
		s := httptest.NewServer(srv.Handler())
		t.Cleanup(s.Close)
		return s
	}()
	for _, p := range []string{"/", "/review", "/company/0000000001", "/filing/" + testDocID} {
		t.Run(p, func(t *testing.T) {
			status, body, _ := get(t, ts.Client(), ts.URL+p)
			if status != http.StatusOK {
				t.Fatalf("got status %d, want 200", status)
			}
			for _, r := range bidiControls {
				if strings.ContainsRune(body, r) {
					t.Errorf("page contains bidi control U+%04X unescaped", r)
				}
			}
			if !strings.Contains(body, "[U+202E]") {
				t.Errorf("page lacks the visible marker [U+202E]")
			}
		})
	}
	_, body, _ := get(t, ts.Client(), ts.URL+"/filing/"+testDocID)
	if !strings.Contains(body, "[U+2067]here[U+2069]") {
		t.Errorf("filing text lacks the visible isolate markers")
	}
}

func TestStaticHasNoListing(t *testing.T) {
	ts := newTestServer(t, "")
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/static/", http.StatusNotFound},
		{"/static/style.css", http.StatusOK},
	} {
		t.Run(tc.path, func(t *testing.T) {
			status, body, _ := get(t, ts.Client(), ts.URL+tc.path)
			if status != tc.status {
				t.Errorf("got status %d, want %d", status, tc.status)
			}
			if strings.Contains(body, `<a href="style.css">`) {
				t.Errorf("response lists the folder:\n%s", body)
			}
		})
	}
}
