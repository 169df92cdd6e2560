package passes

import (
	"math"
	"math/big"
	"strings"
	"time"

	"github.com/finx-dev/finx/schemas"
)

// factChecker compares figures found in text with the document's XBRL facts
// that have no dimensions.
type factChecker struct {
	byMetric map[string][]schemas.Fact
	// others holds every other numeric fact: those with dimensions, and
	// those of concepts outside the metric taxonomy. A figure that differs
	// from the consolidated fact but equals one of these is a segment or
	// component figure, not a contradiction.
	others []schemas.Fact
}

// reasonOtherFact is the review reason of a figure that equals an XBRL fact
// of another concept or of a segment, so its metric label is doubtful.
const reasonOtherFact = "xbrl_other_fact"

func newFactChecker(facts []schemas.Fact) *factChecker {
	c := &factChecker{byMetric: map[string][]schemas.Fact{}}
	for _, f := range facts {
		if !f.Numeric || f.Nil || f.Value == "" {
			continue
		}
		if m := MetricForConcept(f.Concept); m != "" && len(f.Dimensions) == 0 {
			c.byMetric[m] = append(c.byMetric[m], f)
			continue
		}
		c.others = append(c.others, f)
	}
	return c
}

// otherFact returns a fact among c.others of m's period whose value equals
// m's within the printed rounding.
func (c *factChecker) otherFact(m *schemas.Metric, val, tol *big.Rat) (schemas.Fact, bool) {
	for _, f := range c.others {
		if samePeriod(m, f) && withinTolerance(val, f.Value, tol) {
			return f, true
		}
	}
	return schemas.Fact{}, false
}

// check returns agree, disagree or no_fact for m, and a review reason in
// two cases. One is a figure that equals a fact of a segment or another
// concept instead of the consolidated fact of its metric. The other is a
// figure whose metric has no fact of its period while another concept's
// fact has its value ("Property and equipment, net" read as metric "other"). A figure without a period
// agrees with a fact of the same metric and value, and then takes the
// fact's period. A segment figure of the same metric agrees and takes the
// fact's dimensions.
func (c *factChecker) check(m *schemas.Metric) (result, reason string) {
	result = c.compare(m)
	if result == "agree" || m.PeriodType == "unknown" {
		return result, ""
	}
	val, ok := new(big.Rat).SetString(m.Value)
	if !ok {
		return result, ""
	}
	f, ok := c.otherFact(m, val, tolerance(m.Display, m.Scale))
	if !ok {
		return result, ""
	}
	if len(f.Dimensions) > 0 && len(m.Dimensions) == 0 && MetricForConcept(f.Concept) == m.Metric {
		m.Dimensions = append([]schemas.Dimension(nil), f.Dimensions...)
		return "agree", ""
	}
	return "no_fact", reasonOtherFact
}

func (c *factChecker) compare(m *schemas.Metric) string {
	facts := c.byMetric[m.Metric]
	if len(facts) == 0 {
		return "no_fact"
	}
	val, ok := new(big.Rat).SetString(m.Value)
	if !ok {
		return "no_fact"
	}
	tol := tolerance(m.Display, m.Scale)
	if m.PeriodType == "unknown" {
		for _, f := range facts {
			if withinTolerance(val, f.Value, tol) {
				setPeriod(m, f)
				return "agree"
			}
		}
		return "no_fact"
	}
	found := false
	for _, f := range facts {
		if !samePeriod(m, f) {
			continue
		}
		found = true
		if withinTolerance(val, f.Value, tol) {
			return "agree"
		}
	}
	if found {
		return "disagree"
	}
	return "no_fact"
}

func samePeriod(m *schemas.Metric, f schemas.Fact) bool {
	if m.PeriodType == "instant" {
		return f.Instant != "" && f.Instant == m.PeriodEnd
	}
	if f.Instant != "" || f.PeriodEnd != m.PeriodEnd {
		return false
	}
	// A figure from a table header may have only an end date. A start
	// computed from "three months ended" is a calendar start, up to a few
	// days off the start of a 52-53 week fiscal period.
	return m.PeriodStart == "" || daysApart(f.PeriodStart, m.PeriodStart) <= maxStartSkewDays
}

// maxStartSkewDays is how many days the computed start of a figure's period
// may differ from the fact's start. Periods of 3, 6, 9 and 12 months start
// at least about 90 days apart, so this does not join periods of different
// lengths.
const maxStartSkewDays = 7

// daysApart returns the days between two ISO dates, or a large number when
// either is invalid.
func daysApart(a, b string) int {
	ta, errA := time.Parse("2006-01-02", a)
	tb, errB := time.Parse("2006-01-02", b)
	if errA != nil || errB != nil {
		return math.MaxInt32
	}
	d := ta.Sub(tb).Hours() / 24
	return int(math.Abs(d))
}

func setPeriod(m *schemas.Metric, f schemas.Fact) {
	if f.Instant != "" {
		m.PeriodType, m.PeriodStart, m.PeriodEnd = "instant", "", f.Instant
		return
	}
	m.PeriodType, m.PeriodStart, m.PeriodEnd = "duration", f.PeriodStart, f.PeriodEnd
}

// tolerance is half a unit of the last printed digit: 0.05 million for
// "44.2" at scale 6, because printed figures are rounded.
func tolerance(display string, scale int) *big.Rat {
	decimals := 0
	if i := strings.LastIndexByte(display, '.'); i >= 0 {
		for _, ch := range display[i+1:] {
			if ch < '0' || ch > '9' {
				break
			}
			decimals++
		}
	}
	exp := scale - decimals
	unit := new(big.Rat).SetInt64(1)
	ten := new(big.Rat).SetInt64(10)
	for ; exp > 0; exp-- {
		unit.Mul(unit, ten)
	}
	for ; exp < 0; exp++ {
		unit.Quo(unit, ten)
	}
	return unit.Quo(unit, new(big.Rat).SetInt64(2))
}

func withinTolerance(val *big.Rat, factValue string, tol *big.Rat) bool {
	fv, ok := new(big.Rat).SetString(factValue)
	if !ok {
		return false
	}
	d := new(big.Rat).Sub(val, fv)
	return d.Abs(d).Cmp(tol) <= 0
}
