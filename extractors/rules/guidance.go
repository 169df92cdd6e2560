package rules

import (
	"context"
	"math/big"
	"regexp"
	"strings"

	"github.com/finx-dev/finx/extractors/passes"
)

// maxClauseLines is the most line breaks a guidance clause may span in PDF
// text, where a sentence wraps every 100 to 150 bytes.
const maxClauseLines = 3

// Building blocks of guidance values: "$10.95 billion", "67", "35 percent",
// "14.7%", "$(0.04)", "cents per share".
const (
	valuePat = `\$?\s?\(?[0-9][0-9,]*(?:\.[0-9]+)?\)?`
	unitPat  = `(?:\s*(?:trillion|billion|million|thousand|percent|%|cents?(?: per (?:diluted )?share)?|per (?:diluted )?share|percentage points?|bps|basis points))?`
)

var (
	forwardRe = regexp.MustCompile(`(?i)\b(expects?|expected|expecting|outlook|guidance|forecast(?:s|ing)?|reiterat(?:es|ed|ing)|raises|raised|raising|now expects|continues to expect|anticipates?|projects?|plans to|initiat(?:es|ing))\b`)
	// amountRe finds a range ("$850-950 million", "67 to 71 cents per
	// share") or a point ("approximately $1.1 million", "9 percent").
	amountRe = regexp.MustCompile(`(?i)(` + valuePat + unitPat + `)(?:\s*(?:to|-|–|—|and)\s*(` + valuePat + unitPat + `))?`)
	priorRe  = regexp.MustCompile(`(?i)^[\s,;]*\(?previously\s+(?:guided\s+)?(?:to\s+)?(` + valuePat + unitPat + `)(?:\s*(?:to|-|–)\s*(` + valuePat + unitPat + `))?\)?`)
	periodRe = regexp.MustCompile(`(?i)\b(?:full[- ]year\s+(?:fiscal\s+)?(?:fy\s?)?'?\d{2,4}|fiscal(?:\s+year)?\s+'?\d{2,4}|fy\s?'?\d{2,4}|(?:first|second|third|fourth)[- ]quarter(?:\s+(?:of\s+)?(?:fiscal\s+)?(?:fy\s?)?'?\d{2,4})?|q[1-4]\s+(?:fiscal\s+)?(?:fy\s?)?'?\d{2,4}|fiscal\s+q[1-4]|(?:full|fiscal)\s+year|(?:first|second|third|fourth)\s+fiscal\s+quarter|(?:first|second|third|fourth)\s+quarter)\b`)
	yearRe   = regexp.MustCompile(`^(19|20)\d\d$`)
	// footnoteRe matches a footnote marker such as "3)" at a clause start.
	footnoteRe = regexp.MustCompile(`^\d{1,2}\)\s*`)
	// reportedRe marks a sentence about past results, which the recall pass
	// does not read as guidance.
	reportedRe = regexp.MustCompile(`(?i)\b(was|were|increased|decreased|grew|declined|reported|compared|rose|fell|ended)\b`)
	// pastClauseRe marks a clause that states a result or a base figure,
	// such as "compared to 2022 core EPS of $6.79" or "exceeded our margin
	// target ... up 1,000 basis points".
	pastClauseRe = regexp.MustCompile(`(?i)\b(was|were|increased|decreased|grew|declined|reported|compared|rose|fell|ended|exceeded|delivered|achieved|communicated|used)\b`)
	// pastGuidanceRe matches references to earlier guidance in a report of
	// results ("in line with guidance provided in May"), which do not make
	// a sentence forward-looking.
	pastGuidanceRe = regexp.MustCompile(`(?i)\b(?:in line with|above|below|exceed(?:ed|ing)?|beat|versus|vs\.?|compared (?:to|with)|(?:top|high|low) end of)\s+(?:our |the |its )?(?:prior |previous |previously (?:issued|provided) )?(?:guidance|outlook)(?:\s+provided)?`)
)

var (
	// deltaAfterRe matches the words after a value that make it a change.
	deltaAfterRe = regexp.MustCompile(`^ (lower|higher|increase|decrease|reduction|benefit|impact|headwind|tailwind|improvement|favorable|unfavorable)\b`)
	// deltaBeforeRe matches the words before a value that make it an
	// effect.
	deltaBeforeRe = regexp.MustCompile(`\b((impact|benefit|headwind|tailwind|effect) of|(reduced|increased|decreased|lowered|raised|improved) by) (approximately |about )?$`)
	// allocationBeforeRe and allocationAfterRe match the words around a
	// percentage that make it a share of an amount rather than a target:
	// "split approximately 80% to cost of sales and 20% to operating
	// expenses".
	allocationBeforeRe = regexp.MustCompile(`\b(split|allocated|divided)\b`)
	allocationAfterRe  = regexp.MustCompile(`^ to [a-z]`)
)

// changeBeforeRe matches the verb right before a percentage that makes it
// a rate of change: "to increase 9 percent", "to grow between 16% and".
var changeBeforeRe = regexp.MustCompile(`\b(increase|grow|decline|decrease)s?( by| between| approximately| about)? $`)

// levelMetrics are guidance metrics that are percentages themselves, so a
// percentage of them is a level, not a growth rate.
var levelMetrics = map[string]bool{"gross_margin": true, "operating_margin": true, "tax_rate": true, "comparable_sales": true, passes.MetricOther: true}

// isForward reports whether a sentence looks forward: it has a forward word
// outside the references to earlier guidance.
func isForward(s string) bool {
	// Every alternative of forwardRe contains one of these stems. Most
	// sentences contain none, and this check costs a fraction of a run of
	// the pattern.
	if !hasAny(asciiLower(s), "expect", "outlook", "guidance", "forecast", "reiterat", "rais", "anticipat", "project", "plans to", "initiat") {
		return false
	}
	if !forwardRe.MatchString(s) {
		return false
	}
	return forwardRe.MatchString(pastGuidanceRe.ReplaceAllString(s, ""))
}

// guidanceMetricRules map the words next to a value to a metric key.
var guidanceMetricRules = []keywordRule{
	rule(`(adjusted|non-gaap|core)[a-z ]{0,30}(eps|earnings per share)`, "adjusted_eps"),
	rule(`\beps\b|earnings per share|per share`, "eps"),
	rule(`free cash flow`, "free_cash_flow"),
	rule(`operating cash flow|cash flow from operations`, "operating_cash_flow"),
	rule(`operating margin`, "operating_margin"),
	rule(`operating income`, "operating_income"),
	rule(`gross margin`, "gross_margin"),
	rule(`tax rate`, "tax_rate"),
	rule(`capital expenditures|capex`, "capex"),
	rule(`operating expenses|opex`, "operating_expenses"),
	rule(`other income`, "other_income"),
	rule(`share repurchases?|buyback`, "share_repurchases"),
	rule(`cash returns|returns? to shareholders`, "shareholder_returns"),
	rule(`depreciation`, "depreciation_amortization"),
	rule(`comparable sales|same.store`, "comparable_sales"),
	rule(`net sales|revenues?|sales`, "revenue"),
	rule(`ebitda`, "adjusted_ebitda"),
	rule(`\bebit\b`, "ebit"),
	rule(`equity in (net )?(income|earnings|loss)`, "equity_income"),
	rule(`net income|earnings`, "net_income"),
}

// findGuidance returns guidance candidates. The primary pass reads every
// sentence of outlook sections, forward-looking sentences elsewhere and
// outlook tables. The recall pass reads the sentences that follow a
// forward-looking one, such as the items of a list that "the Company
// expects:" opens.
func findGuidance(ctx context.Context, req passes.Request, known map[string]bool) []passes.GuidanceCandidate {
	var out []passes.GuidanceCandidate
	// Values already read as outlook table cells are not read again as part
	// of a sentence, which in PDF text runs across the table rows.
	var covered [][2]int
	for ci, c := range req.Chunks {
		if c.Section != "outlook" {
			continue
		}
		if ctx.Err() != nil {
			return out
		}
		for _, g := range tableGuidance(ci, c) {
			covered = append(covered, [2]int{g.Offset, g.Offset + len(g.Quote)})
			if req.Pass == passes.PassPrimary {
				out = append(out, g)
			}
		}
	}
	for ci, c := range req.Chunks {
		if ctx.Err() != nil {
			return out
		}
		inOutlook := c.Section == "outlook"
		prevForward, prevLabel, prevEnd := false, false, 0
		for si, s := range sentences(c.Text) {
			if stopped(ctx, si+1) {
				return out
			}
			forward := isForward(s.text)
			follows := prevForward
			// A sentence in the same bullet as an "outlook:" label
			// ("Fiscal 2024 outlook: Adjusted EPS of 67-71 cents per
			// share. Adjusted Free Cash Flow of $850-950 million.") is
			// part of the outlook it opens.
			labelled := prevLabel && sameItem(c.Text[min(prevEnd, s.start):s.start])
			prevForward = forward
			prevLabel = (forward && outlookLabelRe.MatchString(s.text)) || labelled
			prevEnd = s.start + len(s.text)
			if req.Pass == passes.PassPrimary && !forward && !inOutlook && !labelled {
				continue
			}
			if req.Pass == passes.PassRecall && (forward || inOutlook || labelled || !follows || reportedRe.MatchString(s.text)) {
				continue
			}
			conf := 0.75
			if !forward {
				conf = 0.6
			}
			found := sentenceGuidance(ci, c, s, conf)
			for _, g := range found {
				if !known[collapse(g.Quote)] && !overlapsAny(covered, g.Offset, g.Offset+len(g.Quote)) {
					out = append(out, g)
				}
			}
			if len(found) == 0 && req.Pass == passes.PassPrimary {
				if w, ok := withdrawalCandidate(ci, c, s); ok && !known[collapse(w.Quote)] {
					out = append(out, w)
				}
			}
		}
	}
	return out
}

// sameItem reports whether the text between two sentences keeps them in
// one list item: it holds no bullet and no blank line.
func sameItem(between string) bool {
	return !strings.ContainsAny(between, "•●▪*") && !strings.Contains(between, "\n\n")
}

// outlookLabelRe matches a label that opens a list of targets: "Fiscal 2024
// outlook:", "Guidance:".
var outlookLabelRe = regexp.MustCompile(`(?i)\b(?:outlook|guidance)\s*:`)

func overlapsAny(spans [][2]int, start, end int) bool {
	for _, s := range spans {
		if start < s[1] && s[0] < end {
			return true
		}
	}
	return false
}

// span is a sentence of a chunk; start is its byte offset in the chunk.
type span struct {
	start int
	text  string
}

// sentenceBreakRe also breaks after a short line without final punctuation
// that the next line does not continue, which is a heading such as
// "Fiscal 2027 Outlook".
var sentenceBreakRe = regexp.MustCompile(`[.;!?][”"]?\s+[A-Z•“(]|[.;:]\s*\n|\n\s*[•●▪*]\s*|\n\s*\n|:\s*\n|(?m)^[A-Z][^\n.;:]{0,50}[A-Za-z]\n`)

// sentences splits text at sentence ends, bullets and blank lines. Decimal
// points do not split because a break needs whitespace after the period.
func sentences(text string) []span {
	var out []span
	start := 0
	for _, loc := range sentenceBreakRe.FindAllStringIndex(text, -1) {
		if c := text[loc[0]]; c >= 'A' && c <= 'Z' {
			// A heading line: it is a sentence of its own.
			if loc[0] > start {
				out = append(out, span{start: start, text: text[start:loc[0]]})
			}
			out = append(out, span{start: loc[0], text: text[loc[0] : loc[1]-1]})
			start = loc[1]
			continue
		}
		if loc[0] < start {
			continue
		}
		end := loc[0] + 1
		if end > start {
			out = append(out, span{start: start, text: text[start:end]})
		}
		start = end
		// Skip the whitespace and bullet that opened the next sentence.
		for start < loc[1] && (strings.ContainsRune(" \t\n\f•●▪*", rune(text[start])) || text[start] >= 0x80) {
			if text[start] >= 0x80 {
				break
			}
			start++
		}
	}
	if start < len(text) {
		out = append(out, span{start: start, text: text[start:]})
	}
	return out
}

// sentenceGuidance returns one candidate per range or point in the
// sentence. Each quote runs from the end of the previous value (or the
// sentence start) to the end of the value's clause, so that a sentence with
// two targets gives two quotes.
func sentenceGuidance(ci int, c passes.Chunk, s span, conf float64) []passes.GuidanceCandidate {
	var out []passes.GuidanceCandidate
	matches := amountRe.FindAllStringSubmatchIndex(s.text, -1)
	prevEnd := 0
	// The direction words apply to every value of the sentence.
	dir := ""
	for _, m := range matches {
		if m[0] < prevEnd {
			continue
		}
		lowText := s.text[m[2]:m[3]]
		highText := lowText
		if m[4] >= 0 {
			highText = s.text[m[4]:m[5]]
		}
		low, lowUnit, ok1 := parseAmount(lowText)
		high, highUnit, ok2 := parseAmount(highText)
		if !ok1 || !ok2 {
			continue
		}
		lowUnit, highUnit = shareUnit(lowUnit, highUnit)
		if sc, ok := unitLineScale(c.Text[s.start+m[1]:]); ok && highUnit.kind == "usd" && highUnit.scale == 0 {
			// "Revenue $8.51 - $8.53" over a line "Billion Billion".
			lowUnit.scale, highUnit.scale = sc, sc
		}
		if highUnit.kind == "" || (!strings.Contains(lowText, "$") && !strings.Contains(highText, "$") && highUnit.kind == "usd") {
			// A bare number ("2023", "25-30 stores") is not a target.
			continue
		}
		clauseEnd := clauseEnd(s.text, m[1])
		// "(previously 6 percent)" right after the clause holds the prior
		// target; its numbers belong to this item.
		priorAt := clauseEnd
		prior := priorRe.FindStringSubmatchIndex(s.text[priorAt:])
		if prior != nil {
			clauseEnd = priorAt + prior[1]
		}
		qStart := clauseStart(s.text, prevEnd, m[0])
		quote := strings.TrimSpace(s.text[qStart:clauseEnd])
		quote = strings.TrimRight(quote, ",;: ")
		prevEnd = clauseEnd
		if strings.Count(quote, "\n") > maxClauseLines {
			// Text that runs over many short lines is a table, not a
			// sentence.
			continue
		}

		if dir == "" {
			dir = direction(strings.ToLower(s.text))
		}
		ctx := strings.ToLower(s.text[qStart:clauseEnd])
		// Lines wrap inside phrases in PDF text ("Operating\nMargin"), so
		// the words are compared with whitespace collapsed.
		before := strings.ToLower(collapse(s.text[qStart:m[0]])) + " "
		after := " " + strings.ToLower(collapse(s.text[m[1]:priorAt]))
		g := passes.GuidanceCandidate{
			Hint:       passes.Hint{Chunk: ci, Offset: c.Offset + s.start + qStart},
			Quote:      quote,
			Metric:     guidanceMetric(before, after, highUnit),
			Label:      strings.TrimSpace(quote),
			Period:     guidancePeriod(s.text, c.Text[:s.start]),
			Low:        low,
			High:       high,
			Scale:      highUnit.scale,
			Unit:       highUnit.unit,
			Currency:   highUnit.currency,
			Basis:      basis(ctx),
			Direction:  dir,
			Confidence: conf,
		}
		if deltaAfterRe.MatchString(after) || deltaBeforeRe.MatchString(before) {
			// "$800 million lower depreciation expense" and "a benefit of
			// approximately 2%" state an effect on a target, not the target.
			g.Confidence = min(g.Confidence, unsureConfidence)
		}
		if highUnit.kind == "percent" && (allocationAfterRe.MatchString(after) || allocationBeforeRe.MatchString(before)) {
			g.Confidence = min(g.Confidence, unsureConfidence)
		}
		if periodColumns(s.text, c.Text[:s.start]) {
			// "Q2 FY24 Full Year FY24" heads two columns; which one this
			// value is in is not known.
			g.Confidence = min(g.Confidence, unsureConfidence)
		}
		if implausibleDollars(g.Metric, g.Unit, g.Scale, g.High) {
			g.Confidence = min(g.Confidence, unsureConfidence)
		}
		if pastClauseRe.MatchString(s.text[qStart:clauseEnd]) && !isForward(s.text[qStart:clauseEnd]) {
			// A result or a comparison base ("compared to 2022 core EPS of
			// $6.79", "the Company used a tax rate of 22.0%"), not a target.
			g.Confidence = min(g.Confidence, historyConfidence)
		}
		if g.Metric == "" || g.Metric == passes.MetricOther {
			// A value without a metric name is rarely a target.
			g.Metric, g.Confidence = passes.MetricOther, min(conf, 0.4)
		}
		if highUnit.kind == "percent" && (strings.Contains(after, "growth") || changeBeforeRe.MatchString(before) && !levelMetrics[g.Metric]) {
			// "EPS to increase 9 percent" is a growth rate, unlike
			// "operating margin of 28 percent".
			g.Metric += "_growth"
		}
		if (g.Metric == "eps" || g.Metric == "adjusted_eps") && highUnit.kind == "usd" && highUnit.scale == 0 {
			// "$4.10 to $4.20" of EPS is per share.
			g.Unit = "USD/shares"
		}
		if prior != nil {
			pl, _, ok := parseAmount(s.text[priorAt+prior[2] : priorAt+prior[3]])
			ph := pl
			if prior[4] >= 0 {
				ph, _, _ = parseAmount(s.text[priorAt+prior[4] : priorAt+prior[5]])
			}
			if ok && ph != "" {
				g.PriorLow, g.PriorHigh = pl, ph
				g.Direction = compareDirection(low, high, pl, ph, g.Direction)
			}
		}
		out = append(out, g)
	}
	return out
}

// unitLineRe matches a line that holds only scale words, printed under
// the values of an outlook table: "Billion Billion".
var unitLineRe = regexp.MustCompile(`(?i)^[ \t]*((?:billion|million|thousand)s?)(?:[ \t]+(?:billion|million|thousand)s?)*[ \t]*$`)

// unitLineScale returns the scale of the line after the rest of the current
// line in text, when that line holds only scale words.
func unitLineScale(text string) (int, bool) {
	nl := strings.IndexByte(text, '\n')
	if nl < 0 {
		return 0, false
	}
	next := text[nl+1:]
	if end := strings.IndexByte(next, '\n'); end >= 0 {
		next = next[:end]
	}
	m := unitLineRe.FindStringSubmatch(next)
	if m == nil {
		return 0, false
	}
	return scaleWords[strings.ToLower(strings.TrimSuffix(strings.ToLower(m[1]), "s"))], true
}

// implausibleDollars reports whether a USD target of a company-level metric
// is printed as a few dollars with cents, such as "$8.51" for revenue: its
// scale word was lost.
func implausibleDollars(metric, unit string, scale int, high string) bool {
	if unit != "USD" || scale != 0 || !strings.Contains(high, ".") {
		return false
	}
	v, ok := new(big.Rat).SetString(high)
	return ok && v.Abs(v).Cmp(big.NewRat(1000, 1)) < 0 && metric != "eps" && metric != "adjusted_eps"
}

// shareUnit gives each end of a range the unit of the other when only one
// end prints it: "67 to 71 cents" (the low end) and "$30.8 million to
// $31.7\nmillion" cut at the line break (the high end).
func shareUnit(low, high amountUnit) (amountUnit, amountUnit) {
	if low.kind == "" {
		low = high
	}
	if high.kind == "" || (high.kind == "usd" && high.scale == 0 && low.kind == "usd" && low.scale != 0) {
		high = low
	}
	return low, high
}

// amountUnit is the unit, scale and currency that the words after a number
// give it.
type amountUnit struct {
	kind     string // usd, per_share, cents, percent, or "" when unknown
	scale    int
	unit     string
	currency string
}

// parseAmount reads one value with its unit words.
func parseAmount(s string) (string, amountUnit, bool) {
	s = strings.TrimSpace(s)
	lower := strings.ToLower(s)
	numEnd := strings.IndexFunc(s, func(r rune) bool {
		return !(r == '$' || r == '(' || r == ')' || r == ',' || r == '.' || r == ' ' || r == '-' || (r >= '0' && r <= '9'))
	})
	num := s
	if numEnd >= 0 {
		num = s[:numEnd]
	}
	num = strings.TrimSpace(num)
	n, ok := parseNumber(strings.Replace(num, "$", "", 1))
	if !ok {
		return "", amountUnit{}, false
	}
	var u amountUnit
	switch {
	case strings.Contains(lower, "percentage point"):
		u = amountUnit{kind: "percent", unit: "percentage_points"}
	case strings.Contains(lower, "bps") || strings.Contains(lower, "basis point"):
		u = amountUnit{kind: "percent", scale: -2, unit: "percent"}
	case strings.Contains(lower, "percent") || strings.Contains(lower, "%"):
		u = amountUnit{kind: "percent", unit: "percent"}
	case strings.Contains(lower, "cent"):
		u = amountUnit{kind: "cents", scale: -2, unit: "USD/shares", currency: "USD"}
	case strings.Contains(lower, "per share") || strings.Contains(lower, "per diluted share"):
		u = amountUnit{kind: "per_share", unit: "USD/shares", currency: "USD"}
	case strings.Contains(lower, "trillion"):
		u = amountUnit{kind: "usd", scale: 12, unit: "USD", currency: "USD"}
	case strings.Contains(lower, "billion"):
		u = amountUnit{kind: "usd", scale: 9, unit: "USD", currency: "USD"}
	case strings.Contains(lower, "million"):
		u = amountUnit{kind: "usd", scale: 6, unit: "USD", currency: "USD"}
	case strings.Contains(lower, "thousand"):
		u = amountUnit{kind: "usd", scale: 3, unit: "USD", currency: "USD"}
	case strings.Contains(s, "$"):
		u = amountUnit{kind: "usd", unit: "USD", currency: "USD"}
	}
	if u.kind == "" && yearRe.MatchString(n.Digits) {
		return "", amountUnit{}, false
	}
	return n.Digits, u, true
}

// clauseEnd returns the end of the clause holding a value that ends at
// from: the next comma, semicolon or sentence end, or the sentence end.
func clauseEnd(s string, from int) int {
	for i := from; i < len(s); i++ {
		switch s[i] {
		case ',', ';':
			return i
		case '(':
			return i
		case ' ':
			if strings.HasPrefix(s[i:], " and ") {
				return i
			}
		case '.':
			if i+1 >= len(s) || s[i+1] == ' ' || s[i+1] == '\n' {
				return i
			}
		}
	}
	return len(s)
}

// clauseStart returns where the quote of a value at valueStart begins: just
// after the previous value's clause, skipping ", and " and whitespace.
func clauseStart(s string, prevEnd, valueStart int) int {
	i := prevEnd
	for i < valueStart {
		rest := s[i:valueStart]
		t := strings.TrimLeft(rest, " \t\n,;()")
		t = strings.TrimPrefix(t, "and ")
		t = footnoteRe.ReplaceAllString(t, "")
		if len(t) == len(rest) {
			break
		}
		i = valueStart - len(t)
	}
	return i
}

func guidanceMetric(before, after string, u amountUnit) string {
	// Words right after the value name it in "8 percent organic revenue
	// growth"; otherwise the nearest words before it do.
	head := after
	if i := strings.Index(head, " and "); i >= 0 {
		head = head[:i]
	}
	if len(head) > 60 {
		head = head[:60]
	}
	if u.kind == "percent" || u.kind == "usd" {
		for _, r := range guidanceMetricRules {
			if loc := r.re.FindStringIndex(head); loc != nil && loc[0] <= 25 && !strings.HasPrefix(strings.TrimSpace(head), "from") {
				return r.value
			}
		}
	}
	if u.kind == "cents" || u.kind == "per_share" {
		if m := firstMatch(guidanceMetricRules[:2], before+" "+head); m != "" {
			return m
		}
		return "eps"
	}
	// The phrase that ends nearest to the value wins; on a tie the earlier
	// rule, which is the more specific one ("adjusted diluted EPS").
	best, bestAt := "", -1
	for _, r := range guidanceMetricRules {
		locs := r.re.FindAllStringIndex(before, -1)
		if len(locs) > 0 && locs[len(locs)-1][1] > bestAt {
			best, bestAt = r.value, locs[len(locs)-1][1]
		}
	}
	if best != "" {
		return best
	}
	return firstMatch(guidanceMetricRules, head)
}

// periodColumns reports whether the period of a sentence comes from a
// header line above it that names two or more different periods, one per
// column.
func periodColumns(sentence, before string) bool {
	if periodRe.MatchString(sentence) {
		return false
	}
	from := max(len(before)-1500, 0)
	locs := periodRe.FindAllStringIndex(before[from:], -1)
	if len(locs) < 2 {
		return false
	}
	last := locs[len(locs)-1]
	lineStart := strings.LastIndexByte(before[from:from+last[0]], '\n') + 1
	seen := map[string]bool{}
	for _, p := range periodRe.FindAllString(before[from+lineStart:from+last[1]], -1) {
		seen[strings.ToLower(collapse(p))] = true
	}
	return len(seen) >= 2
}

// periodComparisonRe matches the words before a period that make it the base of
// a comparison or a past event: "compared with first quarter 2019",
// "growth over fiscal 2023", "previously announced in fiscal 2023".
var periodComparisonRe = regexp.MustCompile(`(?i)\b(compared|comparison|versus|vs\.?|over|from|than|relative to|previously|last|prior|year-ago)\b`)

// guidanceHeadingRe matches a heading line that names the guidance it
// opens, such as "First Quarter 2020 Guidance" or "Fiscal 2024 Outlook".
var guidanceHeadingRe = regexp.MustCompile(`(?i)\b(guidance|outlook|forecast)\b`)

// maxHeadingBytes is the longest line that guidancePeriod reads as a
// heading.
const maxHeadingBytes = 100

// guidancePeriod returns the period of a guidance sentence: the first one
// the sentence names outside a comparison, else the last one named in the
// 1500 bytes before it. When the sentence names only comparison bases
// ("compared with first quarter 2019"), the period of the nearest guidance
// heading in those bytes wins, else the last period named there outside a
// comparison. It returns "" when it finds none.
func guidancePeriod(sentence, before string) string {
	if p := targetPeriod(sentence, false); p != "" {
		return p
	}
	from := max(len(before)-1500, 0)
	window := before[from:]
	if !periodRe.MatchString(sentence) {
		all := periodRe.FindAllString(window, -1)
		if len(all) > 0 {
			return collapse(all[len(all)-1])
		}
		return ""
	}
	lines := strings.Split(window, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		ln := strings.TrimSpace(lines[i])
		if len(ln) > maxHeadingBytes || !guidanceHeadingRe.MatchString(ln) {
			continue
		}
		if p := targetPeriod(ln, true); p != "" {
			return p
		}
	}
	return targetPeriod(window, true)
}

// targetPeriod returns the first (or with last set, the last) period of
// text that is not the base of a comparison. A period is a comparison base
// when periodComparisonRe matches the text between it and the previous period
// or the start of its clause.
func targetPeriod(text string, last bool) string {
	found := ""
	prevEnd := 0
	for _, loc := range periodRe.FindAllStringIndex(text, -1) {
		lead := text[prevEnd:loc[0]]
		if i := strings.LastIndexAny(lead, ",;:"); i >= 0 {
			// A clause break: the words of an earlier clause do not
			// qualify this period.
			lead = lead[i+1:]
		}
		prevEnd = loc[1]
		if periodComparisonRe.MatchString(lead) {
			continue
		}
		found = collapse(text[loc[0]:loc[1]])
		if !last {
			return found
		}
	}
	return found
}

func basis(ctx string) string {
	switch {
	case strings.Contains(ctx, "constant currency"):
		return "constant_currency"
	case strings.Contains(ctx, "organic"):
		return "organic"
	case strings.Contains(ctx, "non-gaap") || strings.Contains(ctx, "adjusted") || strings.Contains(ctx, "core "):
		return "non_gaap"
	case strings.Contains(ctx, "gaap"):
		return "gaap"
	}
	return "unspecified"
}

var directionRules = []keywordRule{
	rule(`\bwithdr[ae]w`, "withdrawn"),
	rule(`\brais(es|ed|ing)\b|\bincreas(es|ed|ing) (its |the )?(full[- ]year )?(guidance|outlook)`, "raised"),
	rule(`\blower(s|ed|ing)\b|\breduc(es|ed|ing) (its |the )?(full[- ]year )?(guidance|outlook)|\bcut(s|ting)? (its )?(guidance|outlook)`, "lowered"),
	rule(`\breiterat|\bmaintain|\breaffirm|\bcontinues to expect|consistent with (its )?previous`, "maintained"),
	rule(`\binitiat|\bintroduc|\bestablish`, "initiated"),
}

func direction(sentence string) string {
	// Every rule needs one of these stems, and most sentences contain none.
	if !hasAny(sentence, "withdr", "rais", "increas", "lower", "reduc", "cut", "reiterat", "maintain", "reaffirm", "continues to expect", "previous", "initiat", "introduc", "establish") {
		return "unspecified"
	}
	if d := firstMatch(directionRules, sentence); d != "" {
		return d
	}
	return "unspecified"
}

// compareDirection sets raised or lowered from the prior values when the
// words did not.
func compareDirection(low, high, priorLow, priorHigh, dir string) string {
	if dir != "unspecified" {
		return dir
	}
	mid := midpoint(low, high)
	prior := midpoint(priorLow, priorHigh)
	if mid == nil || prior == nil {
		return dir
	}
	switch mid.Cmp(prior) {
	case 1:
		return "raised"
	case -1:
		return "lowered"
	}
	return "maintained"
}

func midpoint(a, b string) *big.Rat {
	x, ok1 := new(big.Rat).SetString(a)
	y, ok2 := new(big.Rat).SetString(b)
	if !ok1 || !ok2 {
		return nil
	}
	return x.Add(x, y)
}

// withdrawRe matches a statement that guidance is withdrawn: "is
// withdrawing its fiscal 2020 guidance", "the outlook is withdrawn".
var withdrawRe = regexp.MustCompile(`(?i)\bwithdr[ae]w(?:s|n|ing)?\b[^.;]{0,80}?\b(?:guidance|outlook|forecast)\b|\b(?:guidance|outlook|forecast)\b[^.;]{0,40}?\b(?:is|was|are|were|has been|have been|is being)\s+withdrawn\b`)

// withdrawalCandidate returns a withdrawal for a sentence without values
// that states the guidance is withdrawn. The period is the one the sentence
// names, else empty for all periods; the metric is set when the sentence
// names exactly one.
func withdrawalCandidate(ci int, c passes.Chunk, s span) (passes.GuidanceCandidate, bool) {
	if !hasAny(asciiLower(s.text), "withdr") || !withdrawRe.MatchString(s.text) {
		return passes.GuidanceCandidate{}, false
	}
	quote := strings.TrimSpace(s.text)
	lead := strings.Index(s.text, quote)
	metrics := map[string]bool{}
	lower := strings.ToLower(collapse(s.text))
	for _, r := range guidanceMetricRules {
		if r.re.MatchString(lower) {
			metrics[r.value] = true
		}
	}
	metric := ""
	if len(metrics) == 1 {
		for m := range metrics {
			metric = m
		}
	}
	period := ""
	if p := periodRe.FindString(s.text); p != "" {
		period = collapse(p)
	}
	return passes.GuidanceCandidate{
		Hint:       passes.Hint{Chunk: ci, Offset: c.Offset + s.start + lead},
		Quote:      quote,
		Metric:     metric,
		Label:      collapse(quote),
		Period:     period,
		Basis:      basis(lower),
		Direction:  "withdrawn",
		Confidence: 0.75,
	}, true
}
