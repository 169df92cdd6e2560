package passes

import (
	"context"
	"testing"

	"github.com/finx-dev/finx/schemas"
)

// conflictDoc is a filing whose MD&A gives a part of the company's sales as
// a sentence figure and whose statements give the company's sales.
func conflictDoc() *schemas.Document {
	doc := testDoc()
	doc.Sections = []schemas.Section{
		{ID: "item_7", Start: at(doc, "Item 7."), End: at(doc, "Item 8.")},
		{ID: "item_8", Start: at(doc, "Item 8."), End: len(doc.Text)},
		{ID: statementSection, Start: at(doc, "Net sales\t"), End: len(doc.Text)},
	}
	return doc
}

func salesCandidate(doc *schemas.Document, quote, value, source string) MetricCandidate {
	return MetricCandidate{
		Hint: Hint{Chunk: -1, Offset: at(doc, quote)}, Quote: quote, Metric: MetricRevenue, Label: "net sales",
		Value: value, Display: quote, Scale: 6, Unit: "USD", Currency: "USD",
		PeriodType: "duration", PeriodEnd: "2025-12-31", Source: source, Confidence: 0.7,
	}
}

func TestConflictingValuesNeedReview(t *testing.T) {
	doc := conflictDoc()
	// The sentence states $1,234 million; the candidate claims another
	// value for the same metric and period.
	text := salesCandidate(doc, "$1,234 million", "999000000", "text")
	text.Display = "999"
	tests := []struct {
		name       string
		cands      []MetricCandidate
		wantStatus map[string]string
	}{
		{
			name:       "statement figure stays accepted",
			cands:      []MetricCandidate{salesCandidate(doc, "1,234\t1,100", "1234000000", "table"), text},
			wantStatus: map[string]string{"table": schemas.StatusAccepted, "text": schemas.StatusNeedsReview},
		},
		{
			name:       "agreeing figures stay accepted",
			cands:      []MetricCandidate{salesCandidate(doc, "1,234\t1,100", "1234000000", "table"), salesCandidate(doc, "$1,234 million", "1234000000", "text")},
			wantStatus: map[string]string{"table": schemas.StatusAccepted, "text": schemas.StatusAccepted},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &fakeProvider{resp: map[Kind]map[Pass]Response{KindMetric: {PassPrimary: {Metrics: tt.cands}}}}
			res, err := Run(context.Background(), doc, p, Config{})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range res.Metrics {
				want, ok := tt.wantStatus[m.Source]
				if !ok {
					continue
				}
				if m.Status != want {
					t.Errorf("%s %s: status got %q (%s), want %q", m.Source, m.Value, m.Status, m.ReviewReason, want)
				}
				if want == schemas.StatusNeedsReview && m.ReviewReason != reasonConflictingValues {
					t.Errorf("%s %s: reason got %q, want %q", m.Source, m.Value, m.ReviewReason, reasonConflictingValues)
				}
				delete(tt.wantStatus, m.Source)
			}
			for source := range tt.wantStatus {
				t.Errorf("%s: got no metric", source)
			}
		})
	}
}

func TestConflictOutsideStatementsNeedsReview(t *testing.T) {
	doc := conflictDoc()
	doc.Sections = doc.Sections[:2]
	a := salesCandidate(doc, "1,234\t1,100", "1234000000", "table")
	b := salesCandidate(doc, "$1,234 million", "999000000", "text")
	b.Display = "999"
	p := &fakeProvider{resp: map[Kind]map[Pass]Response{KindMetric: {PassPrimary: {Metrics: []MetricCandidate{a, b}}}}}
	res, err := Run(context.Background(), doc, p, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Metrics) != 2 {
		t.Fatalf("got %d metrics, want 2", len(res.Metrics))
	}
	for _, m := range res.Metrics {
		if m.Status != schemas.StatusNeedsReview || m.ReviewReason != reasonConflictingValues {
			t.Errorf("%s %s: got %s (%s), want needs_review (%s)", m.Source, m.Value, m.Status, m.ReviewReason, reasonConflictingValues)
		}
	}
}

func TestGuidanceDuplicateTakesDirection(t *testing.T) {
	doc := testDoc()
	start := len(doc.Text)
	doc.Text += "Outlook\nOperating margin ~11.4%\n• Raises operating margin guidance to ~11.4%\n"
	doc.Sections = []schemas.Section{{ID: "outlook", Start: start, End: len(doc.Text)}}
	cell := GuidanceCandidate{
		Hint: Hint{Chunk: -1, Offset: at(doc, "~11.4%\n")}, Quote: "~11.4%", Metric: "operating_margin",
		Period: "fiscal 2026", Low: "11.4", High: "11.4", Unit: "percent", Basis: "gaap", Direction: "unspecified", Confidence: 0.75,
	}
	sentence := cell
	sentence.Quote, sentence.Direction = "Raises operating margin guidance to ~11.4%", "raised"
	sentence.Offset = at(doc, sentence.Quote)
	p := &fakeProvider{resp: map[Kind]map[Pass]Response{KindGuidance: {PassPrimary: {Guidance: []GuidanceCandidate{cell, sentence}}}}}
	res, err := Run(context.Background(), doc, p, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Guidance) != 2 {
		t.Fatalf("got %d guidance items, want 2", len(res.Guidance))
	}
	first, repeat := res.Guidance[0], res.Guidance[1]
	if first.Direction != "raised" {
		t.Errorf("direction: got %q, want raised", first.Direction)
	}
	if first.Status != schemas.StatusAccepted {
		t.Errorf("first item: status got %q, want accepted", first.Status)
	}
	if repeat.Status != schemas.StatusNeedsReview || repeat.ReviewReason != reasonRepeatedTarget {
		t.Errorf("repetition: got %s (%s), want needs_review (%s)", repeat.Status, repeat.ReviewReason, reasonRepeatedTarget)
	}
}

func TestFactCheckerOtherConceptWithoutMetricFact(t *testing.T) {
	checker := newFactChecker([]schemas.Fact{
		{Concept: "us-gaap:PropertyPlantAndEquipmentNet", Value: "9141000000", Numeric: true, Instant: "2026-07-26"},
	})
	m := schemas.Metric{Metric: MetricOther, Value: "9141000000", Display: "9,141", Scale: 6, PeriodType: "instant", PeriodEnd: "2026-07-26"}
	result, reason := checker.check(&m)
	if result != "no_fact" || reason != reasonOtherFact {
		t.Errorf("got %q %q, want no_fact %q", result, reason, reasonOtherFact)
	}
}

func TestConflictPeriodLengths(t *testing.T) {
	quarter := schemas.Metric{Value: "3673000000", Display: "3,673", Scale: 6, PeriodStart: "2030-04-01", PeriodEnd: "2030-06-30"}
	year := schemas.Metric{Value: "14694000000", Display: "14,694", Scale: 6, PeriodStart: "2029-07-01", PeriodEnd: "2030-06-30"}
	unknown := schemas.Metric{Value: "3673000000", Display: "3,673", Scale: 6, PeriodEnd: "2030-06-30"}
	rounded := schemas.Metric{Value: "3700000000", Display: "3.7", Scale: 9, PeriodStart: "2030-04-01", PeriodEnd: "2030-06-30"}
	tests := []struct {
		name string
		x, y schemas.Metric
		want bool
	}{
		{"quarter and year", quarter, year, true},
		{"unknown length and year", unknown, year, false},
		{"unknown length and quarter", unknown, quarter, true},
		{"rounded print", quarter, rounded, true},
	}
	r := &runner{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.pairAgrees(&tt.x, &tt.y); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSamePeriodAllowsStartSkew(t *testing.T) {
	fact := schemas.Fact{PeriodStart: "2029-10-01", PeriodEnd: "2030-09-28"}
	tests := []struct {
		name, start string
		want        bool
	}{
		{"calendar start of a 52-week year", "2029-09-29", true},
		{"no start", "", true},
		{"six months", "2030-03-29", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := schemas.Metric{PeriodType: "duration", PeriodStart: tt.start, PeriodEnd: "2030-09-28"}
			if got := samePeriod(&m, fact); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestProviderReviewReason(t *testing.T) {
	doc := conflictDoc()
	c := salesCandidate(doc, "$1,234 million", "1234000000", "text")
	c.ReviewReason = "qualified_metric"
	p := &fakeProvider{resp: map[Kind]map[Pass]Response{KindMetric: {PassPrimary: {Metrics: []MetricCandidate{c}}}}}
	res, err := Run(context.Background(), doc, p, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Metrics) != 1 {
		t.Fatalf("got %d metrics, want 1", len(res.Metrics))
	}
	if m := res.Metrics[0]; m.Status != schemas.StatusNeedsReview || m.ReviewReason != "qualified_metric" {
		t.Errorf("got %s (%s), want needs_review (qualified_metric)", m.Status, m.ReviewReason)
	}
}
