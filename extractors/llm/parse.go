package llm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/finx-dev/finx/extractors/passes"
)

// number is a JSON string or number kept as its literal text, so that a
// figure never passes through float64.
type number string

func (n *number) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*n = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*n = number(strings.TrimSpace(s))
	default:
		var d json.Number
		if err := json.Unmarshal(b, &d); err != nil {
			return fmt.Errorf("want a string or a number, got %s", b)
		}
		*n = number(d)
	}
	return nil
}

type riskItem struct {
	Chunk          *int     `json:"chunk"`
	Quote          string   `json:"quote"`
	Category       string   `json:"category"`
	Severity       string   `json:"severity"`
	SeverityReason string   `json:"severity_reason"`
	Confidence     *float64 `json:"confidence"`
}

type metricItem struct {
	Chunk       *int     `json:"chunk"`
	Quote       string   `json:"quote"`
	Number      number   `json:"number"`
	Scale       *int     `json:"scale"`
	Metric      string   `json:"metric"`
	Label       string   `json:"label"`
	Concept     string   `json:"concept"`
	Unit        string   `json:"unit"`
	PeriodType  string   `json:"period_type"`
	PeriodStart string   `json:"period_start"`
	PeriodEnd   string   `json:"period_end"`
	Source      string   `json:"source"`
	Confidence  *float64 `json:"confidence"`
}

type guidanceItem struct {
	Chunk      *int     `json:"chunk"`
	Quote      string   `json:"quote"`
	Metric     string   `json:"metric"`
	Label      string   `json:"label"`
	Period     string   `json:"period"`
	Low        number   `json:"low"`
	High       number   `json:"high"`
	Scale      *int     `json:"scale"`
	Unit       string   `json:"unit"`
	Basis      string   `json:"basis"`
	Direction  string   `json:"direction"`
	PriorLow   number   `json:"prior_low"`
	PriorHigh  number   `json:"prior_high"`
	Confidence *float64 `json:"confidence"`
}

type reply struct {
	Risks    *[]json.RawMessage `json:"risks"`
	Metrics  *[]json.RawMessage `json:"metrics"`
	Guidance *[]json.RawMessage `json:"guidance"`
}

// defaultConfidence is used when the model gives none.
const defaultConfidence = 0.7

var (
	categories  = set("market", "credit", "liquidity", "operational", "supply_chain", "regulatory_legal", "cybersecurity", "competition", "macroeconomic", "geopolitical", "technology", "climate_esg", "other")
	severities  = set("low", "medium", "high")
	metricKeys  = set("revenue", "net_income", "eps_diluted", "eps_basic", "operating_income", "gross_profit", "operating_cash_flow", "capex", "free_cash_flow", "cash", "total_assets", "total_liabilities", "current_liabilities", "total_debt", "shares_outstanding", "dividends_per_share", "adjusted_ebitda", "other")
	units       = set("USD", "USD/shares", "shares", "percent", "pure")
	periodTypes = set("duration", "instant", "unknown")
	sources     = set("table", "text")
	bases       = set("gaap", "non_gaap", "constant_currency", "organic", "unspecified")
	directions  = set("initiated", "raised", "lowered", "maintained", "withdrawn", "unspecified")
	isoDate     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	// guidanceKey is the shape of a guidance metric key. Guidance uses a
	// wider set of keys than reported figures (gross_margin, tax_rate,
	// share_repurchases, ...), so only the shape is checked.
	guidanceKey = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
)

// perShare are the metrics printed per share. Their scale is 0 whatever
// the table header states, as in the rules provider.
var perShare = set("eps_diluted", "eps_basic", "dividends_per_share")

func set(vals ...string) map[string]bool {
	m := make(map[string]bool, len(vals))
	for _, v := range vals {
		m[v] = true
	}
	return m
}

// fenceRe matches a reply wrapped in a markdown code fence.
var fenceRe = regexp.MustCompile("(?s)^\\s*```[A-Za-z]*\\s*\\n?(.*?)\\n?\\s*```\\s*$")

// stripFences returns the reply without a surrounding markdown fence.
func stripFences(s string) string {
	if m := fenceRe.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return strings.TrimSpace(s)
}

// parsed is the outcome of reading one reply.
type parsed struct {
	resp passes.Response
	// problems lists what failed validation, one line per item or field,
	// in words the model can act on.
	problems []string
	// invalid counts the items dropped for problems.
	invalid int
}

// maxProblems bounds the problems sent back in a repair request.
const maxProblems = 20

// parseReply decodes content for req.Kind and validates each item against
// the chunk range [first, first+n). It returns an error when the content is
// not a JSON object of the expected shape. Problems of single items go to
// parsed.problems, and the valid items are kept.
func parseReply(content string, req passes.Request, first, n int) (parsed, error) {
	var out parsed
	var r reply
	dec := json.NewDecoder(strings.NewReader(stripFences(content)))
	if err := dec.Decode(&r); err != nil {
		return out, fmt.Errorf("reply is not a json object: %v", err)
	}
	var items []json.RawMessage
	switch req.Kind {
	case passes.KindRisk:
		if r.Risks == nil {
			return out, fmt.Errorf(`reply has no "risks" list`)
		}
		items = *r.Risks
	case passes.KindMetric:
		if r.Metrics == nil {
			return out, fmt.Errorf(`reply has no "metrics" list`)
		}
		items = *r.Metrics
	case passes.KindGuidance:
		if r.Guidance == nil {
			return out, fmt.Errorf(`reply has no "guidance" list`)
		}
		items = *r.Guidance
	default:
		return out, fmt.Errorf("unknown kind %q", req.Kind)
	}
	v := validator{req: req, first: first, n: n}
	for i, raw := range items {
		v.problems = v.problems[:0]
		switch req.Kind {
		case passes.KindRisk:
			if c, ok := v.risk(raw); ok {
				out.resp.Risks = append(out.resp.Risks, c)
			}
		case passes.KindMetric:
			if c, ok := v.metric(raw); ok {
				out.resp.Metrics = append(out.resp.Metrics, c)
			}
		case passes.KindGuidance:
			if c, ok := v.guidance(raw); ok {
				out.resp.Guidance = append(out.resp.Guidance, c)
			}
		}
		if len(v.problems) > 0 {
			out.invalid++
			for _, p := range v.problems {
				if len(out.problems) < maxProblems {
					out.problems = append(out.problems, fmt.Sprintf("item %d: %s", i, p))
				}
			}
		}
	}
	return out, nil
}

// validator checks the items of one reply.
type validator struct {
	req      passes.Request
	first, n int
	problems []string
}

func (v *validator) fail(format string, args ...any) {
	v.problems = append(v.problems, fmt.Sprintf(format, args...))
}

func (v *validator) decode(raw json.RawMessage, dst any) bool {
	if err := json.Unmarshal(raw, dst); err != nil {
		v.fail("not an object of the documented shape: %v", err)
		return false
	}
	return true
}

// hint checks the chunk index and the quote, and locates the quote in its
// chunk when it occurs there byte for byte.
func (v *validator) hint(chunk *int, quote string) passes.Hint {
	h := passes.Hint{Chunk: -1, Offset: -1}
	switch {
	case chunk == nil:
		v.fail(`missing "chunk"`)
	case *chunk < v.first || *chunk >= v.first+v.n:
		v.fail(`"chunk" %d is not one of the chunks sent (%d to %d)`, *chunk, v.first, v.first+v.n-1)
	default:
		h.Chunk = *chunk
	}
	if strings.TrimSpace(quote) == "" {
		v.fail(`missing "quote"`)
	} else if h.Chunk >= 0 {
		c := v.req.Chunks[h.Chunk]
		if i := strings.Index(c.Text, quote); i >= 0 {
			h.Offset = c.Offset + i
		}
	}
	return h
}

func (v *validator) enum(field, val string, allowed map[string]bool) {
	if !allowed[val] {
		v.fail("%q is %q, not one of the listed values", field, val)
	}
}

func (v *validator) confidence(c *float64) float64 {
	if c == nil {
		return defaultConfidence
	}
	if *c < 0 || *c > 1 {
		v.fail(`"confidence" %g is outside [0, 1]`, *c)
	}
	return *c
}

func (v *validator) risk(raw json.RawMessage) (passes.RiskCandidate, bool) {
	var it riskItem
	if !v.decode(raw, &it) {
		return passes.RiskCandidate{}, false
	}
	c := passes.RiskCandidate{
		Hint:           v.hint(it.Chunk, it.Quote),
		Quote:          it.Quote,
		Category:       it.Category,
		Severity:       it.Severity,
		SeverityReason: it.SeverityReason,
	}
	v.enum("category", it.Category, categories)
	v.enum("severity", it.Severity, severities)
	c.Confidence = v.confidence(it.Confidence)
	return c, len(v.problems) == 0
}

func (v *validator) metric(raw json.RawMessage) (passes.MetricCandidate, bool) {
	var it metricItem
	if !v.decode(raw, &it) {
		return passes.MetricCandidate{}, false
	}
	c := passes.MetricCandidate{
		Hint:        v.hint(it.Chunk, it.Quote),
		Quote:       it.Quote,
		Metric:      it.Metric,
		Label:       it.Label,
		Concept:     it.Concept,
		Display:     string(it.Number),
		Unit:        it.Unit,
		PeriodType:  it.PeriodType,
		PeriodStart: it.PeriodStart,
		PeriodEnd:   it.PeriodEnd,
		Source:      it.Source,
	}

	v.enum("metric", it.Metric, metricKeys)
	v.enum("unit", it.Unit, units)
	v.enum("period_type", it.PeriodType, periodTypes)
	v.enum("source", it.Source, sources)
	v.date("period_start", it.PeriodStart)
	v.date("period_end", it.PeriodEnd)

	scale := v.scale(it.Scale)
	if perShare[it.Metric] {
		scale, c.Unit = 0, "USD/shares"
	}
	c.Scale = scale
	// decimal returns "" only after recording a problem, because a parsed
	// number is never empty.
	if d := v.decimal("number", it.Number, true); d != "" {
		if it.Metric == "capex" {
			// Capital expenditures are a payment, printed as an outflow
			// "(1,577)" in cash flow statements and positive in XBRL.
			d = strings.TrimPrefix(d, "-")
		}
		c.Value = shift(d, scale)
	}
	if strings.HasPrefix(c.Unit, "USD") {
		c.Currency = "USD"
	}

	c.Confidence = v.confidence(it.Confidence)
	return c, len(v.problems) == 0
}

func (v *validator) guidance(raw json.RawMessage) (passes.GuidanceCandidate, bool) {
	var it guidanceItem
	if !v.decode(raw, &it) {
		return passes.GuidanceCandidate{}, false
	}
	c := passes.GuidanceCandidate{
		Hint:      v.hint(it.Chunk, it.Quote),
		Quote:     it.Quote,
		Metric:    it.Metric,
		Label:     it.Label,
		Period:    it.Period,
		Unit:      it.Unit,
		Basis:     it.Basis,
		Direction: it.Direction,
	}

	if !guidanceKey.MatchString(it.Metric) {
		v.fail(`"metric" %q is not a lowercase snake_case key`, it.Metric)
	}
	v.enum("unit", it.Unit, units)
	v.enum("basis", it.Basis, bases)
	v.enum("direction", it.Direction, directions)

	c.Scale = v.scale(it.Scale)
	c.Low = v.decimal("low", it.Low, true)
	c.High = v.decimal("high", it.High, true)
	c.PriorLow = v.decimal("prior_low", it.PriorLow, false)
	c.PriorHigh = v.decimal("prior_high", it.PriorHigh, false)
	if strings.HasPrefix(c.Unit, "USD") {
		c.Currency = "USD"
	}
	c.Confidence = v.confidence(it.Confidence)
	return c, len(v.problems) == 0
}

func (v *validator) decimal(field string, n number, required bool) string {
	if n == "" {
		if required {
			v.fail("missing %q", field)
		}
		return ""
	}
	d, err := parseDecimal(string(n))
	if err != nil {
		v.fail("%q %q: %v", field, n, err)
		return ""
	}
	return d
}

// Scales outside this range are not printed in filings: -2 is cents, 12 is
// trillions.
const minScale, maxScale = -2, 12

func (v *validator) scale(s *int) int {
	if s == nil {
		v.fail(`missing "scale"`)
		return 0
	}
	if *s < minScale || *s > maxScale {
		v.fail(`"scale" %d is outside [%d, %d]`, *s, minScale, maxScale)
	}
	return *s
}

func (v *validator) date(field, s string) {
	if s != "" && !isoDate.MatchString(s) {
		v.fail("%q %q is not YYYY-MM-DD", field, s)
	}
}
