package rules_test

import (
	"context"
	"testing"

	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/extractors/rules"
	"github.com/finx-dev/finx/internal/eval"
	"github.com/finx-dev/finx/internal/testenv"
	"github.com/finx-dev/finx/schemas"
)

// TestCorpusWrongRowsNotAccepted checks, by metric, value and period, that
// figures and guidance once accepted with a wrong value or period are no
// longer accepted. Among them are a geographic area's and a channel's
// sales, quarter figures stored for the year, guidance stored for its
// comparison period and a cost figure stored as revenue.
func TestCorpusWrongRowsNotAccepted(t *testing.T) {
	corpus := testenv.Corpus(t)
	metrics := []struct{ file, metric, value, periodEnd string }{
		{"pdf/3M_2018_10K.pdf", "revenue", "12372000000", "2017-12-31"},
		{"pdf/BESTBUY_2024Q2_10Q.pdf", "revenue", "2800000000", "2023-07-29"},
		{"pdf/NETFLIX_2017_10K.pdf", "eps_basic", "0.16", "2015-12-31"},
		{"pdf/NETFLIX_2017_10K.pdf", "eps_diluted", "0.15", "2015-12-31"},
		{"pdf/NETFLIX_2017_10K.pdf", "gross_profit", "1178401000", "2017-12-31"},
		{"html/tsla-10-q-2025-07-24.html", "revenue", "885000000", "2025-06-30"},
		// Property and equipment rows equal to an XBRL fact of a concept
		// outside the metric taxonomy.
		{"html/nvda-10-q-2025-08-27.html", "other", "9141000000", "2025-07-27"},
		{"html/aapl-10-k-2024-11-01.html", "other", "45680000000", "2024-09-28"},
	}
	// Figures read without their table's scale: no row of any status may
	// carry them.
	unscaled := []struct{ file, metric, value string }{
		{"pdf/COSTCO_2021_10K.pdf", "revenue", "192052"},
		{"pdf/COSTCO_2021_10K.pdf", "net_income", "5007"},
		{"pdf/COSTCO_2021_10K.pdf", "revenue", "111751"},
		{"pdf/COSTCO_2021_10K.pdf", "revenue", "122142"},
		{"pdf/COSTCO_2021_10K.pdf", "revenue", "27298"},
	}
	guidance := []struct{ file, metric, low, period string }{
		{"pdf/AMAZON_2019_10K.pdf", "revenue", "69.0", "first quarter 2019"},
		{"pdf/AMAZON_2019_10K.pdf", "operating_income", "3.0", "first quarter 2019"},
		{"8k/AMCOR_2023Q4_EARNINGS.pdf", "free_cash_flow", "850", "fiscal 2023"},
		{"8k/AMCOR_2023Q4_EARNINGS.pdf", "share_repurchases", "70", "fiscal 2023"},
	}
	results := map[string]*schemas.Result{}
	result := func(file string) *schemas.Result {
		if res, ok := results[file]; ok {
			return res
		}
		doc, err := eval.Parse(context.Background(), corpus, file)
		if err != nil {
			t.Fatalf("parse %s: %v", file, err)
		}
		res, err := passes.Run(context.Background(), doc, rules.New(), passes.Config{})
		if err != nil {
			t.Fatalf("extract %s: %v", file, err)
		}
		results[file] = res
		return res
	}
	for _, w := range metrics {
		t.Run(w.file+" "+w.metric+" "+w.value, func(t *testing.T) {
			for _, m := range result(w.file).Metrics {
				if m.Metric == w.metric && m.Value == w.value && m.PeriodEnd == w.periodEnd && m.Status == schemas.StatusAccepted {
					t.Errorf("got accepted %s %s for %s (%q), want not accepted", m.Metric, m.Value, m.PeriodEnd, m.Citation.Quote)
				}
			}
		})
	}
	for _, w := range unscaled {
		t.Run(w.file+" "+w.metric+" "+w.value+" unscaled", func(t *testing.T) {
			for _, m := range result(w.file).Metrics {
				if m.Metric == w.metric && m.Value == w.value {
					t.Errorf("got %s %s (%s, %q), want the value in base units", m.Metric, m.Value, m.Status, m.Citation.Quote)
				}
			}
		})
	}
	t.Run("salesforce operating margin direction", func(t *testing.T) {
		found := false
		for _, g := range result("8k/SALESFORCE_2024Q1_EARNINGS.pdf").Guidance {
			if g.Metric != "operating_margin" || g.Low != "11.4" || g.Status != schemas.StatusAccepted {
				continue
			}
			found = true
			if g.Direction != "raised" {
				t.Errorf("direction of %q: got %q, want raised", g.Citation.Quote, g.Direction)
			}
		}
		if !found {
			t.Error("got no accepted operating margin guidance of 11.4")
		}
	})
	for _, w := range guidance {
		t.Run(w.file+" "+w.metric+" "+w.low, func(t *testing.T) {
			for _, g := range result(w.file).Guidance {
				if g.Metric == w.metric && g.Low == w.low && g.Status == schemas.StatusAccepted && equalFold(g.Period, w.period) {
					t.Errorf("got accepted %s %s for %q (%q), want not accepted", g.Metric, g.Low, g.Period, g.Citation.Quote)
				}
			}
		})
	}
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
