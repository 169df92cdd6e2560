package rules

import (
	"regexp"
	"strings"

	"github.com/finx-dev/finx/extractors/passes"
)

var (
	// sentenceFigureRe finds "Net sales of $14,694 million" and "net income
	// for the fiscal quarter ended November 2, 2024 was $44.2 million": a
	// metric phrase, at most 160 bytes without a sentence end or a tab (a
	// table cell), then a dollar amount with a scale word.
	sentenceFigureRe = regexp.MustCompile(`(?i)\b(net sales|net revenues?|total revenues?|revenues?|net income|net earnings|operating income|adjusted ebitda|free cash flow)\b((?:[^.;$\n\t]|\.\d|\n[a-z0-9]){0,160}?(?:\bwas|\bwere|\bof|\btotaled|\btotaling|\bto|\breached|\bat)\s+)(\$\s?\(?[0-9][0-9,]*(?:\.[0-9]+)?\)?)\s*(thousand|million|billion)\b`)
	// perShareRe finds "$0.88 per share on a diluted basis" and "diluted
	// EPS of $1.25".
	perShareRe = regexp.MustCompile(`(?i)(\$\s?\(?[0-9]+\.[0-9]{2}\)?) per (?:diluted )?share(?: on a diluted basis)?|\bdiluted (?:eps|earnings per share)(?: [a-z ]{0,40}?)? (?:of|was|were) (\$\s?\(?[0-9]+\.[0-9]{2}\)?)`)
)

var (
	// changeVerbRe must precede "to" in "Net sales increased 18.3% to
	// $10.2 billion"; without it "to" is "due to" or "compared to".
	changeVerbRe = regexp.MustCompile(`(?i)\b(increased|decreased|grew|rose|fell|declined|improved)\b`)
	// otherAmountRe matches words between the metric name and the amount
	// that make the amount another figure: a tax, an expense, a change, a
	// deferred balance or a part of the metric.
	otherAmountRe = regexp.MustCompile(`(?i)\b(tax|taxes|expenses?|increase in|decrease in|impact|effect|compared|balances?|remaining|deferred|related to|excluding|payments?|recognized)\b`)
	// comparisonRe matches the words after an amount that make it a
	// difference: "$1,846.4 million lower than net income".
	comparisonRe = regexp.MustCompile(`(?i)^\s*(lower|higher|more|less|greater|below|above)\b`)
	// qualifierRe matches a capitalized word that ends the text before a
	// metric name inside a sentence, a region or segment such as "Total
	// U.S. revenues" or "China/Hong Kong net sales".
	qualifierRe = regexp.MustCompile(`[a-z,]\s+(?:Total\s+)?[A-Z][A-Za-z./&]*\s*$`)
	// deferredRe matches the words before "revenue" that name a balance, a
	// cost or a part: "deferred revenue", "cost of revenues", "excludes net
	// income attributable to shares to be repurchased".
	deferredRe = regexp.MustCompile(`(?i)\b(deferred|unearned|unbilled|costs? of|excludes|excluding|includes|including)\s*$`)
	// channelRe matches a word before a metric name that makes the figure
	// a channel's, a geography's or a product line's: "Online revenue",
	// "International net sales", "Services revenue".
	channelRe = regexp.MustCompile(`(?i)\b(online|digital|e-?commerce|in-store|stores?|domestic|international|foreign|regional|segment|u\.s\.|united states|north america|americas|europe|emea|asia pacific|apac|latin america|china|japan|canada|products?|services|subscriptions?|hardware|software|advertising|licensing|wholesale|retail)\s*$`)
	// segmentMiddleRe matches words between a metric name and its amount
	// that restrict the figure to a part of the company: "revenues for
	// the automotive segment".
	segmentMiddleRe = regexp.MustCompile(`(?i)\b(segment|division|region|geographic)`)
	// rangeAfterRe matches the second end of a range after an amount:
	// "$855 million to $875 million" is a target, not a reported figure.
	rangeAfterRe = regexp.MustCompile(`(?i)^\s*(?:million|billion|thousand)?\s*(?:to|-|–|—)\s*\$?\s?[0-9]`)
)

// forwardLookback is how many bytes before a figure's metric name are read
// for a forward-looking word of the same sentence, as in "the Company
// expects net sales of $855 million".
const forwardLookback = 120

// forwardBefore reports whether the sentence before offset start of text has
// a forward-looking word.
func forwardBefore(text string, start int) bool {
	before := text[max(start-forwardLookback, 0):start]
	if i := strings.LastIndexAny(before, ".;!?\n"); i >= 0 && (i+1 >= len(before) || before[i] != '.' || before[i+1] == ' ' || before[i+1] == '\n') {
		before = before[i+1:]
	}
	return isForward(before)
}

var sentenceMetricNames = map[string]string{
	"net sales": passes.MetricRevenue, "net revenue": passes.MetricRevenue, "net revenues": passes.MetricRevenue,
	"total revenue": passes.MetricRevenue, "total revenues": passes.MetricRevenue,
	"revenue": passes.MetricRevenue, "revenues": passes.MetricRevenue,
	"net income": passes.MetricNetIncome, "net earnings": passes.MetricNetIncome,
	"operating income": passes.MetricOperatingIncome, "adjusted ebitda": passes.MetricAdjustedEBITDA,
	"free cash flow": passes.MetricFreeCashFlow,
}

// sentenceMetrics finds reported figures in running text; periods indexes
// the text that c is a part of.
func sentenceMetrics(ci int, c passes.Chunk, periods *periodIndex) []passes.MetricCandidate {
	var out []passes.MetricCandidate
	for _, m := range sentenceFigureRe.FindAllStringSubmatchIndex(c.Text, -1) {
		quote := c.Text[m[0]:m[1]]
		if forwardRe.MatchString(quote) || forwardBefore(c.Text, m[0]) || rangeAfterRe.MatchString(c.Text[m[7]:]) {
			// A forward-looking figure is guidance, not a reported one.
			continue
		}
		middle := c.Text[m[4]:m[5]]
		before := c.Text[max(m[2]-40, 0):m[2]]
		connector := strings.ToLower(strings.TrimSpace(middle))
		if (connector == "to" || strings.HasSuffix(connector, " to")) && !changeVerbRe.MatchString(middle) || otherAmountRe.MatchString(middle) ||
			comparisonRe.MatchString(c.Text[m[1]:]) || deferredRe.MatchString(before) {
			continue
		}
		name := strings.ToLower(c.Text[m[2]:m[3]])
		n, ok := parseNumber(strings.TrimPrefix(c.Text[m[6]:m[7]], "$"))
		if !ok {
			continue
		}
		cand := passes.MetricCandidate{
			Hint:       passes.Hint{Chunk: ci, Offset: c.Offset + m[0]},
			Quote:      quote,
			Metric:     sentenceMetricNames[name],
			Label:      c.Text[m[2]:m[3]],
			Display:    c.Text[m[6]:m[7]],
			Source:     "text",
			Confidence: 0.6,
		}
		if qualifierRe.MatchString(before) || channelRe.MatchString(before) || segmentMiddleRe.MatchString(middle) {
			// A region's, channel's or segment's figure, not the company's.
			cand.Confidence, cand.ReviewReason = unsureConfidence, reasonQualifiedMetric
		}
		setUnit(&cand, cand.Metric, n, scaleWords[strings.ToLower(c.Text[m[8]:m[9]])])
		// A period named inside the quote ("for the three months ended June
		// 30, 2024 was $885 million") wins over a header above it.
		periods.setPeriod(&cand, c.Offset+m[0], c.Offset+m[1])
		if cand.PeriodType == "unknown" {
			periods.setPeriod(&cand, c.Offset, c.Offset+m[0])
		}
		if cand.PeriodType == "unknown" {
			periods.setPeriod(&cand, c.Offset, c.Offset+m[1])
		}
		out = append(out, cand)
	}
	for _, m := range perShareRe.FindAllStringSubmatchIndex(c.Text, -1) {
		quote := c.Text[m[0]:m[1]]
		if !strings.Contains(strings.ToLower(quote), "diluted") || forwardRe.MatchString(quote) || forwardBefore(c.Text, m[0]) || rangeAfterRe.MatchString(c.Text[m[1]:]) {
			continue
		}
		gs, ge := m[2], m[3]
		if gs < 0 {
			gs, ge = m[4], m[5]
		}
		n, ok := parseNumber(strings.TrimPrefix(strings.TrimSpace(c.Text[gs:ge]), "$"))
		if !ok {
			continue
		}
		cand := passes.MetricCandidate{
			Hint:       passes.Hint{Chunk: ci, Offset: c.Offset + m[0]},
			Quote:      quote,
			Metric:     passes.MetricEPSDiluted,
			Label:      "diluted earnings per share",
			Display:    c.Text[gs:ge],
			Source:     "text",
			Confidence: 0.6,
		}
		setUnit(&cand, cand.Metric, n, 0)
		periods.setPeriod(&cand, c.Offset, c.Offset+m[1])
		out = append(out, cand)
	}
	return out
}
