package rules

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/finx-dev/finx/extractors/passes"
)

var (
	// valueLineRe matches a line that holds only a guidance value, such as
	// "$10.95 billion to $11.05 billion" or "approximately 24.6%".
	valueLineRe = regexp.MustCompile(`(?i)^(?:approximately |about |~)?` + amountRe.String() + `[\s^*†]*$`)
	hasDigitRe  = regexp.MustCompile(`[0-9]`)
	// rowValueRe splits a one-line row into a label without digits and a
	// value.
	// proseLabelRe matches the verbs of a sentence, which a row label
	// lacks.
	proseLabelRe = regexp.MustCompile(`(?i)\b(is|are|be|was|were|will|expects?|expected|of)$|\b(is|are|be|will|expects?|expected)\b`)
	rowValueRe   = regexp.MustCompile(`(?i)^([A-Za-z][A-Za-z ,&'’/()-]{2,60}?)\s+((?:approximately |about |~)?` + amountRe.String() + `)[\s^*†]*$`)
)

// tableGuidance pairs the rows of an outlook table. PDF text prints such a
// table column by column: a block of labels, a header, then a block of as
// many values. Tab-separated rows ("Net sales\t$10.95 billion to ...") pair
// directly.
func tableGuidance(ci int, c passes.Chunk) []passes.GuidanceCandidate {
	lines := splitLines(c.Text, c.Offset)
	var out []passes.GuidanceCandidate
	period := guidancePeriod("", c.Text)
	for _, ln := range lines {
		cells := strings.Split(ln.Text, "\t")
		if len(cells) < 2 {
			continue
		}
		label := strings.TrimSpace(cells[0])
		for _, cell := range cells[1:] {
			v := strings.TrimSpace(cell)
			if v == "" || !valueLineRe.MatchString(v) {
				continue
			}
			off := ln.Start + strings.Index(ln.Text, v)
			if g, ok := tableCell(ci, label, v, off, period); ok {
				out = append(out, g)
			}
			break
		}
	}
	// Rows printed on one line: "Net sales $10.95 billion to $11.05 billion".
	for i, ln := range lines {
		if strings.Contains(ln.Text, "\t") {
			continue
		}
		loc := rowValueRe.FindStringSubmatchIndex(ln.Text)
		if loc == nil {
			continue
		}
		label, value := ln.Text[loc[2]:loc[3]], ln.Text[loc[4]:loc[5]]
		if proseLabelRe.MatchString(label) || (i+1 < len(lines) && startsLower(lines[i+1].Text)) {
			// A wrapped line of a sentence ("revenues are expected to be
			// in the range of $30.8 million to $31.7"), not a table row.
			continue
		}
		if g, ok := tableCell(ci, strings.TrimSpace(label), value, ln.Start+loc[4], period); ok {
			if i+1 < len(lines) && g.Unit == "USD" && g.Scale == 0 {
				if sc, ok := unitLineScale("\n" + lines[i+1].Text); ok {
					g.Scale = sc
				}
			}
			out = append(out, g)
		}
	}
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && !hasDigitRe.MatchString(lines[j].Text) && len(lines[j].Text) < 60 && !strings.HasSuffix(lines[j].Text, ".") && !strings.HasSuffix(lines[j].Text, ":") {
			j++
		}
		labels := lines[i:j]
		if len(labels) < 3 {
			i = max(j, i+1)
			continue
		}
		// Up to two header lines, such as "FY23 Outlook", sit between the
		// blocks.
		k := j
		for h := 0; h < 2 && k < len(lines) && !valueLineRe.MatchString(lines[k].Text); h++ {
			k++
		}
		n := 0
		for k+n < len(lines) && n < len(labels) && valueLineRe.MatchString(lines[k+n].Text) {
			n++
		}
		if n != len(labels) {
			i = j
			continue
		}
		for p := range n {
			v := lines[k+p]
			if g, ok := tableCell(ci, labels[p].Text, v.Text, v.Start, period); ok {
				out = append(out, g)
			}
		}
		i = k + n
	}
	return out
}

// tableCell builds a candidate from an outlook table row. The quote is the
// value as printed, because label and value are far apart in PDF text.
func tableCell(ci int, label, value string, off int, period string) (passes.GuidanceCandidate, bool) {
	m := amountRe.FindStringSubmatch(value)
	if m == nil {
		return passes.GuidanceCandidate{}, false
	}
	lowText, highText := m[1], m[2]
	if highText == "" {
		highText = lowText
	}
	low, lu, ok1 := parseAmount(lowText)
	high, hu, ok2 := parseAmount(highText)
	lu, hu = shareUnit(lu, hu)
	if !ok1 || !ok2 || hu.kind == "" {
		return passes.GuidanceCandidate{}, false
	}
	lowerLabel := strings.ToLower(label)
	metric := firstMatch(guidanceMetricRules, lowerLabel)
	conf := 0.7
	if metric == "" {
		metric, conf = passes.MetricOther, 0.4
	}
	if implausibleDollars(metric, hu.unit, hu.scale, high) {
		conf = min(conf, unsureConfidence)
	}
	unit := hu.unit
	if (metric == "eps" || metric == "adjusted_eps") && hu.kind == "usd" && hu.scale == 0 {
		unit = "USD/shares"
	}
	return passes.GuidanceCandidate{
		Hint:       passes.Hint{Chunk: ci, Offset: off},
		Quote:      strings.TrimRight(strings.TrimSpace(value), "^*† "),
		Metric:     metric,
		Label:      label,
		Period:     period,
		Low:        low,
		High:       high,
		Scale:      hu.scale,
		Unit:       unit,
		Currency:   hu.currency,
		Basis:      basis(lowerLabel),
		Direction:  "unspecified",
		Confidence: conf,
	}, true
}

// startsLower reports whether s starts with a lowercase letter.
func startsLower(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLower(r)
}
