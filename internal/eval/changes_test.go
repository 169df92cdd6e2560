package eval

import (
	"context"
	"testing"

	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/extractors/rules"
	"github.com/finx-dev/finx/internal/testenv"
	"github.com/finx-dev/finx/schemas"
)

// TestCorpusRiskChanges compares the corpus's two Netflix 10-Ks, seven
// years apart, and checks the bookkeeping of the changes: every earlier
// factor is matched at most once or listed as removed.
func TestCorpusRiskChanges(t *testing.T) {
	corpus := testenv.Corpus(t)
	ctx := context.Background()
	h := &passes.MemoryHistory{}
	var results []*schemas.Result
	for _, f := range []string{"pdf/NETFLIX_2017_10K.pdf", "html/nflx-10-k-2025-01-27.html"} {
		doc, err := Parse(ctx, corpus, f)
		if err != nil {
			t.Fatal(err)
		}
		// The parser finds neither the CIK nor the form type in the PDF's
		// text, so both are set as an EDGAR index entry would set them.
		doc.CIK, doc.Form = "0001065280", "10-K"
		res, err := passes.Run(ctx, doc, rules.New(), passes.Config{History: h})
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, res)
	}
	older, newer := results[0], results[1]
	if newer.PreviousDocID != older.Filing.DocID {
		t.Fatalf("PreviousDocID: got %q, want the 2017 filing %q", newer.PreviousDocID, older.Filing.DocID)
	}

	prevIDs := map[string]bool{}
	for _, r := range older.Risks {
		prevIDs[r.ID] = true
	}
	matched := map[string]bool{}
	counts := map[string]int{}
	for _, r := range newer.Risks {
		counts[r.Change]++
		switch r.Change {
		case schemas.ChangeNew:
			if r.PreviousID != "" {
				t.Errorf("new %q has previous ID %s", r.Heading, r.PreviousID)
			}
		case schemas.ChangeReworded, schemas.ChangeUnchanged:
			if !prevIDs[r.PreviousID] {
				t.Errorf("%s %q: previous ID %q is not a 2017 factor", r.Change, r.Heading, r.PreviousID)
			}
			if matched[r.PreviousID] {
				t.Errorf("2017 factor %s matched twice", r.PreviousID)
			}
			matched[r.PreviousID] = true
		default:
			t.Errorf("%q: got change %q, want new, reworded or unchanged", r.Heading, r.Change)
		}
	}
	for _, rm := range newer.RemovedRisks {
		if matched[rm.PreviousID] || !prevIDs[rm.PreviousID] {
			t.Errorf("removed %q (%s) is matched or not a 2017 factor", rm.Heading, rm.PreviousID)
		}
	}
	if got := len(matched) + len(newer.RemovedRisks); got != len(older.Risks) {
		t.Errorf("matched %d + removed %d = %d, want the %d factors of 2017", len(matched), len(newer.RemovedRisks), got, len(older.Risks))
	}
	t.Logf("2017: %d factors; FY2024: %v, %d removed", len(older.Risks), counts, len(newer.RemovedRisks))
}
