package review

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/finx-dev/finx/connectors/clickhouse"
	"github.com/finx-dev/finx/schemas"
)

const (
	testToken = "test-token-0123456789"
	testDocID = "aa00000000000000000000000000000000000000000000000000000000000001"
)

// hostileHeading is a risk heading with markup that must render inert.
const hostileHeading = `<script>alert("x")</script><img src=x onerror=alert(1)> We may lose customers`

// testText is the parsed text of the test filing. The risk heading carries
// markup, as a hostile or careless filing could.
var testText = "Item 1A. Risk Factors\n" + hostileHeading + ".\n" +
	"Revenue was $12.5 million for the quarter.\n" +
	"We expect fiscal 2027 revenue of $50 million to $55 million.\n"

// span returns the citation of the first occurrence of quote in testText.
func span(t *testing.T, quote string) schemas.Citation {
	t.Helper()
	i := strings.Index(testText, quote)
	if i < 0 {
		t.Fatalf("quote %q not in the test text", quote)
	}
	return schemas.Citation{Quote: quote, Start: i, End: i + len(quote), SourceOffset: -1, Match: schemas.MatchExact}
}

// testResult is one filing with a risk, a metric that needs review and a
// guidance item.
func testResult(t *testing.T) *schemas.Result {
	t.Helper()
	res := &schemas.Result{
		SchemaVersion: schemas.SchemaVersion,
		Filing: schemas.Filing{DocID: testDocID, SourcePath: "/filings/acme-10q.htm", MediaType: schemas.MediaHTML,
			Form: "10-Q", Company: "Acme <b>Corp</b>", CIK: "0000000001", FilingDate: "2026-11-02"},
		Risks: []schemas.Risk{{ID: "1000000000000001", Heading: hostileHeading, Category: "competition", Severity: "medium",
			Section: "item_1a", Citation: span(t, hostileHeading), Status: schemas.StatusAccepted, Confidence: 0.8, Provider: "rules"}},
		Metrics: []schemas.Metric{{ID: "2000000000000002", Metric: "revenue", Label: "Revenue", Value: "12500000", Display: "12.5",
			Scale: 6, Unit: "USD", PeriodType: "duration", PeriodStart: "2026-07-01", PeriodEnd: "2026-09-30", Source: "text",
			XBRLCheck: "disagree", Citation: span(t, "$12.5 million"), Status: schemas.StatusNeedsReview,
			ReviewReason: "xbrl_disagree", Confidence: 0.5, Provider: "rules"}},
		Guidance: []schemas.Guidance{{ID: "3000000000000003", Metric: "revenue", Label: "revenue outlook", Period: "fiscal 2027",
			Low: "50", High: "55", Scale: 6, Unit: "USD", Basis: "gaap", Direction: "initiated",
			Citation: span(t, "fiscal 2027 revenue of $50 million to $55 million"), Status: schemas.StatusAccepted,
			Confidence: 0.7, Provider: "rules", Provenance: schemas.Provenance{Model: "deepseek-chat", Degraded: "llm_unavailable"}}},
		Provider:    "rules",
		ExtractedAt: time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC),
	}
	res.FillEmpty()
	return res
}

// newTestStore writes the results with the file sink and opens a FileStore
// on the folder.
func newTestStore(t *testing.T, results ...*schemas.Result) *FileStore {
	t.Helper()
	dir := t.TempDir()
	sink, err := clickhouse.NewFileSink(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := sink.Write(context.Background(), results); err != nil {
		t.Fatal(err)
	}
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	store, err := NewFileStore(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// testLogWriter sends the server's log to the test log.
type testLogWriter struct{ t *testing.T }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

type testServer struct {
	*httptest.Server
	store  *FileStore
	review *Server
	reg    *prometheus.Registry
}

func newTestServer(t *testing.T, token string) *testServer {
	t.Helper()
	store := newTestStore(t, testResult(t))
	reg := prometheus.NewRegistry()
	srv, err := New(Config{
		Store: store,
		Document: func(ctx context.Context, f schemas.Filing) (*schemas.Document, error) {
			return &schemas.Document{Filing: f, Text: testText}, nil
		},
		Token:      token,
		Logger:     slog.New(slog.NewTextHandler(testLogWriter{t}, nil)),
		Registerer: reg,
		Gatherer:   reg,
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &testServer{Server: ts, store: store, review: srv, reg: reg}
}

// client returns an HTTP client with a cookie jar that does not follow
// redirects, so that tests see the 303 of a decision.
func (ts *testServer) client(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func get(t *testing.T, c *http.Client, u string) (int, string, http.Header) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body), resp.Header
}

func post(t *testing.T, c *http.Client, u string, form url.Values, header http.Header) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// login logs in and returns the CSRF token of the session, read from the
// review queue's forms.
func (ts *testServer) login(t *testing.T, c *http.Client) string {
	t.Helper()
	status, body := post(t, c, ts.URL+"/login", url.Values{"reviewer": {"alice"}, "token": {testToken}}, nil)
	if status != http.StatusSeeOther {
		t.Fatalf("login: got status %d, want 303; body:\n%s", status, body)
	}
	_, page, _ := get(t, c, ts.URL+"/review")
	m := regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token in the review queue after login:\n%s", page)
	}
	return m[1]
}

func decisionValues(csrf, kind, itemID, action string, version uint64) url.Values {
	v := url.Values{
		"csrf": {csrf}, "kind": {kind}, "doc_id": {testDocID}, "item_id": {itemID},
		"action": {action}, "return": {"/review"},
	}
	if version != 0 {
		v.Set("version", jsonNumber(version))
	}
	return v
}

func jsonNumber(n uint64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestFilingPageEscapesHostileText(t *testing.T) {
	ts := newTestServer(t, "")
	status, body, header := get(t, ts.Client(), ts.URL+"/filing/"+testDocID)
	if status != http.StatusOK {
		t.Fatalf("got status %d, want 200; body:\n%s", status, body)
	}

	if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
		t.Errorf("filing page contains the heading's markup unescaped:\n%s", body)
	}
	if !strings.Contains(body, "&lt;script&gt;alert(") {
		t.Errorf("filing page lacks the escaped heading")
	}
	if strings.Contains(body, "Acme <b>Corp</b>") {
		t.Errorf("company name rendered unescaped")
	}

	if got := strings.Count(body, "<mark "); got != 3 {
		t.Errorf("got %d <mark> elements, want 3 (one per item)", got)
	}
	for _, id := range []string{`id="risk-1000000000000001"`, `id="metric-2000000000000002"`, `id="guidance-3000000000000003"`} {
		if !strings.Contains(body, id) {
			t.Errorf("filing page lacks highlight %s", id)
		}
	}
	for _, want := range []string{"XBRL disagree", "degraded: llm_unavailable", "deepseek-chat", "xbrl_disagree", "Read-only"} {
		if !strings.Contains(body, want) {
			t.Errorf("filing page lacks %q", want)
		}
	}

	if got := header.Get("Content-Security-Policy"); !strings.Contains(got, "default-src 'self'") || !strings.Contains(got, "frame-ancestors 'none'") || strings.Contains(got, "unsafe-inline") {
		t.Errorf("got Content-Security-Policy %q, want default-src 'self', frame-ancestors 'none' and no unsafe-inline", got)
	}
	if got := header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("got X-Content-Type-Options %q, want nosniff", got)
	}
	if regexp.MustCompile(`<script>[^<]`).MatchString(body) || strings.Contains(body, " style=") {
		t.Errorf("page has inline script or style, which the CSP blocks")
	}
}

func TestPagesRender(t *testing.T) {
	ts := newTestServer(t, testToken)
	for _, tc := range []struct {
		path   string
		status int
		want   string
	}{
		{"/", http.StatusOK, "acme-10q.htm"},
		{"/review", http.StatusOK, "1 of 1 items"},
		{"/review?kind=metric", http.StatusOK, "1 of 1 items"},
		{"/review?kind=risk", http.StatusOK, "0 of 1 items"},
		{"/review?kind=bogus", http.StatusBadRequest, "invalid kind"},
		{"/review?company=Other", http.StatusOK, "0 of 1 items"},
		{"/company/0000000001", http.StatusOK, "fiscal 2027"},
		{"/company/none", http.StatusNotFound, "no filings"},
		{"/filing/" + strings.Repeat("b", 64), http.StatusNotFound, "no such document"},
		{"/filing/..%2f..%2fetc", http.StatusNotFound, "no such document"},
		{"/login", http.StatusOK, "Review token"},
		{"/static/style.css", http.StatusOK, "mark.risk"},
		{"/healthz", http.StatusOK, "ok"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			status, body, header := get(t, ts.Client(), ts.URL+tc.path)
			if status != tc.status {
				t.Errorf("got status %d, want %d", status, tc.status)
			}
			if !strings.Contains(body, tc.want) {
				t.Errorf("body lacks %q:\n%s", tc.want, body)
			}
			if header.Get("Content-Security-Policy") == "" {
				t.Errorf("no Content-Security-Policy header")
			}
		})
	}
}

func TestDecideReadOnly(t *testing.T) {
	ts := newTestServer(t, "")
	c := ts.client(t)
	status, _ := post(t, c, ts.URL+"/login", url.Values{"reviewer": {"alice"}, "token": {""}}, nil)
	if status != http.StatusForbidden {
		t.Errorf("login on a read-only server: got status %d, want 403", status)
	}
	status, _ = post(t, c, ts.URL+"/review/decide", decisionValues("x", "metric", "2000000000000002", "accept", 0), nil)
	if status != http.StatusForbidden {
		t.Errorf("decide on a read-only server: got status %d, want 403", status)
	}
	if d, _ := ts.store.Decisions(context.Background()); len(d) != 0 {
		t.Errorf("got %d decisions stored, want 0", len(d))
	}
}

func TestDecideRejectsMissingAuth(t *testing.T) {
	ts := newTestServer(t, testToken)
	c := ts.client(t)

	status, _ := post(t, c, ts.URL+"/review/decide", decisionValues("x", "metric", "2000000000000002", "accept", 0), nil)
	if status != http.StatusUnauthorized {
		t.Errorf("decide without login: got status %d, want 401", status)
	}
	status, body := post(t, c, ts.URL+"/login", url.Values{"reviewer": {"alice"}, "token": {"wrong"}}, nil)
	if status != http.StatusUnauthorized || !strings.Contains(body, "Invalid token") {
		t.Errorf("login with a wrong token: got status %d, want 401 with a message", status)
	}

	csrf := ts.login(t, c)
	for _, tc := range []struct {
		name   string
		form   url.Values
		header http.Header
		status int
	}{
		{"no csrf token", decisionValues("", "metric", "2000000000000002", "accept", 0), nil, http.StatusForbidden},
		{"wrong csrf token", decisionValues(strings.Repeat("0", len(csrf)), "metric", "2000000000000002", "accept", 0), nil, http.StatusForbidden},
		{"cross-site fetch", decisionValues(csrf, "metric", "2000000000000002", "accept", 0), http.Header{"Sec-Fetch-Site": {"cross-site"}}, http.StatusForbidden},
		{"foreign origin", decisionValues(csrf, "metric", "2000000000000002", "accept", 0), http.Header{"Origin": {"http://attacker.example"}}, http.StatusForbidden},
		{"unknown item", decisionValues(csrf, "metric", "9999999999999999", "accept", 1), nil, http.StatusNotFound},
		{"invalid action", decisionValues(csrf, "metric", "2000000000000002", "delete", 0), nil, http.StatusBadRequest},
		{"invalid kind", decisionValues(csrf, "table", "2000000000000002", "accept", 0), nil, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(t, c, ts.URL+"/review/decide", tc.form, tc.header)
			if status != tc.status {
				t.Errorf("got status %d, want %d; body:\n%s", status, tc.status, body)
			}
		})
	}
	if d, _ := ts.store.Decisions(context.Background()); len(d) != 0 {
		t.Errorf("got %d decisions stored after rejected requests, want 0", len(d))
	}
}

func TestDecideStoresDecisionAndVersion(t *testing.T) {
	ts := newTestServer(t, testToken)
	c := ts.client(t)
	csrf := ts.login(t, c)
	ctx := context.Background()
	before := findItem(t, ts.store, schemas.KindMetric, "2000000000000002")

	status, body := post(t, c, ts.URL+"/review/decide", decisionValues(csrf, "metric", "2000000000000002", "accept", before.Version),
		http.Header{"Origin": {ts.URL}, "Sec-Fetch-Site": {"same-origin"}})
	if status != http.StatusSeeOther {
		t.Fatalf("accept: got status %d, want 303; body:\n%s", status, body)
	}
	decisions, err := ts.store.Decisions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(decisions) != 1 {
		t.Fatalf("got %d decisions, want 1", len(decisions))
	}
	d := decisions[0]
	if d.Action != schemas.ActionAccept || d.Reviewer != "alice" || d.Kind != schemas.KindMetric || d.ItemID != "2000000000000002" || d.DocID != testDocID || d.Provider != "rules" {
		t.Errorf("got decision %+v, want accept of metric 2000000000000002 by alice, provider rules", d)
	}
	var b, a schemas.Metric
	if err := json.Unmarshal([]byte(d.Before), &b); err != nil {
		t.Fatalf("before JSON: %v", err)
	}
	if err := json.Unmarshal([]byte(d.After), &a); err != nil {
		t.Fatalf("after JSON: %v", err)
	}
	if b.Status != schemas.StatusNeedsReview || a.Status != schemas.StatusAccepted || a.ReviewReason != "" {
		t.Errorf("got before status %q, after %q (reason %q), want needs_review then accepted with no reason", b.Status, a.Status, a.ReviewReason)
	}

	after := findItem(t, ts.store, schemas.KindMetric, "2000000000000002")
	if after.Status() != schemas.StatusAccepted {
		t.Errorf("latest version status %q, want accepted", after.Status())
	}
	if after.Version <= before.Version {
		t.Errorf("got version %d after the decision, want more than %d", after.Version, before.Version)
	}
	if !after.ExtractedAt.Equal(before.ExtractedAt) || after.CIK != before.CIK || after.FilingDate != before.FilingDate {
		t.Errorf("new version changed extraction time or filing columns: got %v %q %q, want %v %q %q",
			after.ExtractedAt, after.CIK, after.FilingDate, before.ExtractedAt, before.CIK, before.FilingDate)
	}
	queue, err := ts.store.NeedsReview(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(queue) != 0 {
		t.Errorf("got %d items in the queue after the decision, want 0", len(queue))
	}

	// The form still names the old version: a second decision from it is stale.
	status, _ = post(t, c, ts.URL+"/review/decide", decisionValues(csrf, "metric", "2000000000000002", "reject", before.Version), nil)
	if status != http.StatusConflict {
		t.Errorf("decision on a stale version: got status %d, want 409", status)
	}

	_, metrics, _ := get(t, ts.Client(), ts.URL+"/metrics")
	for _, want := range []string{
		`finx_review_decisions_total{action="accept",kind="metric",provider="rules"} 1`,
		`finx_review_backlog_items{kind="metric"} 0`,
		`finx_review_correction_ratio{kind="metric",provider="rules"} 0`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestDecideCorrect(t *testing.T) {
	ts := newTestServer(t, testToken)
	c := ts.client(t)
	csrf := ts.login(t, c)
	for _, tc := range []struct {
		name   string
		kind   string
		id     string
		fields url.Values
		status int
	}{
		{"metric value", "metric", "2000000000000002", url.Values{"value": {"12400000"}}, http.StatusSeeOther},
		{"metric value with separators", "metric", "2000000000000002", url.Values{"value": {"12,400,000"}}, http.StatusBadRequest},
		{"metric period", "metric", "2000000000000002", url.Values{"period_end": {"2026-10-31"}}, http.StatusSeeOther},
		{"metric bad date", "metric", "2000000000000002", url.Values{"period_end": {"2026-13-01"}}, http.StatusBadRequest},
		{"guidance range", "guidance", "3000000000000003", url.Values{"low": {"51"}, "high": {"56"}}, http.StatusSeeOther},
		{"guidance high below low", "guidance", "3000000000000003", url.Values{"low": {"60"}, "high": {"56"}}, http.StatusBadRequest},
		{"risk category", "risk", "1000000000000001", url.Values{"category": {"market"}}, http.StatusSeeOther},
		{"risk unknown category", "risk", "1000000000000001", url.Values{"category": {"weather"}}, http.StatusBadRequest},
		{"nothing changed", "risk", "1000000000000001", url.Values{"category": {"market"}}, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := decisionValues(csrf, tc.kind, tc.id, "correct", findItem(t, ts.store, tc.kind, tc.id).Version)
			for k, v := range tc.fields {
				form[k] = v
			}
			status, body := post(t, c, ts.URL+"/review/decide", form, nil)
			if status != tc.status {
				t.Errorf("got status %d, want %d; body:\n%s", status, tc.status, body)
			}
		})
	}
	m := findItem(t, ts.store, schemas.KindMetric, "2000000000000002").Metric
	if m.Value != "12400000" || m.PeriodEnd != "2026-10-31" || m.Status != schemas.StatusAccepted {
		t.Errorf("got metric value %s, period end %s, status %s; want 12400000, 2026-10-31, accepted", m.Value, m.PeriodEnd, m.Status)
	}
	g := findItem(t, ts.store, schemas.KindGuidance, "3000000000000003").Guidance
	if g.Low != "51" || g.High != "56" {
		t.Errorf("got guidance %s to %s, want 51 to 56", g.Low, g.High)
	}
	if r := findItem(t, ts.store, schemas.KindRisk, "1000000000000001").Risk; r.Category != "market" {
		t.Errorf("got risk category %q, want market", r.Category)
	}
	decisions, _ := ts.store.Decisions(context.Background())
	if len(decisions) != 4 {
		t.Errorf("got %d decisions, want 4 (one per accepted correction)", len(decisions))
	}
}

func findItem(t *testing.T, s Store, kind, id string) Item {
	t.Helper()
	items, err := s.Items(context.Background(), testDocID)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Kind == kind && it.ID() == id {
			return it
		}
	}
	t.Fatalf("%s %s not found", kind, id)
	return Item{}
}

func TestLocalReturn(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/review?kind=metric", "/review?kind=metric"},
		{"/filing/abc#x", "/filing/abc"},
		{"https://attacker.example/", "/review"},
		{"//attacker.example/", "/review"},
		{"/\\attacker.example", "/review"},
		{"javascript:alert(1)", "/review"},
		{"", "/review"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := localReturn(tc.in, "/review"); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFilingPageWithoutText(t *testing.T) {
	store := newTestStore(t, testResult(t))
	srv, err := New(Config{Store: store, Document: func(ctx context.Context, f schemas.Filing) (*schemas.Document, error) {
		return nil, errors.New("source of the test filing not found")
	}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	status, body, _ := get(t, ts.Client(), ts.URL+"/filing/"+testDocID)
	if status != http.StatusOK {
		t.Fatalf("got status %d, want 200", status)
	}
	if !strings.Contains(body, "The document text is not available: source of the test filing not found") {
		t.Errorf("page lacks the reason the text is missing")
	}
	if strings.Contains(body, "<mark ") {
		t.Errorf("page without text has highlights")
	}
	if !strings.Contains(body, `href="#metric-2000000000000002"`) {
		t.Errorf("page without text lacks the item list")
	}
}

func TestFileStoreSkipsInvalidRow(t *testing.T) {
	for _, tc := range []struct {
		name, table, line string
		wantLine          int
	}{
		{"truncated risk", "risks", "{\"doc_id\": truncated\n", 2},
		{"truncated filing", "filings", "{\"doc_id\": broken", 2},
		{"two values on a line", "metrics", "{} {}\n", 2},
		{"array", "guidance", "[1, 2]\n", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t, "")
			path := filepath.Join(ts.store.Dir(), tc.table+".json")
			f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString(tc.line)
			f.Close()

			items, err := ts.store.Items(context.Background(), testDocID)
			if err != nil {
				t.Fatalf("got error %v, want the bad row skipped", err)
			}
			if len(items) != 3 {
				t.Errorf("got %d items, want 3", len(items))
			}
			for _, p := range []string{"/", "/review", "/filing/" + testDocID} {
				status, body, _ := get(t, ts.Client(), ts.URL+p)
				if status != http.StatusOK {
					t.Errorf("%s: got status %d, want 200", p, status)
				}
				want := fmt.Sprintf("%s line %d:", path, tc.wantLine)
				if !strings.Contains(body, "1 unreadable row was skipped") || !strings.Contains(body, want) {
					t.Errorf("%s: page lacks the notice naming %q", p, want)
				}
			}
			skipped := ts.store.SkippedRows()
			if len(skipped) != 1 || skipped[0].Path != path || skipped[0].Line != tc.wantLine {
				t.Errorf("got skipped rows %v, want %s line %d", skipped, path, tc.wantLine)
			}
		})
	}
}

func TestFileStoreLogsSkippedRowOnce(t *testing.T) {
	store := newTestStore(t, testResult(t))
	var log strings.Builder
	logged, err := NewFileStore(store.Dir(), slog.New(slog.NewTextHandler(&log, nil)))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(store.Dir(), "risks.json")
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("{\"doc_id\": truncated\n")
	f.Close()
	for range 3 {
		if _, err := logged.NeedsReview(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if got := strings.Count(log.String(), "row skipped"); got != 1 {
		t.Errorf("got %d log lines about the bad row, want 1:\n%s", got, log.String())
	}
	if !strings.Contains(log.String(), "line=2") || !strings.Contains(log.String(), path) {
		t.Errorf("log lacks the file and line:\n%s", log.String())
	}
}

func TestQueuePages(t *testing.T) {
	res := testResult(t)
	base := res.Metrics[0]
	res.Metrics = nil
	for i := range 250 {
		m := base
		m.ID = fmt.Sprintf("%016x", 0x5000000000000000+i)
		res.Metrics = append(res.Metrics, m)
	}
	srv, err := New(Config{Store: newTestStore(t, res)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	for _, tc := range []struct {
		query   string
		entries int
		want    []string
	}{
		{"", 100, []string{"250 of 250 items", `href="/review?page=2" rel="next"`}},
		{"?kind=metric&page=2", 100, []string{`href="/review?kind=metric&amp;page=1" rel="prev"`, `href="/review?kind=metric&amp;page=3" rel="next"`}},
		{"?kind=metric&page=3", 50, []string{"page 3", `rel="prev"`}},
		{"?page=99", 50, []string{"page 3"}},
		{"?page=x", 100, []string{"page 1"}},
	} {
		t.Run(tc.query, func(t *testing.T) {
			_, body, _ := get(t, ts.Client(), ts.URL+"/review"+tc.query)
			if got := strings.Count(body, `<li class="item"`); got != tc.entries {
				t.Errorf("got %d entries, want %d", got, tc.entries)
			}
			for _, want := range tc.want {
				if !strings.Contains(body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
		})
	}
}
