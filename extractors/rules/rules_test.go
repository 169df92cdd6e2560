package rules

import (
	"context"
	"strings"
	"testing"

	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/schemas"
)

// request builds a request whose only chunk is the whole text.
func request(kind passes.Kind, pass passes.Pass, section, text string, facts ...schemas.Fact) passes.Request {
	doc := &schemas.Document{Text: text, Facts: facts}
	return passes.Request{
		Kind:     kind,
		Pass:     pass,
		Chunks:   []passes.Chunk{{Section: section, Offset: 0, Text: text}},
		Document: doc,
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"32,765", "32765", true},
		{"(1,577)", "-1577", true},
		{"$(0.04)", "-0.04", true},
		{"$ 44.2", "44.2", true},
		{"-5.20", "-5.20", true},
		{"abc", "", false},
		{"12a", "", false},
		{"$7.20)", "7.20", true},
		{"(0.62", "0.62", true},
		{"12.5%", "", false},
		{"1.2 million", "", false},
		{"1,5770", "", false},
		{"€5", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseNumber(tt.in)
			if ok != tt.ok || got.Digits != tt.want {
				t.Errorf("parseNumber(%q): got %q %v, want %q %v", tt.in, got.Digits, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestScaleDecimal(t *testing.T) {
	tests := []struct {
		digits string
		scale  int
		want   string
	}{
		{"1577", 6, "1577000000"},
		{"-0.04", 0, "-0.04"},
		{"44.2", 6, "44200000"},
		{"67", -2, "0.67"},
	}
	for _, tt := range tests {
		if got := scaleDecimal(tt.digits, tt.scale); got != tt.want {
			t.Errorf("scaleDecimal(%s, %d): got %s, want %s", tt.digits, tt.scale, got, tt.want)
		}
	}
}

func TestGuidanceSentences(t *testing.T) {
	tests := []struct {
		name, text               string
		metric, low, high, unit  string
		scale                    int
		basis, direction, period string
		priorLow, priorHigh      string
	}{
		{
			name: "cents per share", text: "For fiscal 2024, the Company expects Adjusted EPS of 67 to 71 cents per share.",
			metric: "adjusted_eps", low: "67", high: "71", unit: "USD/shares", scale: -2, basis: "non_gaap", direction: "unspecified", period: "fiscal 2024",
		},
		{
			name: "billions", text: "Forecasting second-quarter 2023 revenue of $11.5 billion to $12.5 billion.",
			metric: "revenue", low: "11.5", high: "12.5", unit: "USD", scale: 9, basis: "unspecified", direction: "unspecified", period: "second-quarter 2023",
		},
		{
			name: "hyphen range", text: "The Company expects Adjusted Free Cash Flow of $850-950 million in fiscal 2024.",
			metric: "free_cash_flow", low: "850", high: "950", unit: "USD", scale: 6, basis: "non_gaap", direction: "unspecified", period: "fiscal 2024",
		},
		{
			name: "percent with prior", text: "For fiscal year 2023, the Company now expects to deliver 8 percent organic revenue growth (previously 6 percent).",
			metric: "revenue_growth", low: "8", high: "8", unit: "percent", scale: 0, basis: "organic", direction: "raised", period: "fiscal year 2023", priorLow: "6", priorHigh: "6",
		},
		{
			name: "negative point", text: "Expecting second-quarter non-GAAP EPS of $(0.04).",
			metric: "adjusted_eps", low: "-0.04", high: "-0.04", unit: "USD/shares", scale: 0, basis: "non_gaap", direction: "unspecified", period: "second-quarter",
		},
		{
			name: "reiterated", text: "Reiterates Full Year FY24 Revenue Guidance of $34.5 Billion to $34.7 Billion.",
			metric: "revenue", low: "34.5", high: "34.7", unit: "USD", scale: 9, basis: "unspecified", direction: "maintained", period: "Full Year FY24",
		},
		{
			name: "percent range", text: "Gross margins are expected to be in the 35 percent to 37 percent range in the second quarter.",
			metric: "gross_margin", low: "35", high: "37", unit: "percent", scale: 0, basis: "unspecified", direction: "unspecified", period: "second quarter",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := request(passes.KindGuidance, passes.PassPrimary, "", tt.text)
			got := findGuidance(context.Background(), req, nil)
			if len(got) != 1 {
				t.Fatalf("candidates: got %d %+v, want 1", len(got), got)
			}
			g := got[0]
			if g.Metric != tt.metric || g.Low != tt.low || g.High != tt.high {
				t.Errorf("got %s %s..%s, want %s %s..%s", g.Metric, g.Low, g.High, tt.metric, tt.low, tt.high)
			}
			if g.Unit != tt.unit || g.Scale != tt.scale {
				t.Errorf("unit, scale: got %s %d, want %s %d", g.Unit, g.Scale, tt.unit, tt.scale)
			}
			if g.Basis != tt.basis || g.Direction != tt.direction {
				t.Errorf("basis, direction: got %s %s, want %s %s", g.Basis, g.Direction, tt.basis, tt.direction)
			}
			if !strings.EqualFold(g.Period, tt.period) {
				t.Errorf("period: got %q, want %q", g.Period, tt.period)
			}
			if g.PriorLow != tt.priorLow || g.PriorHigh != tt.priorHigh {
				t.Errorf("prior: got %q..%q, want %q..%q", g.PriorLow, g.PriorHigh, tt.priorLow, tt.priorHigh)
			}
			if !strings.Contains(tt.text, g.Quote) {
				t.Errorf("quote %q is not in the text", g.Quote)
			}
		})
	}
}

func TestGuidanceSkipsReportedFigures(t *testing.T) {
	text := "Net sales for the quarter were $412.5 million, up 6 percent from 2025.\n"
	for _, pass := range []passes.Pass{passes.PassPrimary, passes.PassRecall} {
		if got := findGuidance(context.Background(), request(passes.KindGuidance, pass, "", text), nil); len(got) != 0 {
			t.Errorf("%s pass: got %+v, want no guidance", pass, got)
		}
	}
}

func TestGuidanceOutlookTable(t *testing.T) {
	text := "Fiscal 2023 Outlook\nFor fiscal 2023, the Company plans to:\n" +
		"Net sales\nOperating margin\nCapital expenditures\n" +
		"FY23 Outlook\n" +
		"$10.95 billion to $11.05 billion\n14.7% to 15.0%\n$400 million to $475 million\n"
	got := findGuidance(context.Background(), request(passes.KindGuidance, passes.PassPrimary, "outlook", text), nil)
	want := map[string]string{
		"revenue":          "10.95..11.05 e9",
		"operating_margin": "14.7..15.0 e0",
		"capex":            "400..475 e6",
	}
	seen := map[string]string{}
	for _, g := range got {
		seen[g.Metric] = g.Low + ".." + g.High + " e" + itoa(g.Scale)
	}
	for metric, w := range want {
		if seen[metric] != w {
			t.Errorf("%s: got %q, want %q (all: %v)", metric, seen[metric], w, seen)
		}
	}
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	return string(rune('0' + n))
}

func TestRisks(t *testing.T) {
	body := "We depend on a small number of suppliers for parts that we cannot buy elsewhere, and the loss of one of them would stop production for months and harm our results.\n"
	text := "Item 1A. Risk Factors\n" +
		"Risks Related to Our Business\n" +
		"Our reliance on a few suppliers could materially adversely affect our business.\n" + body +
		"We Face Intense Competition\n" + body +
		"Cyberattacks could lead to a material weakness in our controls.\n" + body
	resp, err := New().Extract(context.Background(), request(passes.KindRisk, passes.PassPrimary, "item_1a", text))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ heading, category, severity string }{
		{"Our reliance on a few suppliers could materially adversely affect our business.", "supply_chain", "medium"},
		{"We Face Intense Competition", "competition", "low"},
		{"Cyberattacks could lead to a material weakness in our controls.", "cybersecurity", "high"},
	}
	if len(resp.Risks) != len(want) {
		t.Fatalf("risks: got %d %+v, want %d", len(resp.Risks), resp.Risks, len(want))
	}
	for i, w := range want {
		r := resp.Risks[i]
		if r.Quote != w.heading || r.Category != w.category || r.Severity != w.severity {
			t.Errorf("risk %d: got %q %s %s, want %q %s %s", i, r.Quote, r.Category, r.Severity, w.heading, w.category, w.severity)
		}
		if r.Offset != strings.Index(text, w.heading) {
			t.Errorf("risk %d offset: got %d, want %d", i, r.Offset, strings.Index(text, w.heading))
		}
	}

	// The recall pass returns a sub-section title that names a risk at low
	// confidence, and skips the group title above it.
	text = "Item 1A. Risk Factors\n" +
		"Risks Related to Our Business\n" +
		"We Face Risks Related to Our Suppliers\n" +
		"Our reliance on a few suppliers could materially adversely affect our business.\n" + body
	resp, err = New().Extract(context.Background(), request(passes.KindRisk, passes.PassRecall, "item_1a", text))
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Risks) != 1 || resp.Risks[0].Quote != "We Face Risks Related to Our Suppliers" || resp.Risks[0].Confidence >= 0.5 {
		t.Errorf("recall risks: got %+v, want the sub-section title at low confidence", resp.Risks)
	}
}

func TestRisksSkipGroupTitles(t *testing.T) {
	for _, title := range []string{"Risks Related to Our Business", "Macroeconomic and Industry Risks", "Legal and Regulatory Compliance Risks", "Market and Other External Risks", "General Risk Factors"} {
		t.Run(title, func(t *testing.T) {
			if !sectionTitleRe.MatchString(title) {
				t.Errorf("%q: got no match, want a group title", title)
			}
		})
	}
	for _, heading := range []string{"We Face Risks Related to System Interruption and Lack of Redundancy", "Our International Operations Expose Us to a Number of Risks", "We Have Foreign Exchange Risk"} {
		t.Run(heading, func(t *testing.T) {
			if sectionTitleRe.MatchString(heading) {
				t.Errorf("%q: got a match, want a risk heading", heading)
			}
		})
	}
}

func TestBulletRiskKeepsInitials(t *testing.T) {
	text := "Item 1A. Risk Factors\n* The Company’s results may be affected by proceedings in the U.S. and abroad. The Company is party to many lawsuits.\n"
	resp, err := New().Extract(context.Background(), request(passes.KindRisk, passes.PassRecall, "item_1a", text))
	if err != nil {
		t.Fatal(err)
	}
	want := "The Company’s results may be affected by proceedings in the U.S. and abroad."
	if len(resp.Risks) != 1 || resp.Risks[0].Quote != want {
		t.Fatalf("got %+v, want %q", resp.Risks, want)
	}
}

func TestBulletRisk(t *testing.T) {
	text := "Item 1A. Risk Factors\n* Change in the Company’s credit ratings could increase cost of funding.The Company’s credit ratings are important to its cost of capital.\n"
	resp, err := New().Extract(context.Background(), request(passes.KindRisk, passes.PassRecall, "item_1a", text))
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Risks) != 1 || resp.Risks[0].Quote != "Change in the Company’s credit ratings could increase cost of funding." {
		t.Fatalf("got %+v, want the first sentence of the bullet", resp.Risks)
	}
	if resp.Risks[0].Category != "credit" {
		t.Errorf("category: got %s, want credit", resp.Risks[0].Category)
	}
}

func TestMetricsFromFactsAndTables(t *testing.T) {
	text := "(in millions, except per share data)\n\tThree Months Ended July 29, 2023\tThree Months Ended July 30, 2022\nRevenue\t$\t9,583\t$\t10,329\nNet earnings\t274\t\t(343)\nDiluted\t$\t1.25\t$\t1.54\nCash and cash equivalents 1,000\n"
	fact := schemas.Fact{
		Concept: "us-gaap:Revenues", Numeric: true, Value: "9583000000", Display: "9,583", Scale: 6, Unit: "USD",
		PeriodStart: "2023-04-30", PeriodEnd: "2023-07-29",
	}
	fact.Start = strings.Index(text, "9,583")
	fact.End = fact.Start + len("9,583")
	resp, err := New().Extract(context.Background(), request(passes.KindMetric, passes.PassPrimary, "financial_statements", text, fact))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]passes.MetricCandidate{}
	for _, m := range resp.Metrics {
		got[m.Source+" "+m.Metric] = m
	}
	tests := []struct {
		key, value, quote, periodEnd string
	}{
		{"ixbrl revenue", "9583000000", "9,583", "2023-07-29"},
		{"table revenue", "9583000000", "9,583", "2023-07-29"},
		{"table net_income", "274000000", "274", "2023-07-29"},
		{"table eps_diluted", "1.25", "1.25", "2023-07-29"},
		{"table cash", "1000000000", "1,000", "2023-07-29"},
	}
	for _, tt := range tests {
		m, ok := got[tt.key]
		if !ok {
			t.Errorf("%s: missing from %v", tt.key, resp.Metrics)
			continue
		}
		if m.Value != tt.value || m.Quote != tt.quote || m.PeriodEnd != tt.periodEnd {
			t.Errorf("%s: got %s %q %s, want %s %q %s", tt.key, m.Value, m.Quote, m.PeriodEnd, tt.value, tt.quote, tt.periodEnd)
		}
		if text[m.Offset:m.Offset+len(m.Quote)] != m.Quote {
			t.Errorf("%s: offset %d does not point at the quote", tt.key, m.Offset)
		}
	}
}

func TestSentenceMetrics(t *testing.T) {
	text := "Net income for the fiscal quarter ended November 2, 2024 was $44.2 million ($0.88 per share on a diluted basis).\n"
	resp, err := New().Extract(context.Background(), request(passes.KindMetric, passes.PassRecall, "", text))
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Metrics) != 2 {
		t.Fatalf("metrics: got %+v, want net income and diluted EPS", resp.Metrics)
	}
	ni, eps := resp.Metrics[0], resp.Metrics[1]
	if ni.Metric != "net_income" || ni.Value != "44200000" || ni.Scale != 6 || ni.PeriodEnd != "2024-11-02" {
		t.Errorf("net income: got %+v", ni)
	}
	if eps.Metric != "eps_diluted" || eps.Value != "0.88" || eps.Unit != "USD/shares" {
		t.Errorf("eps: got %+v", eps)
	}
}

func TestExtractCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := New().Extract(ctx, request(passes.KindRisk, passes.PassPrimary, "", "x")); err == nil {
		t.Error("canceled context: got nil error")
	}
	if _, err := New().Extract(context.Background(), passes.Request{Kind: passes.KindRisk}); err == nil {
		t.Error("request without document: got nil error")
	}
}

func TestRisksSkipBodySentences(t *testing.T) {
	long := "We depend on a small number of suppliers for parts that we cannot buy elsewhere, and the loss of one of them would stop production for months and harm our results.\n"
	text := "Item 1A. Risk Factors\n" +
		"Other than the risk factors listed below, there have been no material changes.\n" + long +
		"Our reliance on a few suppliers could harm our business.\n" +
		"Our reliance on suppliers could hurt us in several ways over the coming years.\n" + long +
		"Such events can stop our plants for weeks at a time.\n" + long
	resp, err := New().Extract(context.Background(), request(passes.KindRisk, passes.PassPrimary, "item_1a", text))
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Risks) != 1 || resp.Risks[0].Quote != "Our reliance on a few suppliers could harm our business." {
		t.Errorf("risks: got %+v, want only the supplier heading", resp.Risks)
	}
}
