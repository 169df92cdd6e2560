package llm

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/schemas"
)

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		printed string
		want    string
		ok      bool
	}{
		{"1,234", "1234", true},
		{"$1,234.50", "1234.50", true},
		{"(1,577)", "-1577", true},
		{"$(2.15)", "-2.15", true},
		{"-0.40", "-0.40", true},
		{"\u22123.5", "-3.5", true},
		{"12%", "12", true},
		{".5", "0.5", true},
		{"007", "7", true},
		{"-0", "0", true},
		{"1.2.3", "", false},
		{"12 million", "", false},
		{"", "", false},
		{"1.", "", false},
		{"abc", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.printed, func(t *testing.T) {
			got, err := parseDecimal(tt.printed)
			if (err == nil) != tt.ok {
				t.Fatalf("parseDecimal(%q) error: got %v, want ok=%v", tt.printed, err, tt.ok)
			}
			if got != tt.want {
				t.Errorf("parseDecimal(%q): got %q, want %q", tt.printed, got, tt.want)
			}
		})
	}
}

func TestShift(t *testing.T) {
	tests := []struct {
		d     string
		scale int
		want  string
	}{
		{"1234", 6, "1234000000"},
		{"1234.5", 6, "1234500000"},
		{"-1577", 3, "-1577000"},
		{"2.15", 0, "2.15"},
		{"2.10", 0, "2.1"},
		{"215", -2, "2.15"},
		{"5", -2, "0.05"},
		{"0.000001", 6, "1"},
		{"-0.0", 3, "0"},
	}
	for _, tt := range tests {
		t.Run(tt.d, func(t *testing.T) {
			if got := shift(tt.d, tt.scale); got != tt.want {
				t.Errorf("shift(%q, %d): got %q, want %q", tt.d, tt.scale, got, tt.want)
			}
		})
	}
}

func TestStripFences(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", ` {"a":1} `, `{"a":1}`},
		{"json fence", "```json\n{\"a\":1}\n```", `{"a":1}`},
		{"bare fence", "```\n{\"a\":1}\n```\n", `{"a":1}`},
		{"fence on one line", "```{\"a\":1}```", `{"a":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := stripFences(tt.in); got != tt.want {
				t.Errorf("stripFences(%q): got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestBatches(t *testing.T) {
	texts := []string{strings.Repeat("a", 40), strings.Repeat("b", 40), strings.Repeat("c", 150), "d"}
	got := batches(texts, 100)
	want := []batch{{0, 2}, {2, 1}, {3, 1}}
	if len(got) != len(want) {
		t.Fatalf("batches: got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("batch %d: got %v, want %v", i, got[i], want[i])
		}
	}
}

func testRequest(kind passes.Kind) passes.Request {
	doc := &schemas.Document{Text: "intro\nRevenue was $1,234.5 million.\n"}
	return passes.Request{Kind: kind, Pass: passes.PassPrimary, Document: doc, Chunks: []passes.Chunk{{Offset: 6, Text: "Revenue was $1,234.5 million.\n"}}}
}

func TestParseReplyMetric(t *testing.T) {
	content := `{"metrics": [{"chunk": 0, "quote": "$1,234.5 million", "number": 1234.50, "scale": 6, "metric": "revenue", "unit": "USD", "period_type": "duration", "source": "text"}]}`
	got, err := parseReply(content, testRequest(passes.KindMetric), 0, 1)
	if err != nil {
		t.Fatalf("parseReply: %v", err)
	}
	if len(got.problems) != 0 || len(got.resp.Metrics) != 1 {
		t.Fatalf("parseReply: got problems %q and %d metrics, want none and 1", got.problems, len(got.resp.Metrics))
	}
	m := got.resp.Metrics[0]
	if m.Value != "1234500000" || m.Display != "1234.50" {
		t.Errorf("value, display: got %q %q, want 1234500000 1234.50", m.Value, m.Display)
	}
	if m.Hint.Chunk != 0 || m.Hint.Offset != 6+len("Revenue was ") {
		t.Errorf("hint: got %+v, want chunk 0 offset %d", m.Hint, 6+len("Revenue was "))
	}
	if m.Confidence != defaultConfidence {
		t.Errorf("confidence without a value: got %g, want %g", m.Confidence, defaultConfidence)
	}
}

func TestParseReplyMetricValue(t *testing.T) {
	tests := []struct {
		name, metric, number string
		scale                int
		want                 string
	}{
		{"millions", "revenue", `"1,234.5"`, 6, "1234500000"},
		{"negative in parentheses", "net_income", `"(12)"`, 6, "-12000000"},
		{"capex outflow", "capex", `"(1,577)"`, 6, "1577000000"},
		{"capex positive", "capex", `"1,577"`, 6, "1577000000"},
		{"per share ignores scale", "eps_diluted", `"1.25"`, 6, "1.25"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			content := fmt.Sprintf(`{"metrics": [{"chunk": 0, "quote": "Revenue", "number": %s, "scale": %d, "metric": %q, "unit": "USD", "period_type": "duration", "source": "text"}]}`, tt.number, tt.scale, tt.metric)
			got, err := parseReply(content, testRequest(passes.KindMetric), 0, 1)
			if err != nil {
				t.Fatalf("parseReply: %v", err)
			}
			if len(got.problems) != 0 || len(got.resp.Metrics) != 1 {
				t.Fatalf("parseReply: got problems %q and %d metrics, want none and 1", got.problems, len(got.resp.Metrics))
			}
			if v := got.resp.Metrics[0].Value; v != tt.want {
				t.Errorf("value: got %q, want %q", v, tt.want)
			}
		})
	}
}

func TestParseReplyProblems(t *testing.T) {
	tests := []struct {
		name    string
		kind    passes.Kind
		content string
		problem string
	}{
		{"missing quote", passes.KindRisk, `{"risks": [{"chunk": 0, "category": "other", "severity": "low"}]}`, `missing "quote"`},
		{"bad severity", passes.KindRisk, `{"risks": [{"chunk": 0, "quote": "Revenue", "category": "other", "severity": "extreme"}]}`, `"severity" is "extreme"`},
		{"bad confidence", passes.KindRisk, `{"risks": [{"chunk": 0, "quote": "Revenue", "category": "other", "severity": "low", "confidence": 7}]}`, `outside [0, 1]`},
		{"number in words", passes.KindMetric, `{"metrics": [{"chunk": 0, "quote": "x", "number": "one million", "scale": 0, "metric": "revenue", "unit": "USD", "period_type": "unknown", "source": "text"}]}`, `"number" "one million"`},
		{"missing number", passes.KindMetric, `{"metrics": [{"chunk": 0, "quote": "x", "scale": 0, "metric": "revenue", "unit": "USD", "period_type": "unknown", "source": "text"}]}`, `missing "number"`},
		{"missing scale", passes.KindMetric, `{"metrics": [{"chunk": 0, "quote": "x", "number": "1", "metric": "revenue", "unit": "USD", "period_type": "unknown", "source": "text"}]}`, `missing "scale"`},
		{"bad date", passes.KindMetric, `{"metrics": [{"chunk": 0, "quote": "x", "number": "1", "scale": 0, "metric": "revenue", "unit": "USD", "period_type": "instant", "period_end": "Dec 31", "source": "text"}]}`, `"period_end" "Dec 31"`},
		{"missing low", passes.KindGuidance, `{"guidance": [{"chunk": 0, "quote": "x", "metric": "revenue", "high": "2", "scale": 0, "unit": "USD", "basis": "gaap", "direction": "raised"}]}`, `missing "low"`},
		{"bad direction", passes.KindGuidance, `{"guidance": [{"chunk": 0, "quote": "x", "metric": "revenue", "low": "1", "high": "2", "scale": 0, "unit": "USD", "basis": "gaap", "direction": "up"}]}`, `"direction" is "up"`},
		{"item not an object", passes.KindRisk, `{"risks": ["Revenue"]}`, "not an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseReply(tt.content, testRequest(tt.kind), 0, 1)
			if err != nil {
				t.Fatalf("parseReply: %v", err)
			}
			if got.invalid != 1 {
				t.Errorf("invalid: got %d, want 1", got.invalid)
			}
			if !strings.Contains(strings.Join(got.problems, "\n"), tt.problem) {
				t.Errorf("problems: got %q, want one containing %q", got.problems, tt.problem)
			}
		})
	}
}

func TestParseReplyShapeErrors(t *testing.T) {
	tests := []struct{ name, content string }{
		{"not json", "Sure, here are the risks:"},
		{"wrong list", `{"metrics": []}`},
		{"list not array", `{"risks": {"quote": "x"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseReply(tt.content, testRequest(passes.KindRisk), 0, 1); err == nil {
				t.Errorf("parseReply(%q): got nil error, want one", tt.content)
			}
		})
	}
}

var decimalRe = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

func FuzzParseReply(f *testing.F) {
	f.Add(`{"metrics": [{"chunk": 0, "quote": "$1,234.5", "number": "(1,234.5)", "scale": 6, "metric": "revenue", "unit": "USD", "period_type": "duration", "source": "text"}]}`)
	f.Add("```json\n{\"guidance\": [{\"chunk\": 0, \"quote\": \"x\", \"metric\": \"revenue\", \"low\": 1e3, \"high\": \"2\", \"scale\": 0, \"unit\": \"USD\", \"basis\": \"gaap\", \"direction\": \"raised\"}]}\n```")
	f.Add(`{"risks": [{"chunk": -1, "quote": ""}]}`)
	f.Fuzz(func(t *testing.T, content string) {
		for _, kind := range []passes.Kind{passes.KindRisk, passes.KindMetric, passes.KindGuidance} {
			got, err := parseReply(content, testRequest(kind), 0, 1)
			if err != nil {
				continue
			}
			for _, m := range got.resp.Metrics {
				if !decimalRe.MatchString(m.Value) {
					t.Errorf("metric value %q is not a decimal", m.Value)
				}
				if m.Hint.Chunk != 0 {
					t.Errorf("metric hint chunk %d outside the request", m.Hint.Chunk)
				}
			}
			for _, g := range got.resp.Guidance {
				if !decimalRe.MatchString(g.Low) || !decimalRe.MatchString(g.High) {
					t.Errorf("guidance low %q high %q are not decimals", g.Low, g.High)
				}
			}
			for _, r := range got.resp.Risks {
				if strings.TrimSpace(r.Quote) == "" {
					t.Error("risk accepted without a quote")
				}
			}
		}
	})
}
