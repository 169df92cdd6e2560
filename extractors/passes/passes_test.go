package passes

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/finx-dev/finx/schemas"
)

// fakeProvider returns fixed candidates per kind and pass and records the
// requests it got. Run calls it from one goroutine per kind.
type fakeProvider struct {
	resp     map[Kind]map[Pass]Response
	mu       sync.Mutex
	requests []Request
	err      error
}

func (f *fakeProvider) Name() string { return "fake" }

func (f *fakeProvider) Extract(_ context.Context, req Request) (Response, error) {
	f.mu.Lock()
	f.requests = append(f.requests, req)
	f.mu.Unlock()
	if f.err != nil {
		return Response{}, f.err
	}
	return f.resp[req.Kind][req.Pass], nil
}

const testDocID = "0000000000000000000000000000000000000000000000000000000000000001"

func testDoc() *schemas.Document {
	text := "ANNUAL REPORT\n" +
		"Item 1. Business\n" +
		"We make widgets and sell them to customers around the world through several channels of distribution.\n" +
		"Item 1A. Risk Factors\n" +
		"Our suppliers’ failure could disrupt production.\n" +
		"We rely on a few suppliers for key parts, and a failure of any of them could materially adversely affect our results and our ability to deliver products.\n" +
		"Cyberattacks could harm our systems.\n" +
		"Attackers may break into our network, steal data, and stop our plants for days, which would cost us customers and money.\n" +
		"Item 7. Management’s Discussion and Analysis\n" +
		"Net sales for the year ended December 31, 2025 were $1,234 million, up from the prior year on higher volumes across regions.\n" +
		"Item 8. Financial Statements\n" +
		"Net sales\t1,234\t1,100\n"
	return &schemas.Document{
		Filing: schemas.Filing{DocID: testDocID, SourcePath: "test.txt", MediaType: schemas.MediaText, Form: "10-K"},
		Text:   text,
	}
}

func at(doc *schemas.Document, s string) int { return strings.Index(doc.Text, s) }

func TestRunResultIsValid(t *testing.T) {
	doc := testDoc()
	netSales := at(doc, "1,234\t1,100")
	p := &fakeProvider{resp: map[Kind]map[Pass]Response{
		KindRisk: {
			PassPrimary: {Risks: []RiskCandidate{
				// Straight apostrophe: matches only after normalising.
				{Hint: Hint{Chunk: 0, Offset: -1}, Quote: "Our suppliers' failure could disrupt production.", Category: "supply_chain", Severity: "medium", Confidence: 0.9},
				{Hint: Hint{Chunk: 0, Offset: -1}, Quote: "This heading is not in the document.", Category: "other", Severity: "low", Confidence: 0.9},
			}},
			PassRecall: {Risks: []RiskCandidate{
				{Hint: Hint{Chunk: 0, Offset: -1}, Quote: "Cyberattacks could harm our systems.", Category: "cybersecurity", Severity: "medium", Confidence: 0.7},
				// Found again by the recall pass: merged, not duplicated.
				{Hint: Hint{Chunk: 0, Offset: -1}, Quote: "Our suppliers’ failure could disrupt production.", Category: "supply_chain", Severity: "medium", Confidence: 0.9},
			}},
		},
		KindMetric: {PassPrimary: {Metrics: []MetricCandidate{
			{Hint: Hint{Chunk: -1, Offset: netSales}, Quote: "1,234", Metric: MetricRevenue, Label: "Net sales", Value: "1234000000", Display: "1,234", Scale: 6, Unit: "USD", PeriodType: "duration", PeriodEnd: "2025-12-31", Source: "table", Confidence: 0.7},
			{Hint: Hint{Chunk: -1, Offset: -1}, Quote: "1,234", Value: "not a number"},
		}}},
		KindGuidance: {},
	}}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	res, err := Run(context.Background(), doc, p, Config{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if _, err := schemas.Marshal(schemas.SchemaResult, res); err != nil {
		t.Fatalf("result does not validate: %v", err)
	}
	if !res.ExtractedAt.Equal(now) {
		t.Errorf("ExtractedAt: got %v, want %v", res.ExtractedAt, now)
	}
	if res.Provider != "fake" || res.SchemaVersion != schemas.SchemaVersion {
		t.Errorf("provider, version: got %q %d, want fake %d", res.Provider, res.SchemaVersion, schemas.SchemaVersion)
	}
	if len(res.Risks) != 2 {
		t.Fatalf("risks: got %d, want 2: %+v", len(res.Risks), res.Risks)
	}
	first := res.Risks[0]
	if first.Citation.Match != schemas.MatchNormalized {
		t.Errorf("first risk match: got %q, want normalized", first.Citation.Match)
	}
	if got := doc.Text[first.Citation.Start:first.Citation.End]; got != first.Citation.Quote {
		t.Errorf("quote is not Text[Start:End]: got %q, want %q", first.Citation.Quote, got)
	}
	if first.Citation.Quote != "Our suppliers’ failure could disrupt production." {
		t.Errorf("first risk quote: got %q", first.Citation.Quote)
	}
	if first.Section != "item_1a" {
		t.Errorf("first risk section: got %q, want item_1a", first.Section)
	}
	if first.BodyStart != first.Citation.End || first.BodyEnd != res.Risks[1].Citation.Start {
		t.Errorf("first risk body: got [%d,%d), want [%d,%d)", first.BodyStart, first.BodyEnd, first.Citation.End, res.Risks[1].Citation.Start)
	}
	wantChars := len([]rune(doc.Text[:first.Citation.Start]))
	if first.Citation.CharStart != wantChars {
		t.Errorf("CharStart: got %d, want %d", first.Citation.CharStart, wantChars)
	}
	if first.Citation.SourceOffset != -1 {
		t.Errorf("SourceOffset without segments: got %d, want -1", first.Citation.SourceOffset)
	}
	if res.Stats.Rejected != 1 {
		t.Errorf("Rejected: got %d, want 1", res.Stats.Rejected)
	}
	if res.Stats.CitationsChecked != res.Stats.CitationsVerified+res.Stats.Rejected {
		t.Errorf("stats: checked %d != verified %d + rejected %d", res.Stats.CitationsChecked, res.Stats.CitationsVerified, res.Stats.Rejected)
	}
	if len(res.Metrics) != 1 {
		t.Fatalf("metrics: got %d, want 1", len(res.Metrics))
	}
	if m := res.Metrics[0]; m.Citation.Start != netSales || m.XBRLCheck != "no_fact" {
		t.Errorf("metric: got start %d check %s, want %d no_fact", m.Citation.Start, m.XBRLCheck, netSales)
	}
	if !containsPrefix(res.Warnings, "passes: dropped 1 malformed metric") {
		t.Errorf("warnings: got %q, want a malformed metric warning", res.Warnings)
	}
	// The recall request carries what the primary pass found.
	for _, req := range p.requests {
		if req.Kind == KindRisk && req.Pass == PassRecall && len(req.Known) != 1 {
			t.Errorf("recall Known: got %q, want 1 quote", req.Known)
		}
		if req.Kind == KindRisk && (len(req.Chunks) != 1 || req.Chunks[0].Section != "item_1a") {
			t.Errorf("risk chunks: got %+v, want Item 1A only", req.Chunks)
		}
	}
}

func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

func TestRunIDsDeterministic(t *testing.T) {
	doc := testDoc()
	p := &fakeProvider{resp: map[Kind]map[Pass]Response{KindRisk: {PassPrimary: {Risks: []RiskCandidate{
		{Hint: Hint{Offset: -1}, Quote: "Cyberattacks could harm our systems.", Category: "cybersecurity", Severity: "medium", Confidence: 0.8},
	}}}}}
	a, err := Run(context.Background(), doc, p, Config{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(context.Background(), doc, p, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Risks[0].ID != b.Risks[0].ID || len(a.Risks[0].ID) != 16 {
		t.Errorf("IDs: got %q and %q, want equal 16-digit IDs", a.Risks[0].ID, b.Risks[0].ID)
	}
	if want := ItemID(testDocID, KindRisk, "cyberattacks could harm our systems."); a.Risks[0].ID != want {
		t.Errorf("ID: got %s, want %s", a.Risks[0].ID, want)
	}
}

func TestRunXBRLCheck(t *testing.T) {
	doc := testDoc()
	doc.Facts = []schemas.Fact{{
		Concept: "us-gaap:Revenues", Numeric: true, Value: "1234000000", Unit: "USD", Scale: 6,
		PeriodStart: "2025-01-01", PeriodEnd: "2025-12-31",
	}}
	tests := []struct {
		name, value, periodType, periodEnd, want, status string
	}{
		{"agree", "1234000000", "duration", "2025-12-31", "agree", schemas.StatusAccepted},
		{"disagree", "1334000000", "duration", "2025-12-31", "disagree", schemas.StatusNeedsReview},
		{"other period", "1234000000", "duration", "2024-12-31", "no_fact", schemas.StatusAccepted},
		{"unknown period takes fact period", "1234000000", "unknown", "", "agree", schemas.StatusAccepted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &fakeProvider{resp: map[Kind]map[Pass]Response{KindMetric: {PassPrimary: {Metrics: []MetricCandidate{{
				Hint: Hint{Chunk: -1, Offset: -1}, Quote: "$1,234 million", Metric: MetricRevenue, Value: tt.value,
				Display: "1,234", Scale: 6, Unit: "USD", PeriodType: tt.periodType, PeriodEnd: tt.periodEnd, Source: "text", Confidence: 0.9,
			}}}}}}
			res, err := Run(context.Background(), doc, p, Config{NoRecall: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Metrics) != 1 {
				t.Fatalf("metrics: got %d, want 1", len(res.Metrics))
			}
			m := res.Metrics[0]
			if m.XBRLCheck != tt.want {
				t.Errorf("XBRLCheck: got %s, want %s", m.XBRLCheck, tt.want)
			}
			if m.Status != tt.status {
				t.Errorf("Status: got %s, want %s", m.Status, tt.status)
			}
		})
	}
}

func TestRunProviderError(t *testing.T) {
	boom := errors.New("boom")
	_, err := Run(context.Background(), testDoc(), &fakeProvider{err: boom}, Config{})
	var pe *ProviderError
	if !errors.As(err, &pe) || !errors.Is(err, boom) {
		t.Fatalf("error: got %v, want a ProviderError wrapping boom", err)
	}
	if pe.Kind != KindRisk || pe.Pass != PassPrimary {
		t.Errorf("failed pass: got %s %s, want risk primary", pe.Kind, pe.Pass)
	}
}

func TestRunInvalidInput(t *testing.T) {
	if _, err := Run(context.Background(), nil, &fakeProvider{}, Config{}); !errors.Is(err, ErrNoDocument) {
		t.Errorf("nil document: got %v, want ErrNoDocument", err)
	}
	if _, err := Run(context.Background(), testDoc(), nil, Config{}); !errors.Is(err, ErrNoProvider) {
		t.Errorf("nil provider: got %v, want ErrNoProvider", err)
	}
	if _, err := Run(context.Background(), testDoc(), &fakeProvider{}, Config{ReviewBelow: 2}); err == nil {
		t.Error("ReviewBelow 2: got nil error, want invalid config")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, testDoc(), &fakeProvider{}, Config{}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled context: got %v, want context.Canceled", err)
	}
}

func TestLocate(t *testing.T) {
	text := "Revenue was $5 million.\nThe Company’s “core” results—strong—beat the e\uFB03cient plan.\fRevenue was $5 million."
	doc := &schemas.Document{Text: text, Pages: []schemas.Page{{Number: 1, Start: 0, End: strings.Index(text, "\f") + 1}, {Number: 2, Start: strings.Index(text, "\f") + 1, End: len(text)}}}
	l := newLocator(doc)
	second := strings.LastIndex(text, "Revenue")
	tests := []struct {
		name      string
		quote     string
		lo, hi    int
		hint      int
		wantStart int
		wantQuote string
		wantMatch string
	}{
		{"exact first", "Revenue was $5 million.", 0, len(text), -1, 0, "Revenue was $5 million.", schemas.MatchExact},
		{"prefers chunk", "Revenue was $5 million.", second, len(text), -1, second, "Revenue was $5 million.", schemas.MatchExact},
		{"nearest hint", "Revenue was", 0, len(text), second + 3, second, "Revenue was", schemas.MatchExact},
		{"straight quotes and dashes", `The Company's "core" results-strong-beat`, 0, len(text), -1, strings.Index(text, "The"), "The Company’s “core” results—strong—beat", schemas.MatchNormalized},
		{"ligature", "the efficient plan", 0, len(text), -1, strings.Index(text, "the e"), "the e\uFB03cient plan", schemas.MatchNormalized},
		{"whitespace across lines", "$5 million. The Company’s", 0, len(text), -1, strings.Index(text, "$5"), "$5 million.\nThe Company’s", schemas.MatchNormalized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, end, match, ok := l.Locate(tt.quote, tt.lo, tt.hi, tt.hint)
			if !ok {
				t.Fatalf("Locate(%q): not found", tt.quote)
			}
			if start != tt.wantStart {
				t.Errorf("start: got %d, want %d", start, tt.wantStart)
			}
			if got := text[start:end]; got != tt.wantQuote {
				t.Errorf("span: got %q, want %q", got, tt.wantQuote)
			}
			if match != tt.wantMatch {
				t.Errorf("match: got %s, want %s", match, tt.wantMatch)
			}
		})
	}
	if _, _, _, ok := l.Locate("Revenue was $6 million.", 0, len(text), -1); ok {
		t.Error("Locate of an absent quote: got found, want not found")
	}
	c := l.Cite(second, second+7, schemas.MatchExact)
	if c.Page != 2 || c.SourceOffset != -1 {
		t.Errorf("Cite on page 2: got page %d source offset %d, want 2 and -1", c.Page, c.SourceOffset)
	}
	if want := len([]rune(text[:second])); c.CharStart != want {
		t.Errorf("CharStart: got %d, want %d", c.CharStart, want)
	}
}

func TestMetricForConcept(t *testing.T) {
	tests := map[string]string{
		"us-gaap:NetIncomeLoss":                  MetricNetIncome,
		"US-GAAP:Revenues":                       MetricRevenue,
		"dei:EntityCommonStockSharesOutstanding": MetricSharesOutstanding,
		"us-gaap:SomethingElse":                  "",
		"NoPrefix":                               "",
	}
	for concept, want := range tests {
		if got := MetricForConcept(concept); got != want {
			t.Errorf("MetricForConcept(%q): got %q, want %q", concept, got, want)
		}
	}
}
