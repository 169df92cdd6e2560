package rules

import (
	"context"
	"regexp"
	"strconv"
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
	lastEnd := lastFactEnd(req.Document)
	periods, err := newPeriodIndex(ctx, req.Document.Text)
	if err != nil {
		return out
	}
	if req.Pass == passes.PassPrimary {
		out = append(out, factMetrics(req.Document)...)
		attributable, err := findAll(ctx, attributableRe, req.Document.Text)
		if err != nil {
			return out
		}
		headers, err := newHeaderIndex(ctx, req.Document.Text)
		if err != nil {
			return out
		}
		scales, err := newScaleIndex(ctx, req.Document)
		if err != nil {
			return out
		}
		for ci, c := range req.Chunks {
			if ctx.Err() != nil {
				return out
			}
			out = append(out, checkPeriodEnd(tableMetrics(ctx, headers, periods, scales, ci, c, len(attributable) > 0), lastEnd)...)
		}
		return out
	}
	for ci, c := range req.Chunks {
		if ctx.Err() != nil {
			return out
		}
		for _, m := range checkPeriodEnd(sentenceMetrics(ci, c, periods), lastEnd) {
			if !known[collapse(m.Quote)] {
				out = append(out, m)
			}
		}
	}
	return out
}

// unsureConfidence is the confidence of a figure that a rule below doubts;
// it is under the default accept threshold of passes.Config (0.5), so the
// item is needs_review.
const unsureConfidence = 0.45

// Review reasons of the figures that a rule holds for review with a cause
// that "low_confidence" would hide.
const (
	// reasonQualifiedMetric marks a figure of a segment, geographic area,
	// channel or other part of the company.
	reasonQualifiedMetric = "qualified_metric"
	// reasonQuarterColumn marks a column of a table of quarters.
	reasonQuarterColumn = "quarter_column"
	// reasonSectionScale marks a table row whose scale comes from its
	// section heading, not from a header of its table.
	reasonSectionScale = "section_scale"
)

// historyConfidence is the confidence of a value that a rule reads as a
// past result rather than a target. It is under the default review
// threshold of passes.Config (0.2), so the passes drop and count it.
const historyConfidence = 0.1

// lastFactEnd returns the latest period end or instant of the document's
// XBRL facts, or "" without facts.
func lastFactEnd(doc *schemas.Document) string {
	last := ""
	for _, f := range doc.Facts {
		last = max(last, f.PeriodEnd, f.Instant)
	}
	return last
}

// checkPeriodEnd lowers the confidence of figures whose period ends after
// the latest XBRL fact. A filing reports no period that has not ended, so
// such a date comes from a misread header.
func checkPeriodEnd(cands []passes.MetricCandidate, lastEnd string) []passes.MetricCandidate {
	if lastEnd == "" {
		return cands
	}
	for i := range cands {
		if cands[i].PeriodEnd > lastEnd {
			cands[i].Confidence = min(cands[i].Confidence, unsureConfidence)
		}
	}
	return cands
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
//
// consolidated is set when the document reports net income attributable to
// the company's stockholders.
func tableMetrics(ctx context.Context, headers *headerIndex, periods *periodIndex, scales *scaleIndex, ci int, c passes.Chunk, consolidated bool) []passes.MetricCandidate {
	var out []passes.MetricCandidate
	text := headers.text
	for i, ln := range splitLines(c.Text, c.Offset) {
		if stopped(ctx, i+1) {
			return out
		}
		label, cells := rowCells(ln)
		if len(cells) == 0 {
			continue
		}
		metric := labelMetric(label)
		if metric == "" || inEquityStatement(text, ln.Start) {
			continue
		}
		h := headers.headerAbove(ln.Start)
		col := h.current(len(cells))
		quarters := len(h.columnDays) >= 2
		if quarters && len(cells) == len(h.columnDays) {
			col = h.latestDayColumn()
		}
		pick := cells[col]
		n, ok := parseNumber(pick.Text)
		if !ok || (perShare[metric] && strings.Contains(pick.Text, ",")) {
			// A per-share row with thousands separators is a share count,
			// such as "Basic 4,154" under weighted average shares.
			continue
		}
		if isPercentCell(text, pick) || h.percentOf || h.restated {
			// Ratios are no amounts, and the first column of a restatement
			// table is the superseded figure.
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
		scale := h.scale
		if scale == 0 {
			scale = scales.caption(pick.Start)
		}
		unsureScale := false
		if scale == 0 && !perShare[metric] {
			// Filers print statements in thousands or millions. A monetary
			// table without a scale header above it more likely has its
			// header out of reach than figures in whole dollars, so the
			// scale that a section states ("Item 7 ... (amounts in
			// millions)") applies, and the figure is held for review.
			scale, unsureScale = scales.section(pick.Start), true
		}
		setUnit(&m, metric, n, scale)
		if unsureScale {
			m.Confidence, m.ReviewReason = unsureConfidence, reasonSectionScale
		}
		if metric == passes.MetricNetIncome && consolidated && plainNetIncomeRe.MatchString(label) {
			// The filer reports net income attributable to its
			// stockholders, so the plain row includes noncontrolling
			// interests.
			m.Confidence = unsureConfidence
		}
		// NOTE: a segment named by a row label ("Americas:" over "Net
		// sales") is not detected. Such rows usually lack a period, so they
		// end up needs_review for that reason only.
		if h.segments || h.partial {
			// Columns per segment or a part of the company: the cell
			// picked is not the company's figure.
			m.Confidence, m.ReviewReason = unsureConfidence, reasonQualifiedMetric
		}
		instant := instantMetrics[metric] || instantLabelRe.MatchString(label)
		m.PeriodType = "unknown"
		if quarters {
			// A table of quarters: each column ends on its own date, and
			// none of them is the year that a header further up names.
			// The quarter's start and the fiscal calendar are not known,
			// so the figure is held for review.
			m.Confidence, m.ReviewReason = unsureConfidence, reasonQuarterColumn
			if h.soleYear != 0 && len(cells) == len(h.columnDays) {
				m.PeriodType, m.PeriodEnd = "duration", strconv.Itoa(h.soleYear)+"-"+h.columnDays[col]
			}
		} else if end := h.periodEnd(); end != "" {
			m.PeriodType, m.PeriodEnd = "duration", end
			m.PeriodStart = periodStart(end, h.columnMonths(col))
		} else {
			periods.setPeriod(&m, 0, ln.Start)
			if m.PeriodEnd != "" && len(h.years) > 0 && m.PeriodEnd[:4] != strconv.Itoa(h.latestYear()) {
				// The "years ended" phrase found above belongs to other
				// text, not to this table's columns.
				m.PeriodType, m.PeriodStart, m.PeriodEnd = "unknown", "", ""
			}
		}
		if instant && m.PeriodType == "duration" {
			m.PeriodType, m.PeriodStart = "instant", ""
		}
		out = append(out, m)
	}
	return out
}

var (
	// instantLabelRe matches row labels of balance-sheet figures that the
	// metric taxonomy files under "other".
	instantLabelRe = regexp.MustCompile(`(?i)^property,? (plant,? )?and equipment`)
	// attributableRe finds a row of net income attributable to the
	// company's stockholders; noncontrolling interests start with "n".
	attributableRe = regexp.MustCompile(`(?m)^[ \t]*Net (?:income|earnings)(?: \(loss\))? attributable to (?:common|[A-Z0-9]|[a-mo-z])`)
	// plainNetIncomeRe matches a net income label without attribution.
	plainNetIncomeRe = regexp.MustCompile(`(?i)^net (income|earnings)( \(loss\))?$`)
	// balanceLineRe matches the opening balance line of a statement of
	// stockholders' equity: "Balances as of Jul 27, 2025", "Balance at
	// December 31, 2017".
	balanceLineRe = regexp.MustCompile(`(?i)^balances?(?:,|\s+as\s+of\b|\s+at\b)`)
)

// equityLookback is how many lines above a row an equity statement's
// balance line may sit.
const equityLookback = 6

// inEquityStatement reports whether the row at off lies in a statement of
// stockholders' equity, whose columns are equity components, not periods.
// A "Net income" row there repeats one year's figure under retained
// earnings and total.
func inEquityStatement(text string, off int) bool {
	lineStart := strings.LastIndexByte(text[:off], '\n') + 1
	for range equityLookback {
		if lineStart == 0 {
			return false
		}
		prevStart := strings.LastIndexByte(text[:lineStart-1], '\n') + 1
		if balanceLineRe.MatchString(strings.TrimSpace(text[prevStart : lineStart-1])) {
			return true
		}
		lineStart = prevStart
	}
	return false
}

// isPercentCell reports whether a cell is a percentage: it ends with "%" or
// the next text on its line is "%".
func isPercentCell(text string, c cell) bool {
	if strings.HasSuffix(c.Text, "%") {
		return true
	}
	rest := strings.TrimLeft(text[c.Start+len(c.Text):], " \t")
	return strings.HasPrefix(rest, "%")
}

func labelMetric(label string) string {
	l := strings.ToLower(strings.Join(strings.Fields(label), " "))
	l = strings.TrimRight(l, " :.")
	if strings.Contains(l, "noncontrolling") || strings.Contains(l, "non-controlling") {
		// "Net income attributable to noncontrolling interests" is the
		// minority share, not the company's net income.
		return ""
	}
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
