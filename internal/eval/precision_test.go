package eval

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/extractors/rules"
	"github.com/finx-dev/finx/internal/testenv"
	"github.com/finx-dev/finx/schemas"
)

// Precision ceilings and floors reached by the rules provider on the corpus;
// a change that crosses them is a regression.
const (
	// maxDisagreeRate bounds the share of table and text candidates that
	// contradict the XBRL fact of the same metric and period.
	maxDisagreeRate = 0.25
	// maxConfidentDisagree bounds how many of them have a confidence that
	// would make them accepted without the XBRL check.
	maxConfidentDisagree = 5
	// sampleSize is the number of hand-checked items.
	sampleSize = 40
)

// corpusRun is the extraction of one corpus document.
type corpusRun struct {
	doc   *schemas.Document
	res   *schemas.Result
	cands []passes.MetricCandidate
}

var (
	corpusOnce sync.Once
	corpusRuns map[string]*corpusRun
	corpusErr  error
)

// runCorpus extracts every document under 8k/, html/ and pdf/ once per test
// binary.
func runCorpus(t *testing.T) map[string]*corpusRun {
	t.Helper()
	corpus := testenv.Corpus(t)
	corpusOnce.Do(func() {
		corpusRuns = map[string]*corpusRun{}
		for _, dir := range []string{"8k", "html", "pdf"} {
			entries, err := os.ReadDir(filepath.Join(corpus, dir))
			if err != nil {
				corpusErr = err
				return
			}
			for _, e := range entries {
				file := dir + "/" + e.Name()
				doc, err := Parse(context.Background(), corpus, file)
				if err != nil {
					corpusErr = err
					return
				}
				rec := &Recorder{Provider: rules.New()}
				res, err := passes.Run(context.Background(), doc, rec, passes.Config{})
				if err != nil {
					corpusErr = err
					return
				}
				corpusRuns[file] = &corpusRun{doc: doc, res: res, cands: rec.Metrics}
			}
		}
	})
	if corpusErr != nil {
		t.Fatal(corpusErr)
	}
	return corpusRuns
}

func sortedFiles(runs map[string]*corpusRun) []string {
	files := make([]string, 0, len(runs))
	for f := range runs {
		files = append(files, f)
	}
	sort.Strings(files)
	return files
}

func TestCorpusSanity(t *testing.T) {
	runs := runCorpus(t)
	items, flagged, accepted := 0, 0, 0
	byRule := map[string]int{}
	for _, f := range sortedFiles(runs) {
		res := runs[f].res
		items += len(Items(f, res))
		for _, fl := range Sanity(f, res) {
			flagged++
			byRule[fl.Rule]++
			t.Logf("flag %s %s %s %s: %s", fl.Status, fl.Rule, fl.File, fl.ID, fl.Detail)
			if fl.Status == schemas.StatusAccepted {
				accepted++
				t.Errorf("%s: accepted %s %s breaks %s: %s", fl.File, fl.Kind, fl.ID, fl.Rule, fl.Detail)
			}
		}
	}
	t.Logf("sanity: %d of %d items flagged (%d accepted), by rule %v", flagged, items, accepted, byRule)
}

func TestCorpusXBRLAgreement(t *testing.T) {
	runs := runCorpus(t)
	var total Agreement
	for _, f := range sortedFiles(runs) {
		run := runs[f]
		if len(run.doc.Facts) == 0 {
			continue
		}
		a := CheckAgainstFacts(run.doc, run.cands)
		t.Logf("%s: %d of %d candidates disagree with XBRL, %d of them confident", f, a.Disagree, a.Compared, a.ConfidentDisagree)
		for _, e := range a.Examples {
			t.Logf("  %s", e)
		}
		total.Compared += a.Compared
		total.Disagree += a.Disagree
		total.ConfidentDisagree += a.ConfidentDisagree

		for _, m := range run.res.Metrics {
			if m.XBRLCheck == "disagree" && m.Status == schemas.StatusAccepted {
				t.Errorf("%s: metric %s %s=%s disagrees with XBRL but is accepted", f, m.ID, m.Metric, m.Value)
			}
		}
	}
	t.Logf("xbrl: %d of %d candidates disagree (%.2f), %d of them confident", total.Disagree, total.Compared, total.Rate(), total.ConfidentDisagree)
	if total.ConfidentDisagree > maxConfidentDisagree {
		t.Errorf("confident disagreeing candidates: got %d, want at most %d", total.ConfidentDisagree, maxConfidentDisagree)
	}
	if total.Compared == 0 {
		t.Fatal("xbrl: no candidate was compared with a fact")
	}
	if total.Rate() > maxDisagreeRate {
		t.Errorf("xbrl disagree rate: got %.2f, want at most %.2f", total.Rate(), maxDisagreeRate)
	}
}

// samples are the hand-checked samples: one drawn before the precision
// fixes of the rules provider (salt "") and one after them (salt "after").
// minCorrect is the share of items that were right when drawn.
var samples = []struct {
	file       string
	minCorrect float64
}{
	{"precision_sample.jsonl", 0.55},
	{"precision_sample_after.jsonl", 0.75},
}

// TestPrecisionSample checks the hand-checked samples against the current
// output. Set FINX_PRECISION_DRAW=salt to log a fresh sample for checking.
func TestPrecisionSample(t *testing.T) {
	runs := runCorpus(t)
	var all []Item
	for _, f := range sortedFiles(runs) {
		all = append(all, Items(f, runs[f].res)...)
	}
	if salt, ok := os.LookupEnv("FINX_PRECISION_DRAW"); ok {
		for _, it := range SampleItems(all, sampleSize, salt) {
			row, _ := json.Marshal(SampleRow{File: it.File, Kind: it.Kind, ID: it.ID, Summary: it.Summary, Quote: it.Quote, Status: it.Status})
			t.Logf("draw %s", row)
		}
	}
	byID := map[string]Item{}
	byQuote := map[string]Item{}
	for _, it := range all {
		byID[it.ID] = it
		byQuote[it.File+"|"+it.Kind+"|"+Normalize(it.Quote)] = it
	}
	for _, s := range samples {
		t.Run(s.file, func(t *testing.T) {
			rows, err := LoadSample(filepath.Join("testdata", s.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != sampleSize {
				t.Errorf("sample rows: got %d, want %d", len(rows), sampleSize)
			}
			checkSample(t, rows, byID, byQuote, s.minCorrect)
		})
	}
}

// checkSample compares sample rows with the current items. The rate when
// drawn counts the verdicts. The accepted precision counts the sample items
// accepted now: a correct item, a wrong item that still reads as it did, or
// a wrong item whose fixed summary was checked again.
func checkSample(t *testing.T, rows []SampleRow, byID, byQuote map[string]Item, minCorrect float64) {
	correct, acceptedRight, accepted := 0, 0, 0
	for _, r := range rows {
		if r.Verdict == VerdictWrong && strings.TrimSpace(r.Reason) == "" {
			t.Errorf("%s: wrong item %s has no reason", r.File, r.ID)
		}
		it, ok := byID[r.ID]
		if !ok {
			it, ok = byQuote[r.File+"|"+r.Kind+"|"+Normalize(r.Quote)]
		}
		right := r.Verdict == VerdictCorrect
		switch {
		case right:
			correct++
			if !ok {
				t.Errorf("%s: correct %s %s %q is no longer emitted", r.File, r.Kind, r.ID, r.Quote)
				continue
			}
		case !ok:
			t.Logf("%s: wrong %s %s is no longer emitted", r.File, r.Kind, r.ID)
			continue
		case r.Fixed != "" && it.Summary == r.Fixed:
			right = true
		case it.Summary == r.Summary:
			if it.Status == schemas.StatusAccepted {
				t.Errorf("%s: wrong %s %s (%s) is accepted: %s", r.File, r.Kind, r.ID, r.Summary, r.Reason)
			}
		default:
			t.Errorf("%s: %s %s changed from %q to %q; check it and record the fixed summary", r.File, r.Kind, r.ID, r.Summary, it.Summary)
			continue
		}
		if it.Status == schemas.StatusAccepted {
			accepted++
			if right {
				acceptedRight++
			}
		} else if right && r.Status == schemas.StatusAccepted {
			t.Logf("%s: correct %s %s (%s) was accepted and is now needs_review", r.File, r.Kind, r.ID, it.Summary)
		}
	}
	rate := float64(correct) / float64(max(len(rows), 1))
	t.Logf("sample: %d of %d correct (%.2f) when drawn; now %d of %d accepted sample items correct", correct, len(rows), rate, acceptedRight, accepted)
	if rate < minCorrect {
		t.Errorf("sample correct rate: got %.2f, want at least %.2f", rate, minCorrect)
	}
}
