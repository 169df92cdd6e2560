package rules

import (
	"context"
	"strings"
	"testing"

	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/schemas"
)

// tableMetricsOf runs the primary metric pass on text and returns the table
// candidates by metric.
func tableMetricsOf(t *testing.T, text string, facts ...schemas.Fact) map[string]passes.MetricCandidate {
	t.Helper()
	resp, err := New().Extract(context.Background(), request(passes.KindMetric, passes.PassPrimary, "financial_statements", text, facts...))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]passes.MetricCandidate{}
	for _, m := range resp.Metrics {
		if m.Source == "table" {
			out[m.Metric] = m
		}
	}
	return out
}

func TestTableScaleWrapsLine(t *testing.T) {
	text := "The following is a reconciliation of free cash flow for 2018 and 2019 (in\nmillions):\nYear Ended December 31,\n2018 2019\nFree cash flow $ 19,400 $ 25,825\n"
	got := tableMetricsOf(t, text)["free_cash_flow"]
	if got.Value != "25825000000" || got.Scale != 6 {
		t.Errorf("got %s e%d, want 25825000000 e6", got.Value, got.Scale)
	}
}

func TestTableWithoutScaleNeedsReview(t *testing.T) {
	text := "Gross Margin\n2021 2020 2019\nNet sales $ 192,052 $ 163,220 $ 149,351\n"
	got, ok := tableMetricsOf(t, text)["revenue"]
	if !ok {
		t.Fatal("revenue: got no candidate")
	}
	if got.Confidence >= 0.5 {
		t.Errorf("confidence: got %.2f, want below 0.5", got.Confidence)
	}
}

func TestTableSkipsEquityStatement(t *testing.T) {
	text := "(In millions)\n\tCommon Stock\tRetained Earnings\tTotal\nBalances as of Apr 28, 2024\t$\t25\t$\t36,598\t$\t49,142\nNet income\t—\t16,599\t16,599\n"
	if got, ok := tableMetricsOf(t, text)["net_income"]; ok {
		t.Errorf("got %+v, want no net income from an equity statement", got)
	}
}

func TestTableSkipsPercentOfRevenue(t *testing.T) {
	tests := []struct{ name, text string }{
		{"percent sign cell", "($ in millions)\n\t2025\t2024\nRevenue\t100.0\t%\t100.0\t%\n"},
		{"ratio table", "The following table sets forth items expressed as a percentage of revenue.\n2025\t2024\nRevenue\t100.0\t100.0\nGross profit\t72.4\t75.1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tableMetricsOf(t, tt.text)
			if len(got) != 0 {
				t.Errorf("got %v, want no figures from a percentage table", got)
			}
		})
	}
}

func TestTableSkipsNoncontrollingInterest(t *testing.T) {
	text := "(in millions)\nThree Months Ended June 30,\n2025\t2024\nNet income attributable to noncontrolling interests and redeemable noncontrolling interests in subsidiaries\t18\t16\n"
	if got, ok := tableMetricsOf(t, text)["net_income"]; ok {
		t.Errorf("got %+v, want no net income from the minority share", got)
	}
}

func TestTablePropertyIsInstant(t *testing.T) {
	text := "(in millions)\nApril 30, 2023 January 31, 2023\nProperty and equipment, net 3,695 3,702\n"
	got := tableMetricsOf(t, text)["other"]
	if got.PeriodType != "instant" || got.PeriodEnd != "2023-04-30" {
		t.Errorf("got %s %s, want instant 2023-04-30", got.PeriodType, got.PeriodEnd)
	}
}

func TestTableSegmentColumnsNeedReview(t *testing.T) {
	text := "Compute & Networking\tGraphics\tTotal\n(In millions)\nThree Months Ended Jul 27, 2025\nRevenue\t$\t41,331\t$\t5,412\t$\t46,743\n"
	got, ok := tableMetricsOf(t, text)["revenue"]
	if !ok {
		t.Fatal("revenue: got no candidate")
	}
	if got.Confidence >= 0.5 {
		t.Errorf("confidence: got %.2f, want below 0.5", got.Confidence)
	}
}

func TestTablePeriodAfterFactsNeedsReview(t *testing.T) {
	text := "(in millions)\nYears ended December 31,\n2026\t2025\nNet sales\t$\t500\t$\t400\n"
	fact := schemas.Fact{Concept: "us-gaap:Revenues", Numeric: true, Value: "400000000", PeriodStart: "2025-01-01", PeriodEnd: "2025-12-31"}
	got, ok := tableMetricsOf(t, text, fact)["revenue"]
	if !ok {
		t.Fatal("revenue: got no candidate")
	}
	if got.PeriodEnd != "2026-12-31" || got.Confidence >= 0.5 {
		t.Errorf("got end %s confidence %.2f, want 2026-12-31 below 0.5", got.PeriodEnd, got.Confidence)
	}
}

func TestTableFallbackPeriodOtherYear(t *testing.T) {
	text := "Net sales for the year ended September 30, 2023 rose.\nSegment Operating Performance\nThe segments are the Americas, Europe, Greater China, Japan and Rest of Asia Pacific.\nEach segment sells the same products.\nThe following table shows net sales (dollars in millions):\n2024\tChange\t2023\nTotal net sales\t$\t391,035\t2\t%\t$\t383,285\n"
	got := tableMetricsOf(t, text)["revenue"]
	if got.PeriodType != "unknown" || got.PeriodEnd != "" {
		t.Errorf("got %s %q, want an unknown period", got.PeriodType, got.PeriodEnd)
	}
}

func TestSentenceMetricsSkipOtherAmounts(t *testing.T) {
	tests := []struct{ name, text string }{
		{"difference", "Free cash flow was $1,846.4 million lower than net income for the year."},
		{"due to", "Cash provided was lower than net income for the year ended December 31, 2017 primarily due to $2,707.9 million of payments."},
		{"tax expense", "The effect on net income tax\nexpense of $17 million was small."},
		{"deferred revenue", "Deferred revenue (current portion) as of December 31, 2018 was $617 million."},
		{"table row", "revenues\t2\t%\t2\t%\nInterest expense primarily consists of interest on our Notes of $718 million."},
		{"effect", "The change led to a decrease in net sales and an increase in operating income for total year 2017 of $1 million."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, m := range sentenceMetrics(0, passes.Chunk{Text: tt.text}, periodsOf(tt.text)) {
				if m.Metric != passes.MetricEPSDiluted {
					t.Errorf("got %s=%s from %q, want none", m.Metric, m.Value, m.Quote)
				}
			}
		})
	}
}

func TestSentenceMetricsRegionNeedsReview(t *testing.T) {
	text := "Total U.S. revenues were $16.1 billion for the year ended December 31, 2024."
	got := sentenceMetrics(0, passes.Chunk{Text: text}, periodsOf(text))
	if len(got) != 1 {
		t.Fatalf("got %+v, want one candidate", got)
	}
	if got[0].Confidence >= 0.5 {
		t.Errorf("confidence: got %.2f, want below 0.5", got[0].Confidence)
	}
}

func TestGuidanceRangeUnitOnNextLine(t *testing.T) {
	text := "Outlook\n" +
		"    * The company expects that, depending upon the strength of turns\n" +
		"      orders, revenues are expected to be in the range of $30.8 million to $31.7\n" +
		"      million in the second quarter.\n"
	got := findGuidance(context.Background(), request(passes.KindGuidance, passes.PassPrimary, "outlook", text), nil)
	if len(got) != 1 {
		t.Fatalf("got %+v, want one candidate", got)
	}
	g := got[0]
	if g.Low != "30.8" || g.High != "31.7" || g.Scale != 6 || g.Metric != "revenue" {
		t.Errorf("got %s %s..%s e%d, want revenue 30.8..31.7 e6", g.Metric, g.Low, g.High, g.Scale)
	}
}

func TestGuidanceResultClauseNeedsReview(t *testing.T) {
	tests := []struct{ name, text, quote string }{
		{"comparison base", "This guidance implies 2023 core EPS of $7.27, a 7 percent increase compared to 2022 core EPS of $6.79.", "$6.79"},
		{"exceeded target", "Salesforce significantly exceeded our margin target for the quarter, up 1,000 basis points year-over-year.", "1,000 basis points"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			found := false
			for _, g := range findGuidance(context.Background(), request(passes.KindGuidance, passes.PassPrimary, "outlook", tt.text), nil) {
				if !strings.Contains(g.Quote, tt.quote) {
					continue
				}
				found = true
				if g.Confidence >= 0.5 {
					t.Errorf("%q: confidence %.2f, want below 0.5", g.Quote, g.Confidence)
				}
			}
			if !found {
				t.Errorf("no candidate quotes %q", tt.quote)
			}
		})
	}
}

func TestGuidancePastGuidanceNotForward(t *testing.T) {
	if isForward("Adjusted Free Cash Flow of $848 million, in line with guidance provided in May.") {
		t.Error("a result in line with earlier guidance: got forward, want not forward")
	}
	if !isForward("The Company now expects revenue of $10 million, in line with prior guidance.") {
		t.Error("a sentence with expects: got not forward, want forward")
	}
}

func TestGuidanceEquityIncomeMetric(t *testing.T) {
	text := "Equity in net income (loss) of investees is expected to be approximately $200,000 in the second quarter."
	got := findGuidance(context.Background(), request(passes.KindGuidance, passes.PassPrimary, "outlook", text), nil)
	if len(got) != 1 || got[0].Metric != "equity_income" {
		t.Errorf("got %+v, want one equity_income candidate", got)
	}
}

func TestTableAfterPercentCaption(t *testing.T) {
	text := "(2) Amounts include stock-based compensation expense as a percentage of total revenues, as follows:\n" +
		"2023 2022\nCost of revenues 1 % 1 %\nResearch and development 3 4\n" +
		"Condensed Consolidated Balance Sheets\n(in millions)\nApril 30, 2023 January 31, 2023\n" +
		"Cash and cash equivalents $ 9,155 $ 7,016\n"
	got, ok := tableMetricsOf(t, text)["cash"]
	if !ok || got.Value != "9155000000" {
		t.Errorf("cash: got %+v, want 9155000000 under the caption of the balance sheet", got)
	}
}

func TestGuidanceUnitLineBelowValues(t *testing.T) {
	text := "Q2 FY24 Full Year FY24\nGuidance Guidance\n\nRevenue $8.51 - $8.53 $34.5 - $34.7\nBillion Billion\nY/Y Growth ~10% ~10%\n"
	got := findGuidance(context.Background(), request(passes.KindGuidance, passes.PassPrimary, "outlook", text), nil)
	found := 0
	for _, g := range got {
		if g.Metric != "revenue" {
			continue
		}
		found++
		if g.Scale != 9 {
			t.Errorf("%s..%s: scale got %d, want 9", g.Low, g.High, g.Scale)
		}
	}
	if found == 0 {
		t.Errorf("got %+v, want revenue ranges", got)
	}
}

func TestGuidanceDollarsWithoutScaleNeedReview(t *testing.T) {
	text := "The Company expects revenue of $8.51 to $8.53 in the second quarter."
	got := findGuidance(context.Background(), request(passes.KindGuidance, passes.PassPrimary, "", text), nil)
	if len(got) != 1 || got[0].Confidence >= 0.5 {
		t.Errorf("got %+v, want one candidate below 0.5", got)
	}
}

func TestGuidanceOperatingIncomeMetric(t *testing.T) {
	text := "Operating income is expected to be between $3.0 billion and $4.2 billion in the first quarter."
	got := findGuidance(context.Background(), request(passes.KindGuidance, passes.PassPrimary, "", text), nil)
	if len(got) != 1 || got[0].Metric != "operating_income" {
		t.Errorf("got %+v, want one operating_income candidate", got)
	}
}

func TestTableParentCompanyNeedsReview(t *testing.T) {
	text := "Schedule II\nCONDENSED FINANCIAL INFORMATION OF THE REGISTRANT\nACME, INC.\n(PARENT COMPANY)\nBalance Sheets\nDecember 31, 2009 and 2008\n(Amounts in thousands, except per share data)\n2009\t2008\nAssets\nTotal assets\t$\t107,064\t97,993\n"
	got, ok := tableMetricsOf(t, text)["total_assets"]
	if !ok {
		t.Fatal("total assets: got no candidate")
	}
	if got.Confidence >= 0.5 {
		t.Errorf("confidence: got %.2f, want below 0.5", got.Confidence)
	}
}

func TestGuidancePercentIncreaseIsGrowth(t *testing.T) {
	text := "For 2023, we now expect our organic revenue to increase 8 percent and core EPS to increase 9 percent."
	got := findGuidance(context.Background(), request(passes.KindGuidance, passes.PassPrimary, "", text), nil)
	want := []string{"revenue_growth", "adjusted_eps_growth"}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %d candidates", got, len(want))
	}
	for i, w := range want {
		if got[i].Metric != w {
			t.Errorf("candidate %d: got %s, want %s", i, got[i].Metric, w)
		}
	}
}

func TestGuidancePeriodColumnsNeedReview(t *testing.T) {
	text := "Q2 FY24 Full Year FY24\nGuidance Guidance\n\nRevenue $8.51 - $8.53 $34.5 - $34.7\nBillion Billion\n"
	for _, g := range findGuidance(context.Background(), request(passes.KindGuidance, passes.PassPrimary, "outlook", text), nil) {
		if g.Confidence >= 0.5 {
			t.Errorf("%s..%s %q: confidence %.2f, want below 0.5", g.Low, g.High, g.Period, g.Confidence)
		}
	}
}

func TestGuidanceEffectNeedsReview(t *testing.T) {
	tests := []struct{ name, text string }{
		{"lower expense", "This guidance includes approximately $800 million lower depreciation expense in the first quarter."},
		{"benefit of", "For fiscal 2024, the Company expects a benefit of approximately 2% related to currency translation."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := findGuidance(context.Background(), request(passes.KindGuidance, passes.PassPrimary, "", tt.text), nil)
			if len(got) != 1 || got[0].Confidence >= 0.5 {
				t.Errorf("got %+v, want one candidate below 0.5", got)
			}
		})
	}
}

// periodsOf indexes the period headers of text with a context that never
// ends.
func periodsOf(text string) *periodIndex {
	p, err := newPeriodIndex(context.Background(), text)
	if err != nil {
		panic(err)
	}
	return p
}
