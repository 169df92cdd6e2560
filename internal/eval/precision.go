package eval

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/schemas"
)

// Limits of the sanity rules.
const (
	// maxEPS is the largest per-share figure in USD that a sanity rule
	// accepts; no US filer reports EPS near it.
	maxEPS = 1000
	// maxRiskHeading is the longest risk heading in bytes that a sanity rule
	// accepts. Real headings run to about 300 bytes; longer ones are body
	// paragraphs.
	maxRiskHeading = 400
	// minUnscaledAmount is the smallest absolute amount in USD that a
	// company-level figure (revenue, net income, totals) printed without a
	// scale may have. A smaller one means the table's "(in millions)" header
	// was missed.
	minUnscaledAmount = 1_000_000
	// reviewBelow is the default confidence threshold of passes.Config,
	// under which an item is needs_review.
	reviewBelow = 0.5
)

// Flag is an item that a sanity rule marks as impossible.
type Flag struct {
	File   string
	Kind   string
	ID     string
	Status string
	Rule   string
	Detail string
}

// Sanity rule names.
const (
	RuleEPSTooLarge      = "eps_too_large"
	RuleEPSShareCount    = "eps_share_count"
	RuleUnscaledAmount   = "unscaled_amount"
	RuleScaleWords       = "scale_contradicts_words"
	RulePercentRange     = "percent_out_of_range"
	RuleLowAboveHigh     = "low_above_high"
	RuleHeadingTooLong   = "heading_too_long"
	RuleHeadingLowercase = "heading_not_capitalized"
)

// companyTotals are metrics that a company reports in the millions of USD or
// more; a smaller unscaled figure is a missed scale.
var companyTotals = map[string]bool{
	passes.MetricRevenue: true, passes.MetricTotalAssets: true, passes.MetricTotalLiabilities: true,
	passes.MetricCurrentLiabilities: true, passes.MetricGrossProfit: true, passes.MetricFreeCashFlow: true,
	passes.MetricOperatingCashFlow: true,
}

var perShareMetrics = map[string]bool{
	passes.MetricEPSBasic: true, passes.MetricEPSDiluted: true, passes.MetricDividendsPerShare: true,
}

// scaleWordRe finds the scale words of a quote in the order printed.
var scaleWordRe = regexp.MustCompile(`(?i)\b(trillion|billion|million|thousand|cents?)\b|\bbps\b|\bbasis points?\b`)

// Sanity returns the flags of the items of res that break a sanity rule.
// Metrics sourced from inline XBRL are skipped, because the filer tagged
// them.
func Sanity(file string, res *schemas.Result) []Flag {
	var out []Flag
	add := func(kind, id, status, rule, detail string) {
		out = append(out, Flag{File: file, Kind: kind, ID: id, Status: status, Rule: rule, Detail: detail})
	}
	for _, m := range res.Metrics {
		if m.Source == "ixbrl" {
			continue
		}
		v, ok := new(big.Rat).SetString(m.Value)
		if !ok {
			continue
		}
		av := new(big.Rat).Abs(v)
		if perShareMetrics[m.Metric] {
			if av.Cmp(big.NewRat(maxEPS, 1)) > 0 {
				add("metric", m.ID, m.Status, RuleEPSTooLarge, m.Metric+"="+m.Value)
			}
			if strings.Contains(m.Display, ",") {
				add("metric", m.ID, m.Status, RuleEPSShareCount, m.Metric+" printed "+m.Display)
			}
			continue
		}
		if m.Unit == "USD" && companyTotals[m.Metric] && len(m.Dimensions) == 0 && av.Sign() != 0 && av.Cmp(big.NewRat(minUnscaledAmount, 1)) < 0 {
			add("metric", m.ID, m.Status, RuleUnscaledAmount, fmt.Sprintf("%s=%s printed %s", m.Metric, m.Value, m.Display))
		}
		if m.Source == "text" {
			if want, ok := wordScale(m.Citation.Quote, m.Display); ok && want != m.Scale {
				add("metric", m.ID, m.Status, RuleScaleWords, fmt.Sprintf("scale %d, quote %q", m.Scale, m.Citation.Quote))
			}
		}
	}
	for _, g := range res.Guidance {
		low, ok1 := new(big.Rat).SetString(g.Low)
		high, ok2 := new(big.Rat).SetString(g.High)
		if !ok1 || !ok2 {
			continue
		}
		if low.Cmp(high) > 0 {
			add("guidance", g.ID, g.Status, RuleLowAboveHigh, g.Low+" > "+g.High)
		}
		if g.Unit == "percent" {
			for _, x := range []*big.Rat{low, high} {
				p := scaled(x, g.Scale)
				if p.Cmp(big.NewRat(-100, 1)) < 0 || p.Cmp(big.NewRat(1000, 1)) > 0 {
					add("guidance", g.ID, g.Status, RulePercentRange, fmt.Sprintf("%s..%s e%d percent", g.Low, g.High, g.Scale))
					break
				}
			}
			continue
		}
		if want, ok := wordScale(g.Citation.Quote, g.High); ok && want != g.Scale {
			add("guidance", g.ID, g.Status, RuleScaleWords, fmt.Sprintf("scale %d, quote %q", g.Scale, g.Citation.Quote))
		}
	}
	for _, r := range res.Risks {
		if len(r.Heading) > maxRiskHeading {
			add("risk", r.ID, r.Status, RuleHeadingTooLong, fmt.Sprintf("%d bytes", len(r.Heading)))
		}
		first, _ := utf8.DecodeRuneInString(r.Heading)
		if !unicode.IsUpper(first) && !strings.ContainsRune(`“"`, first) {
			add("risk", r.ID, r.Status, RuleHeadingLowercase, r.Heading)
		}
	}
	return out
}

// wordScale returns the scale that the words of quote give the value printed
// as display: the first scale word after the value, or the last one in the
// quote when the value is not found. It reports false when the quote has no
// scale word, because then the scale came from a table header.
func wordScale(quote, display string) (int, bool) {
	q := strings.ToLower(collapseSpace(quote))
	from := 0
	if d := strings.Trim(display, "$() "); d != "" {
		if i := strings.LastIndex(q, strings.ToLower(d)); i >= 0 {
			from = i
		}
	}
	locs := scaleWordRe.FindAllStringIndex(q, -1)
	if len(locs) == 0 {
		return 0, false
	}
	word := ""
	for _, loc := range locs {
		if loc[0] >= from {
			word = q[loc[0]:loc[1]]
			break
		}
	}
	if word == "" {
		last := locs[len(locs)-1]
		word = q[last[0]:last[1]]
	}
	switch {
	case strings.HasPrefix(word, "trillion"):
		return 12, true
	case strings.HasPrefix(word, "billion"):
		return 9, true
	case strings.HasPrefix(word, "million"):
		return 6, true
	case strings.HasPrefix(word, "thousand"):
		return 3, true
	case strings.HasPrefix(word, "cent"), word == "bps", strings.HasPrefix(word, "basis point"):
		return -2, true
	}
	return 0, false
}

func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func scaled(x *big.Rat, scale int) *big.Rat {
	out := new(big.Rat).Set(x)
	ten := big.NewRat(10, 1)
	for ; scale > 0; scale-- {
		out.Mul(out, ten)
	}
	for ; scale < 0; scale++ {
		out.Quo(out, ten)
	}
	return out
}

// Agreement counts text- and table-derived metric candidates that have an
// XBRL fact without dimensions for the same metric and period end.
type Agreement struct {
	Compared int
	Disagree int
	// ConfidentDisagree counts the disagreeing candidates whose confidence
	// would make them accepted without the XBRL check.
	ConfidentDisagree int
	// Examples lists up to ten disagreeing candidates.
	Examples []string
}

// Rate returns Disagree/Compared, or 0 when nothing was compared.
func (a Agreement) Rate() float64 {
	if a.Compared == 0 {
		return 0
	}
	return float64(a.Disagree) / float64(a.Compared)
}

// Recorder wraps a provider and keeps every metric candidate it returns,
// including those that Run drops because an XBRL fact already covers them.
type Recorder struct {
	passes.Provider
	Metrics []passes.MetricCandidate
}

// Extract calls the wrapped provider and records its metric candidates.
func (r *Recorder) Extract(ctx context.Context, req passes.Request) (passes.Response, error) {
	resp, err := r.Provider.Extract(ctx, req)
	r.Metrics = append(r.Metrics, resp.Metrics...)
	return resp, err
}

// CheckAgainstFacts compares every non-XBRL candidate with a known period end
// to the facts of doc. A candidate agrees when some fact of its metric and
// period end equals it within half a unit of its last printed digit; a
// candidate whose table gives only the end date may match a quarter or a
// year-to-date fact.
func CheckAgainstFacts(doc *schemas.Document, cands []passes.MetricCandidate) Agreement {
	facts := map[string][]schemas.Fact{}
	for _, f := range doc.Facts {
		if !f.Numeric || f.Nil || len(f.Dimensions) > 0 || f.Value == "" {
			continue
		}
		if m := passes.MetricForConcept(f.Concept); m != "" {
			facts[m] = append(facts[m], f)
		}
	}
	var a Agreement
	for _, c := range cands {
		if c.Source == "ixbrl" || c.PeriodEnd == "" || c.PeriodType == "unknown" {
			continue
		}
		val, ok := new(big.Rat).SetString(c.Value)
		if !ok {
			continue
		}
		compared, agree := false, false
		for _, f := range facts[c.Metric] {
			end := f.PeriodEnd
			if f.Instant != "" {
				end = f.Instant
			}
			if end != c.PeriodEnd || (c.PeriodStart != "" && f.Instant == "" && f.PeriodStart != c.PeriodStart) {
				continue
			}
			compared = true
			fv, ok := new(big.Rat).SetString(f.Value)
			if !ok {
				continue
			}
			d := new(big.Rat).Sub(val, fv)
			if d.Abs(d).Cmp(halfUnit(c.Display, c.Scale)) <= 0 {
				agree = true
				break
			}
		}
		if !compared {
			continue
		}
		a.Compared++
		if !agree {
			a.Disagree++
			if c.Confidence >= reviewBelow {
				a.ConfidentDisagree++
			}
			if len(a.Examples) < 10 {
				a.Examples = append(a.Examples, fmt.Sprintf("%s %s=%s %s end %s confidence %.2f %q", c.Source, c.Metric, c.Value, c.Label, c.PeriodEnd, c.Confidence, truncate(c.Quote, 80)))
			}
		}
	}
	return a
}

// halfUnit is half a unit of the last printed digit of display at scale.
func halfUnit(display string, scale int) *big.Rat {
	decimals := 0
	if i := strings.LastIndexByte(display, '.'); i >= 0 {
		for _, ch := range display[i+1:] {
			if ch < '0' || ch > '9' {
				break
			}
			decimals++
		}
	}
	u := scaled(big.NewRat(1, 1), scale-decimals)
	return u.Quo(u, big.NewRat(2, 1))
}

func truncate(s string, n int) string {
	s = collapseSpace(s)
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// Item is an emitted risk, metric or guidance item in a form that a person
// can check against the parsed text.
type Item struct {
	File    string `json:"file"`
	Kind    string `json:"kind"`
	ID      string `json:"id"`
	Status  string `json:"status"`
	Summary string `json:"summary"`
	Quote   string `json:"quote"`
	// Source is the part of the filing a metric was read from (ixbrl, table
	// or text); empty for risks and guidance.
	Source string `json:"source,omitempty"`
}

// Items lists the items of res except metrics sourced from inline XBRL, which
// the filer tagged and which are not the rules' own reading.
func Items(file string, res *schemas.Result) []Item {
	var out []Item
	for _, r := range res.Risks {
		out = append(out, Item{File: file, Kind: "risk", ID: r.ID, Status: r.Status, Summary: "risk heading", Quote: r.Heading})
	}
	for _, m := range res.Metrics {
		if m.Source == "ixbrl" {
			continue
		}
		s := fmt.Sprintf("%s %s=%s %s %s end %s", m.Source, m.Metric, m.Value, m.Unit, m.PeriodType, m.PeriodEnd)
		out = append(out, Item{File: file, Kind: "metric", ID: m.ID, Status: m.Status, Summary: s, Quote: m.Citation.Quote})
	}
	for _, g := range res.Guidance {
		s := fmt.Sprintf("%s %q %s..%s e%d %s", g.Metric, g.Period, g.Low, g.High, g.Scale, g.Unit)
		out = append(out, Item{File: file, Kind: "guidance", ID: g.ID, Status: g.Status, Summary: s, Quote: g.Citation.Quote})
	}
	return out
}

// SampleItems picks n items by the sha256 of salt and their IDs, which is a
// fixed pseudo-random order: the same items and salt give the same sample.
func SampleItems(items []Item, n int, salt string) []Item {
	type keyed struct {
		key string
		it  Item
	}
	ks := make([]keyed, len(items))
	for i, it := range items {
		h := sha256.Sum256([]byte(salt + it.ID))
		ks[i] = keyed{hex.EncodeToString(h[:]), it}
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i].key < ks[j].key })
	out := make([]Item, 0, n)
	for _, k := range ks[:min(n, len(ks))] {
		out = append(out, k.it)
	}
	return out
}

// Verdict values of a hand-checked sample row.
const (
	VerdictCorrect = "correct"
	VerdictWrong   = "wrong"
)

// SampleRow is one hand-checked item of precision_sample.jsonl.
type SampleRow struct {
	File    string `json:"file"`
	Kind    string `json:"kind"`
	ID      string `json:"id"`
	Summary string `json:"summary"`
	Quote   string `json:"quote"`
	// Status is the item's status when it was checked.
	Status  string `json:"status"`
	Verdict string `json:"verdict"`
	// Reason is what is wrong, for wrong items.
	Reason string `json:"reason,omitempty"`
	// Fixed is the summary of a wrong item after a fix, checked again and
	// found correct.
	Fixed string `json:"fixed,omitempty"`
}

// LoadSample reads a JSON Lines file of sample rows.
func LoadSample(path string) ([]SampleRow, error) {
	return readJSONLines(path, func(r SampleRow, _ int) error {
		if r.Verdict != VerdictCorrect && r.Verdict != VerdictWrong {
			return fmt.Errorf("invalid verdict %q, want correct or wrong", r.Verdict)
		}
		return nil
	})
}
