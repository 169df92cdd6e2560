package rules

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/schemas"
)

// maxDimensional bounds the dimensional XBRL facts returned per document;
// a 10-K holds thousands, and segment figures of mapped metrics are enough.
const maxDimensional = 150

// labelRule maps a row or phrase label to a metric key.
var labelRules = []keywordRule{
	rule(`^(total )?net (sales|revenues?)$|^net sales \(millions\)$|^(total )?revenues?$|^net sales and revenues?$|^total net sales$`, passes.MetricRevenue),
	rule(`^net (income|earnings)( \(loss\))?( attributable to [a-z0-9 .,&'’]+)?$`, passes.MetricNetIncome),
	rule(`^diluted( (net )?(earnings|income)( \(loss\))? per (common )?share)?( attributable to [a-z0-9 .,&'’]+)?$|^diluted (eps|earnings per share)$`, passes.MetricEPSDiluted),
	rule(`^basic( (net )?(earnings|income)( \(loss\))? per (common )?share)?( attributable to [a-z0-9 .,&'’]+)?$`, passes.MetricEPSBasic),
	rule(`^operating income( \(loss\))?$|^income from operations$`, passes.MetricOperatingIncome),
	rule(`^gross (profit|margin)$`, passes.MetricGrossProfit),
	rule(`^net cash (provided by|from) operating activities$|^cash provided by operating activities$`, passes.MetricOperatingCashFlow),
	rule(`^(purchases of|capital expenditures|payments for acquisition of) property|^capital expenditures$`, passes.MetricCapex),
	rule(`^(adjusted )?free cash flow$`, passes.MetricFreeCashFlow),
	rule(`^cash and cash equivalents$`, passes.MetricCash),
	rule(`^total assets$`, passes.MetricTotalAssets),
	rule(`^total liabilities$`, passes.MetricTotalLiabilities),
	rule(`^total current liabilities$`, passes.MetricCurrentLiabilities),
	rule(`^(adjusted )?ebitda$`, passes.MetricAdjustedEBITDA),
	rule(`^property,? plant,? and equipment\W+net$|^property and equipment, net$`, passes.MetricOther),
}

var (
	// periodHeaderRe finds "three months ended July 29, 2023".
	periodHeaderRe = regexp.MustCompile(`(?i)\b(three|six|nine|twelve) months ended\s+([A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4})|\b(?:fiscal )?years? ended\s+([A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4})|\bquarter ended\s+([A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4})`)
)

// findMetrics returns the XBRL facts of mapped concepts on the primary pass,
// table rows on the primary pass and figures in sentences on the recall
// pass.
func findMetrics(ctx context.Context, req passes.Request, known map[string]bool) []passes.MetricCandidate {
	var out []passes.MetricCandidate
	if req.Pass == passes.PassPrimary {
		out = append(out, factMetrics(req.Document)...)
		for ci, c := range req.Chunks {
			if ctx.Err() != nil {
				return out
			}
			out = append(out, tableMetrics(req.Document.Text, ci, c)...)
		}
		return out
	}
	for ci, c := range req.Chunks {
		if ctx.Err() != nil {
			return out
		}
		for _, m := range sentenceMetrics(ci, c) {
			if !known[collapse(m.Quote)] {
				out = append(out, m)
			}
		}
	}
	return out
}

// factMetrics turns inline XBRL facts of mapped concepts into candidates:
// facts without dimensions first, then up to maxDimensional segment facts.
func factMetrics(doc *schemas.Document) []passes.MetricCandidate {
	var plain, dimensional []passes.MetricCandidate
	for _, f := range doc.Facts {
		metric := passes.MetricForConcept(f.Concept)
		if metric == "" || !f.Numeric || f.Nil || f.Value == "" || f.Start >= f.End || f.End > len(doc.Text) {
			continue
		}
		c := passes.MetricCandidate{
			Hint:       passes.Hint{Chunk: -1, Offset: f.Start},
			Quote:      doc.Text[f.Start:f.End],
			Metric:     metric,
			Label:      f.Concept,
			Concept:    f.Concept,
			Value:      f.Value,
			Display:    f.Display,
			Scale:      f.Scale,
			Unit:       f.Unit,
			Dimensions: f.Dimensions,
			Source:     "ixbrl",
			Confidence: 0.95,
		}
		if strings.HasPrefix(f.Unit, "USD") {
			c.Currency = "USD"
		}
		switch {
		case f.Instant != "":
			c.PeriodType, c.PeriodEnd = "instant", f.Instant
		case f.PeriodEnd != "":
			c.PeriodType, c.PeriodStart, c.PeriodEnd = "duration", f.PeriodStart, f.PeriodEnd
		default:
			c.PeriodType = "unknown"
		}
		if len(f.Dimensions) == 0 {
			plain = append(plain, c)
		} else if len(dimensional) < maxDimensional {
			dimensional = append(dimensional, c)
		}
	}
	return append(plain, dimensional...)
}

// tableMetrics reads rows whose label is in labelRules and takes the cell
// of the latest year from the header above, or the first cell without one.
//
// NOTE: rows whose label and numbers the PDF text prints apart (column by
// column) are not paired.
func tableMetrics(text string, ci int, c passes.Chunk) []passes.MetricCandidate {
	var out []passes.MetricCandidate
	for _, ln := range splitLines(c.Text, c.Offset) {
		label, cells := rowCells(ln)
		if len(cells) == 0 {
			continue
		}
		metric := labelMetric(label)
		if metric == "" {
			continue
		}
		h := headerAbove(text, ln.Start)
		pick := cells[h.current(len(cells))]
		n, ok := parseNumber(pick.Text)
		if !ok || (perShare[metric] && strings.Contains(pick.Text, ",")) {
			// A per-share row with thousands separators is a share count,
			// such as "Basic 4,154" under weighted average shares.
			continue
		}
		m := passes.MetricCandidate{
			Hint:       passes.Hint{Chunk: ci, Offset: pick.Start},
			Quote:      pick.Text,
			Metric:     metric,
			Label:      label,
			Display:    pick.Text,
			Source:     "table",
			Confidence: 0.7,
		}
		setUnit(&m, metric, n, h.scale)
		m.PeriodType = "unknown"
		if end := h.periodEnd(); end != "" {
			m.PeriodType, m.PeriodEnd = "duration", end
			if instantMetrics[metric] {
				m.PeriodType = "instant"
			}
		} else {
			setPeriod(&m, text, ln.Start)
		}
		out = append(out, m)
	}
	return out
}

func labelMetric(label string) string {
	l := strings.ToLower(strings.Join(strings.Fields(label), " "))
	l = strings.TrimRight(l, " :.")
	return firstMatch(labelRules, l)
}

var perShare = map[string]bool{passes.MetricEPSDiluted: true, passes.MetricEPSBasic: true, passes.MetricDividendsPerShare: true}

// setUnit fills unit, currency, scale and value; per-share figures carry no
// scale.
func setUnit(m *passes.MetricCandidate, metric string, n parsedNumber, scale int) {
	switch metric {
	case passes.MetricEPSDiluted, passes.MetricEPSBasic, passes.MetricDividendsPerShare:
		m.Unit, m.Currency, m.Scale = "USD/shares", "USD", 0
	case passes.MetricSharesOutstanding:
		m.Unit, m.Scale = "shares", scale
	case passes.MetricCapex:
		// Capital expenditures are a payment amount, printed as an outflow
		// "(1,577)" in cash flow statements and positive in XBRL.
		m.Unit, m.Currency, m.Scale = "USD", "USD", scale
		n.Digits = strings.TrimPrefix(n.Digits, "-")
	default:
		m.Unit, m.Currency, m.Scale = "USD", "USD", scale
	}
	m.Value = scaleDecimal(n.Digits, m.Scale)
}

// setPeriod takes the period of the nearest "three months ended <date>"
// header within 4000 bytes before off. Only the end date is known.
func setPeriod(m *passes.MetricCandidate, text string, off int) {
	m.PeriodType = "unknown"
	from := max(off-4000, 0)
	all := periodHeaderRe.FindAllStringSubmatch(text[from:off], -1)
	if len(all) == 0 {
		return
	}
	// A header row names every column ("Three Months Ended September 30,
	// 2026\tThree Months Ended September 30, 2025"); the first column is
	// the current period.
	last := all[len(all)-1]
	locs := periodHeaderRe.FindAllStringSubmatchIndex(text[from:off], -1)
	lastAt := from + locs[len(locs)-1][0]
	lineStart := strings.LastIndexByte(text[:lastAt], '\n') + 1
	if first := periodHeaderRe.FindStringSubmatch(text[lineStart:off]); first != nil {
		last = first
	}
	date := ""
	for _, g := range last[2:] {
		if g != "" {
			date = g
			break
		}
	}
	if iso, ok := isoDate(date); ok {
		m.PeriodType, m.PeriodEnd = "duration", iso
	}
}

// isoDate parses "July 29, 2023" or "Sept. 30 2023" into "2023-07-29".
func isoDate(s string) (string, bool) {
	s = strings.Join(strings.Fields(strings.ReplaceAll(strings.ReplaceAll(s, ",", " "), ".", " ")), " ")
	if len(s) < 4 {
		return "", false
	}
	for _, layout := range []string{"January 2 2006", "Jan 2 2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02"), true
		}
	}
	if strings.HasPrefix(s, "Sept ") {
		return isoDate("Sep " + s[5:])
	}
	return "", false
}
