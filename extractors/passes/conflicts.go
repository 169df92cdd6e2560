package passes

import (
	"math/big"

	"github.com/finx-dev/finx/schemas"
)

// reasonConflictingValues is the review reason of a table or text figure
// whose metric and period another accepted figure of the document gives a
// different value.
const reasonConflictingValues = "conflicting_values"

// statementSection is the section ID of the primary financial statements,
// as extractors/sections names it.
const statementSection = "financial_statements"

// markConflicts holds for review the accepted table and text figures
// without dimensions that disagree with another accepted figure of the
// same metric and period. Only the figures from the primary financial
// statements stay accepted, and none when those disagree among themselves
// or when none of the figures lies there. XBRL facts take no part, because
// the XBRL check has already compared the figures with them.
//
// NOTE: a table figure has only a period end, so a quarter and the year
// that end on the same date fall into one group, and the quarter's figure
// is held for review unless the statements give it alone.
func (r *runner) markConflicts() {
	groups := map[string][]int{}
	var order []string
	for i := range r.metrics {
		m := &r.metrics[i]
		if m.Status != schemas.StatusAccepted || m.Source == "ixbrl" || len(m.Dimensions) > 0 || m.PeriodType == "unknown" {
			continue
		}
		// A figure without a period start may cover any length that ends
		// on its end date, so figures are grouped by end. pairAgrees
		// separates those of known, different lengths.
		key := m.Metric + "|" + m.PeriodType + "|" + m.PeriodEnd
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], i)
	}
	for _, key := range order {
		idx := groups[key]
		if len(idx) < 2 || r.valuesAgree(idx) {
			continue
		}
		var inStatements []int
		for _, i := range idx {
			if r.sectionAt(r.metrics[i].Citation.Start) == statementSection {
				inStatements = append(inStatements, i)
			}
		}
		keep := len(inStatements) > 0 && r.valuesAgree(inStatements)
		for _, i := range idx {
			if keep && r.sectionAt(r.metrics[i].Citation.Start) == statementSection {
				continue
			}
			m := &r.metrics[i]
			m.Status, m.ReviewReason = schemas.StatusNeedsReview, reasonConflictingValues
		}
	}
}

// valuesAgree reports whether the metrics at idx, which end on one date,
// give one value for each period. Any two of them with the same start, or
// with one start unknown, must be equal within the rounding of the less
// precise print.
func (r *runner) valuesAgree(idx []int) bool {
	for a := range idx {
		for _, b := range idx[a+1:] {
			if !r.pairAgrees(&r.metrics[idx[a]], &r.metrics[b]) {
				return false
			}
		}
	}
	return true
}

func (r *runner) pairAgrees(x, y *schemas.Metric) bool {
	if x.PeriodStart != "" && y.PeriodStart != "" && x.PeriodStart != y.PeriodStart {
		// Periods of different lengths, such as a quarter and a year.
		return true
	}
	a, ok := new(big.Rat).SetString(x.Value)
	if !ok {
		return false
	}
	tol := tolerance(x.Display, x.Scale)
	if tolY := tolerance(y.Display, y.Scale); tolY.Cmp(tol) > 0 {
		tol = tolY
	}
	return withinTolerance(a, y.Value, tol)
}

// reasonRepeatedTarget is the review reason of a guidance item that
// repeats, in other words, the metric, period and values of an item found
// before it, such as a headline bullet and the outlook section.
const reasonRepeatedTarget = "repeated_target"

// mergeDuplicate folds g into the guidance item of the same ID, and reports
// whether g should still be kept as a repetition. The item takes g's
// direction when its own is unspecified: an outlook table cell and the
// sentence that "raises" the same target are one item, and only the
// sentence states the direction. A g with another quote at another place
// is kept for review under its own ID, so that each place that prints the
// target stays reachable.
func (r *runner) mergeDuplicate(g *schemas.Guidance) bool {
	for i := range r.guidance {
		kept := &r.guidance[i]
		if kept.ID != g.ID {
			continue
		}
		if kept.Direction == "unspecified" && g.Direction != "unspecified" {
			kept.Direction = g.Direction
		}
		overlap := g.Citation.Start < kept.Citation.End && kept.Citation.Start < g.Citation.End
		return !overlap && keyText(kept.Citation.Quote) != keyText(g.Citation.Quote)
	}
	return false
}
