package rules

import (
	"context"
	"strings"
	"testing"

	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/schemas"
)

func TestTableGeographicColumnsNeedReview(t *testing.T) {
	text := "Sales by geographic area:\n\nYear ended December 31, 2025\n" +
		"North South Other\nRegion Region Unallocated Worldwide\n\n" +
		"Net sales (millions) $ 4,200 $ 3,100 $ (5) $ 7,295\n"
	got, ok := tableMetricsOf(t, text)["revenue"]
	if !ok {
		t.Fatal("revenue: got no candidate")
	}
	if got.Confidence >= 0.5 {
		t.Errorf("confidence of %s: got %.2f, want below 0.5", got.Value, got.Confidence)
	}
	if got.ReviewReason != reasonQualifiedMetric {
		t.Errorf("review reason: got %q, want %q", got.ReviewReason, reasonQualifiedMetric)
	}
}

func TestTableQuarterColumnsGetOwnPeriod(t *testing.T) {
	text := "Selected Quarterly Financial Data (Unaudited)\n\n" +
		"December 31 September 30 June 30 March 31\n(in thousands, except for per share data)\n2025\n\n" +
		"Gross profit 900,000 800,000 700,000 600,000\n" +
		"Basic $ 0.40 $ 0.30 $ 0.20 $ 0.10\n2024\n\n" +
		"Gross profit 500,000 400,000 300,000 200,000\n" +
		"Basic $ 0.16 $ 0.12 $ 0.10 $ 0.06\n"
	resp, err := New().Extract(context.Background(), request(passes.KindMetric, passes.PassPrimary, "financial_statements", text))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"gross_profit 900000000": "2025-12-31",
		"eps_basic 0.4":          "2025-12-31",
		"gross_profit 500000000": "2024-12-31",
		"eps_basic 0.16":         "2024-12-31",
	}
	got := map[string]passes.MetricCandidate{}
	for _, m := range resp.Metrics {
		got[m.Metric+" "+m.Value] = m
	}
	for key, end := range want {
		m, ok := got[key]
		if !ok {
			t.Errorf("%s: got no candidate, have %v", key, keys(got))
			continue
		}
		if m.PeriodEnd != end {
			t.Errorf("%s: period end got %q, want %q", key, m.PeriodEnd, end)
		}
		if m.Confidence >= 0.5 {
			t.Errorf("%s: confidence got %.2f, want below 0.5", key, m.Confidence)
		}
		if m.ReviewReason != reasonQuarterColumn {
			t.Errorf("%s: review reason got %q, want %q", key, m.ReviewReason, reasonQuarterColumn)
		}
	}
}

func keys(m map[string]passes.MetricCandidate) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestTableScaleFromSectionHeading(t *testing.T) {
	text := "Item 7—Management's Discussion and Analysis (amounts in millions, except per share data)\n\n" +
		strings.Repeat("Results of operations are discussed below for the reader who wants the detail of each line.\n", 60) +
		"Net Sales\n\n2025 2024 2023\n\nNet Sales $ 192,052 $ 163,220 $ 149,351\n"
	got, ok := tableMetricsOf(t, text)["revenue"]
	if !ok {
		t.Fatal("revenue: got no candidate")
	}
	if got.Value != "192052000000" {
		t.Errorf("value: got %s, want 192052000000", got.Value)
	}
	if got.Confidence >= 0.5 {
		t.Errorf("confidence: got %.2f, want below 0.5", got.Confidence)
	}
	if got.ReviewReason != reasonSectionScale {
		t.Errorf("review reason: got %q, want %q", got.ReviewReason, reasonSectionScale)
	}
}

func TestTableScaleFromTableCaption(t *testing.T) {
	text := "Statement of income\n2025 2024\nNet sales 5,200 4,900\n"
	req := request(passes.KindMetric, passes.PassPrimary, "financial_statements", text)
	req.Document.Tables = []schemas.Table{{Start: 0, End: len(text), Caption: "(in thousands)"}}
	resp, err := New().Extract(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range resp.Metrics {
		if m.Metric != "revenue" {
			continue
		}
		if m.Value != "5200000" {
			t.Errorf("value: got %s, want 5200000", m.Value)
		}
		if m.Confidence < 0.5 {
			t.Errorf("confidence: got %.2f, want at least 0.5", m.Confidence)
		}
		return
	}
	t.Error("revenue: got no candidate")
}

func TestSentenceMetricsQualifiedNeedReview(t *testing.T) {
	tests := []struct{ name, text string }{
		{"channel", "Sales fell in most categories. Online revenue of $2.8 billion in the second quarter decreased 7.1%."},
		{"segment", "Revenues for the widget segment for the three months ended June 30, 2025 was $891 million."},
		{"geography", "International net sales were $4.1 billion for the year ended December 31, 2025."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sentenceMetrics(0, passes.Chunk{Text: tt.text}, periodsOf(tt.text))
			if len(got) != 1 {
				t.Fatalf("got %+v, want one candidate", got)
			}
			if got[0].Confidence >= 0.5 {
				t.Errorf("confidence: got %.2f, want below 0.5", got[0].Confidence)
			}
			if got[0].ReviewReason != reasonQualifiedMetric {
				t.Errorf("review reason: got %q, want %q", got[0].ReviewReason, reasonQualifiedMetric)
			}
		})
	}
}

func TestSentenceMetricsSkipCostOfRevenues(t *testing.T) {
	text := "Depreciation included in cost of revenues for the three months ended June 30, 2024 was $885 million."
	if got := sentenceMetrics(0, passes.Chunk{Text: text}, periodsOf(text)); len(got) != 0 {
		t.Errorf("got %+v, want no candidate", got)
	}
}

func TestSentenceMetricsPeriodInsideQuote(t *testing.T) {
	text := "Three Months Ended June 30, 2025\nNet income for the three months ended June 30, 2024 was $85 million."
	got := sentenceMetrics(0, passes.Chunk{Text: text}, periodsOf(text))
	if len(got) != 1 {
		t.Fatalf("got %+v, want one candidate", got)
	}
	if got[0].PeriodEnd != "2024-06-30" {
		t.Errorf("period end: got %q, want 2024-06-30", got[0].PeriodEnd)
	}
}

func TestGuidancePeriodSkipsComparison(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"heading over comparison", "Second Quarter 2031 Guidance\n• Net sales are expected to be between $9.0 billion and $9.5 billion, compared with second quarter 2030.\n", "Second Quarter 2031"},
		{"growth over base", "Fiscal 2031 Guidance\n\nThe Company expects:\n• Free cash flow of approximately $500 million to $600 million, representing growth over fiscal 2030.\n", "Fiscal 2031"},
		{"own target period", "Outlook\nThe Company expects revenue of $2.0 billion to $2.2 billion in fiscal 2031, compared with $1.9 billion in fiscal 2030.\n", "fiscal 2031"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := findGuidance(context.Background(), request(passes.KindGuidance, passes.PassPrimary, "outlook", tt.text), nil)
			if len(got) == 0 {
				t.Fatal("got no candidate")
			}
			if got[0].Period != tt.want {
				t.Errorf("period of %q: got %q, want %q", got[0].Quote, got[0].Period, tt.want)
			}
		})
	}
}

func TestGuidanceOutlookLabelOpensBullet(t *testing.T) {
	text := "Highlights\n• Fiscal 2031 outlook: Adjusted EPS of 70-74 cents per share. Adjusted Free Cash Flow of $900-990\nmillion.\n"
	got := findGuidance(context.Background(), request(passes.KindGuidance, passes.PassPrimary, "", text), nil)
	found := false
	for _, g := range got {
		if g.Metric == "free_cash_flow" {
			found = true
			if g.Low != "900" || g.High != "990" || g.Scale != 6 {
				t.Errorf("got %s..%s e%d, want 900..990 e6", g.Low, g.High, g.Scale)
			}
		}
	}
	if !found {
		t.Errorf("got %+v, want a free_cash_flow candidate", got)
	}
}

func TestTableDatesOverYearsAreNoQuarters(t *testing.T) {
	text := "Consolidated Statements of Operations\n(In thousands, except per share data)\nThree Months Ended\n" +
		"Sep 30 Jul 1 Oct 1\n2026 2026 2025\n\nNet revenues $ 30,826 $ 29,288 $ 22,473\n"
	got, ok := tableMetricsOf(t, text)["revenue"]
	if !ok {
		t.Fatal("revenue: got no candidate")
	}
	if got.Value != "30826000" || got.PeriodEnd != "2026-09-30" {
		t.Errorf("got %s for %q, want 30826000 for 2026-09-30", got.Value, got.PeriodEnd)
	}
	if got.Confidence < 0.5 {
		t.Errorf("confidence: got %.2f, want at least 0.5", got.Confidence)
	}
}

func TestTablePeriodStartFromLengthHeader(t *testing.T) {
	tests := []struct {
		name, header, row, wantValue, wantStart, wantEnd string
	}{
		{"one length", "Twelve Months Ended June 30,\nGAAP results 2029 $ million 2030 $ million\n", "Net sales 14,544 14,694\n", "14694000000", "2029-07-01", "2030-06-30"},
		{"first of two lengths", "Three Months Ended June 30, Twelve Months Ended June 30,\n($ million, except per share amounts) 2029 2030 2029 2030\n", "Net sales 3,909 3,673 14,544 14,694\n", "3673000000", "2030-04-01", "2030-06-30"},
		{"fiscal calendar", "Three Months Ended\nJuly 29, 2030 July 30, 2029\n(in millions)\n", "Revenue $ 9,583 $ 10,330\n", "9583000000", "2030-04-30", "2030-07-29"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tableMetricsOf(t, "Statements of income\n"+tt.header+"\n"+tt.row)["revenue"]
			if !ok {
				t.Fatal("revenue: got no candidate")
			}
			if got.Value != tt.wantValue {
				t.Errorf("value: got %s, want %s", got.Value, tt.wantValue)
			}
			if got.PeriodStart != tt.wantStart || got.PeriodEnd != tt.wantEnd {
				t.Errorf("period: got %s..%s, want %s..%s", got.PeriodStart, got.PeriodEnd, tt.wantStart, tt.wantEnd)
			}
		})
	}
}

func TestSentencePeriodStartFromHeader(t *testing.T) {
	text := "For the six months ended July 29, 2030, net income was $518 million."
	got := sentenceMetrics(0, passes.Chunk{Text: text}, periodsOf(text))
	if len(got) != 1 {
		t.Fatalf("got %+v, want one candidate", got)
	}
	if got[0].PeriodStart != "2030-01-30" || got[0].PeriodEnd != "2030-07-29" {
		t.Errorf("period: got %s..%s, want 2030-01-30..2030-07-29", got[0].PeriodStart, got[0].PeriodEnd)
	}
}

func TestSentenceMetricsSkipExcludedPart(t *testing.T) {
	text := "Diluted EPS for the three months ended June 30, 2030 excludes net income attributable to shares to be repurchased under forward contracts of $1 million."
	for _, m := range sentenceMetrics(0, passes.Chunk{Text: text}, periodsOf(text)) {
		if m.Metric == passes.MetricNetIncome {
			t.Errorf("got net income %s from %q, want none", m.Value, m.Quote)
		}
	}
}

func TestSentencePairedLengthsNoStart(t *testing.T) {
	text := "During the three and six months ended June 30, 2030, we recognized total revenues of $22.50 billion and $41.83 billion, respectively."
	got := sentenceMetrics(0, passes.Chunk{Text: text}, periodsOf(text))
	if len(got) != 1 {
		t.Fatalf("got %+v, want one candidate", got)
	}
	if got[0].PeriodStart != "" || got[0].PeriodEnd != "2030-06-30" {
		t.Errorf("period: got %q..%q, want no start and end 2030-06-30", got[0].PeriodStart, got[0].PeriodEnd)
	}
}
