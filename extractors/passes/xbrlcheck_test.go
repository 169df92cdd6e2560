package passes

import (
	"testing"

	"github.com/finx-dev/finx/schemas"
)

func TestFactCheckerSegmentAndOtherConcepts(t *testing.T) {
	period := func(f schemas.Fact) schemas.Fact {
		f.Numeric, f.PeriodStart, f.PeriodEnd = true, "2026-04-01", "2026-06-30"
		return f
	}
	segment := []schemas.Dimension{{Axis: "us-gaap:StatementBusinessSegmentsAxis", Member: "ex:WidgetsMember"}}
	checker := newFactChecker([]schemas.Fact{
		period(schemas.Fact{Concept: "us-gaap:Revenues", Value: "5000000000"}),
		period(schemas.Fact{Concept: "us-gaap:Revenues", Value: "891000000", Dimensions: segment}),
		period(schemas.Fact{Concept: "us-gaap:CostOfRevenue", Value: "479000000"}),
	})
	cases := []struct {
		name       string
		value      string
		wantResult string
		wantReason string
		wantDims   int
	}{
		{"consolidated figure", "5000000000", "agree", "", 0},
		{"segment figure", "891000000", "agree", "", 1},
		{"another concept's figure", "479000000", "no_fact", reasonOtherFact, 0},
		{"contradiction", "4000000000", "disagree", "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := schemas.Metric{Metric: "revenue", Value: c.value, Display: c.value, PeriodType: "duration", PeriodStart: "2026-04-01", PeriodEnd: "2026-06-30"}
			result, reason := checker.check(&m)
			if result != c.wantResult {
				t.Errorf("result: got %q, want %q", result, c.wantResult)
			}
			if reason != c.wantReason {
				t.Errorf("reason: got %q, want %q", reason, c.wantReason)
			}
			if len(m.Dimensions) != c.wantDims {
				t.Errorf("dimensions: got %v, want %d", m.Dimensions, c.wantDims)
			}
		})
	}
}
