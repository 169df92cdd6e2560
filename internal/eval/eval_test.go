package eval

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/extractors/rules"
	"github.com/finx-dev/finx/internal/testenv"
	"github.com/finx-dev/finx/schemas"
)

// Recall floors reached by the rules provider on the corpus; a change that
// drops below them is a regression.
var floors = map[string]float64{
	"risk":     1.0,
	"number":   0.95,
	"guidance": 1.0,
}

// wantSections lists sections that Find must return for corpus files.
var wantSections = map[string][]string{
	"html/aapl-10-k-2024-11-01.html":              {"item_1a", "item_7", "item_8", "financial_statements"},
	"html/nflx-10-k-2025-01-27.html":              {"item_1a", "item_7", "item_8"},
	"html/0001193125-10-073212.html":              {"item_1a", "item_7"},
	"html/nvda-10-q-2025-08-27.html":              {"part1_item_1", "part1_item_2", "part2_item_1a"},
	"html/tsla-10-q-2025-07-24.html":              {"part1_item_1", "part1_item_2", "part2_item_1a"},
	"pdf/3M_2018_10K.pdf":                         {"item_1a", "item_7", "item_8", "financial_statements"},
	"pdf/AMAZON_2019_10K.pdf":                     {"item_1a", "item_7", "item_8"},
	"pdf/COSTCO_2021_10K.pdf":                     {"item_1a", "item_7", "item_8"},
	"pdf/NETFLIX_2017_10K.pdf":                    {"item_1a", "item_7", "item_8"},
	"pdf/BESTBUY_2024Q2_10Q.pdf":                  {"part1_item_1", "part1_item_2"},
	"8k/AMCOR_2023Q4_EARNINGS.pdf":                {"outlook", "financial_statements"},
	"8k/ULTABEAUTY_2023Q4_EARNINGS.pdf":           {"outlook", "financial_statements"},
	"8k/PEPSICO_2023Q1_EARNINGS.pdf":              {"outlook"},
	"8k/SALESFORCE_2024Q1_EARNINGS.pdf":           {"outlook"},
	"8k/INTEL_2023Q1_EARNINGS.pdf":                {"outlook"},
	"8k/1001426_8K_2006_0001275287-06-005470.txt": {"item_2_02", "item_9_01", "outlook"},
	"8k/1001426_8K_2007_0001275287-07-000434.txt": {"item_2_02", "item_9_01", "outlook"},
}

// required lists gold rows that must match whatever the overall recall.
var required = []struct{ file, quote string }{
	{"html/aapl-10-k-2024-11-01.html", "The Company is exposed to credit risk and fluctuations in the values of its investment portfolio."},
	{"html/aapl-10-k-2024-11-01.html", "93,736"},
	{"html/nflx-10-k-2025-01-27.html", "8,711,631"},
	{"html/nvda-10-q-2025-08-27.html", "26,422"},
	{"html/tsla-10-q-2025-07-24.html", "22,496"},
	{"8k/AMCOR_2023Q4_EARNINGS.pdf", "Adjusted EPS of 67 to 71 cents per share"},
}

func TestCorpusRecall(t *testing.T) {
	corpus := testenv.Corpus(t)
	gold, err := LoadGold(filepath.Join(corpus, "gold.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	for _, g := range gold {
		files[g.File] = true
	}
	names := make([]string, 0, len(files))
	for f := range files {
		names = append(names, f)
	}
	sort.Strings(names)

	ctx := context.Background()
	results := map[string]*schemas.Result{}
	var docs []*Doc
	for _, f := range names {
		doc, err := Parse(ctx, corpus, f)
		if err != nil {
			t.Errorf("parse %s: %v", f, err)
			continue
		}
		began := time.Now()
		res, err := passes.Run(ctx, doc, rules.New(), passes.Config{})
		if err != nil {
			t.Errorf("run %s: %v", f, err)
			continue
		}
		if _, err := schemas.Marshal(schemas.SchemaResult, res); err != nil {
			t.Errorf("result of %s is invalid: %v", f, err)
		}
		results[f] = res
		docs = append(docs, NewDoc(f, doc, res))
		if os.Getenv("FINX_EVAL_DUMP") == f {
			dump(t, res)
		}
		checks := map[string]int{}
		review := 0
		for _, m := range res.Metrics {
			checks[m.XBRLCheck]++
			if m.Status == schemas.StatusNeedsReview {
				review++
			}
		}
		t.Logf("%s: %d bytes, %d sections, %d risks, %d metrics (%d needs_review, xbrl %v), %d guidance, rejected %d, %v",
			f, len(doc.Text), len(res.Sections), len(res.Risks), len(res.Metrics), review, checks, len(res.Guidance), res.Stats.Rejected, time.Since(began).Round(time.Millisecond))
	}

	for file, ids := range wantSections {
		res := results[file]
		if res == nil {
			continue
		}
		for _, id := range ids {
			found := false
			for _, sec := range res.Sections {
				found = found || sec.ID == id
			}
			if !found {
				t.Errorf("%s: no section %s", file, id)
			}
		}
	}

	byFile := map[string]*Doc{}
	for _, d := range docs {
		byFile[d.File] = d
	}
	for _, r := range required {
		found := false
		for _, g := range gold {
			if g.File == r.file && g.Quote == r.quote {
				found = true
				if ok, _, _ := byFile[g.File].Match(g); !ok {
					t.Errorf("%s: gold %s %q not found", g.File, g.Kind, g.Quote)
				}
			}
		}
		if !found {
			t.Errorf("%s: no gold row with quote %q", r.file, r.quote)
		}
	}

	rep := Evaluate(gold, docs)
	for _, m := range rep.Missed {
		t.Logf("  missing %s %s %s: %q", m.Kind, m.File, m.Label, m.Quote)
	}
	for _, kind := range GoldKinds {
		s := rep.Kinds[kind]
		t.Logf("recall %s: %d/%d = %.2f (%d on the gold page), accepted %.2f, verified citations %.2f", kind, s.Found, s.Gold, s.Recall, s.OnGoldPage, s.AcceptedRecall, s.VerifiedCitationShare)
		if floor, ok := floors[kind]; ok && s.Recall < floor {
			t.Errorf("recall %s: got %.2f, want at least %.2f", kind, s.Recall, floor)
		}
		if s.VerifiedCitationShare != 1 {
			t.Errorf("%s: verified citation share got %.3f, want 1 (every accepted item has an exact citation)", kind, s.VerifiedCitationShare)
		}
	}
}

// dump logs every item of res, for looking into one document.
func dump(t *testing.T, res *schemas.Result) {
	for _, s := range res.Sections {
		t.Logf("section %s %q [%d,%d) page %d", s.ID, s.Title, s.Start, s.End, s.Page)
	}
	for _, r := range res.Risks {
		t.Logf("risk %s %s %s %.2f %q", r.Category, r.Severity, r.Status, r.Confidence, r.Heading)
	}
	for _, m := range res.Metrics {
		t.Logf("metric %s %s=%s %s %s %s..%s %s %s %q", m.Source, m.Metric, m.Value, m.Unit, m.PeriodType, m.PeriodStart, m.PeriodEnd, m.XBRLCheck, m.Status, m.Citation.Quote)
	}
	for _, g := range res.Guidance {
		t.Logf("guidance %s %q %s..%s e%d %s %s %s prior %s..%s %q", g.Metric, g.Period, g.Low, g.High, g.Scale, g.Unit, g.Basis, g.Direction, g.PriorLow, g.PriorHigh, g.Citation.Quote)
	}
}

func TestFixtureEarningsRelease(t *testing.T) {
	ctx := context.Background()
	doc, err := Parse(ctx, "../../fixtures", "8k/acme-q3-2026-earnings.htm")
	if err != nil {
		t.Fatal(err)
	}
	res, err := passes.Run(ctx, doc, rules.New(), passes.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := schemas.Marshal(schemas.SchemaResult, res); err != nil {
		t.Fatalf("result is invalid: %v", err)
	}
	want := []struct {
		metric, low, high string
		scale             int
		unit, direction   string
		priorLow          string
	}{
		{"adjusted_eps", "4.10", "4.20", 0, "USD/shares", "raised", "3.90"},
		{"revenue", "1.70", "1.75", 9, "USD", "unspecified", ""},
		{"capex", "95", "95", 6, "USD", "unspecified", ""},
		{"tax_rate", "24", "24", 0, "percent", "lowered", "25"},
	}
	if len(res.Guidance) != len(want) {
		dump(t, res)
		t.Fatalf("guidance: got %d items, want %d", len(res.Guidance), len(want))
	}
	for i, w := range want {
		g := res.Guidance[i]
		t.Run(w.metric, func(t *testing.T) {
			if g.Metric != w.metric || g.Low != w.low || g.High != w.high {
				t.Errorf("got %s %s..%s, want %s %s..%s", g.Metric, g.Low, g.High, w.metric, w.low, w.high)
			}
			if g.Scale != w.scale || g.Unit != w.unit {
				t.Errorf("scale, unit: got %d %s, want %d %s", g.Scale, g.Unit, w.scale, w.unit)
			}
			if g.Direction != w.direction || g.PriorLow != w.priorLow {
				t.Errorf("direction, prior: got %s %q, want %s %q", g.Direction, g.PriorLow, w.direction, w.priorLow)
			}
			if g.Period != "fiscal 2027" {
				t.Errorf("period: got %q, want fiscal 2027", g.Period)
			}
		})
	}
	reported := map[string]string{}
	for _, m := range res.Metrics {
		if m.Source == "table" {
			reported[m.Metric] = m.Value + " " + m.PeriodEnd
		}
	}
	for metric, want := range map[string]string{
		"revenue":     "412500000 2026-09-30",
		"net_income":  "38700000 2026-09-30",
		"eps_diluted": "1.02 2026-09-30",
	} {
		if reported[metric] != want {
			t.Errorf("table %s: got %q, want %q", metric, reported[metric], want)
		}
	}
}
