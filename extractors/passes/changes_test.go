package passes_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/extractors/rules"
	"github.com/finx-dev/finx/schemas"
)

// acmeDoc reads a test document and files it as Acme's filing of the form
// and date.
func acmeDoc(t *testing.T, file, form, date string) *schemas.Document {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	return &schemas.Document{
		Filing: schemas.Filing{
			DocID:      fakeDocID(file),
			SourcePath: file,
			MediaType:  schemas.MediaText,
			Form:       form,
			Company:    "Acme Widget Holdings, Inc.",
			CIK:        "0000999001",
			FilingDate: date,
		},
		Text: string(b),
	}
}

// fakeDocID returns a 64-digit hex ID that differs per file name.
func fakeDocID(name string) string {
	const hexDigits = "0123456789abcdef"
	id := []byte("0000000000000000000000000000000000000000000000000000000000000000")
	for i := 0; i < len(name); i++ {
		id[i%64] = hexDigits[(int(id[i%64])+int(name[i]))%16]
	}
	return string(id)
}

func runWith(t *testing.T, doc *schemas.Document, h passes.History) *schemas.Result {
	t.Helper()
	res, rep, err := passes.RunReport(context.Background(), doc, rules.New(), passes.Config{History: h})
	if err != nil {
		t.Fatalf("Run %s: %v", doc.SourcePath, err)
	}
	if rep.HistoryErr != nil {
		t.Fatalf("history of %s: %v", doc.SourcePath, rep.HistoryErr)
	}
	if _, err := schemas.Marshal(schemas.SchemaResult, res); err != nil {
		t.Fatalf("result of %s does not validate: %v", doc.SourcePath, err)
	}
	return res
}

func riskByHeading(res *schemas.Result) map[string]schemas.Risk {
	out := map[string]schemas.Risk{}
	for _, r := range res.Risks {
		out[r.Heading] = r
	}
	return out
}

func histories(t *testing.T) map[string]func() passes.History {
	return map[string]func() passes.History{
		"memory": func() passes.History { return &passes.MemoryHistory{} },
		"file": func() passes.History {
			h, err := passes.NewFileHistory(t.TempDir(), 0)
			if err != nil {
				t.Fatal(err)
			}
			return h
		},
	}
}

func TestRiskChangesAcrossAnnualReports(t *testing.T) {
	const (
		suppliers = "We depend on a small number of suppliers for key widget components."
		cyber     = "Cyberattacks on our ordering systems could interrupt sales."
		steel     = "Changes in steel and aluminum prices could reduce our gross margin."
		oldSteel  = "Changes in steel prices could reduce our gross margin."
		tariffs   = "New tariffs on imported components could raise our costs."
		pension   = "Our pension obligations could require large cash contributions."
	)
	for name, newHistory := range histories(t) {
		t.Run(name, func(t *testing.T) {
			h := newHistory()
			older := acmeDoc(t, "acme-10k-2024.txt", "10-K", "2025-02-20")
			newer := acmeDoc(t, "acme-10k-2025.txt", "10-K", "2026-02-19")

			first := runWith(t, older, h)
			for _, r := range first.Risks {
				if r.Change != schemas.ChangeUnknown {
					t.Errorf("first filing, %q: got change %q, want unknown", r.Heading, r.Change)
				}
			}
			if first.PreviousDocID != "" || len(first.RemovedRisks) != 0 {
				t.Errorf("first filing: got previous %q and %d removed, want none", first.PreviousDocID, len(first.RemovedRisks))
			}
			prev := riskByHeading(first)

			second := runWith(t, newer, h)
			if second.PreviousDocID != older.DocID {
				t.Errorf("PreviousDocID: got %q, want %q", second.PreviousDocID, older.DocID)
			}
			got := riskByHeading(second)
			want := []struct {
				heading, change, previous string
			}{
				{suppliers, schemas.ChangeUnchanged, suppliers},
				{cyber, schemas.ChangeReworded, cyber},
				{steel, schemas.ChangeReworded, oldSteel},
				{tariffs, schemas.ChangeNew, ""},
			}
			for _, w := range want {
				r, ok := got[w.heading]
				if !ok {
					t.Errorf("risk %q not found", w.heading)
					continue
				}
				if r.Change != w.change {
					t.Errorf("%q: got change %q, want %q", w.heading, r.Change, w.change)
				}
				wantID := ""
				if w.previous != "" {
					wantID = prev[w.previous].ID
				}
				if r.PreviousID != wantID {
					t.Errorf("%q: got previous ID %q, want %q", w.heading, r.PreviousID, wantID)
				}
			}
			if len(second.RemovedRisks) != 1 {
				t.Fatalf("removed: got %+v, want the pension factor only", second.RemovedRisks)
			}
			rm := second.RemovedRisks[0]
			if rm.Heading != pension || rm.PreviousID != prev[pension].ID || rm.PreviousDocID != older.DocID {
				t.Errorf("removed: got %+v, want %q with ID %s of %s", rm, pension, prev[pension].ID, older.DocID)
			}
		})
	}
}

func TestRiskChangesOrderOfArrival(t *testing.T) {
	h := &passes.MemoryHistory{}
	older := acmeDoc(t, "acme-10k-2024.txt", "10-K", "2025-02-20")
	newer := acmeDoc(t, "acme-10k-2025.txt", "10-K", "2026-02-19")

	// The later filing arrives first: nothing earlier is known yet.
	if res := runWith(t, newer, h); res.PreviousDocID != "" {
		t.Errorf("newer first: got previous %q, want none", res.PreviousDocID)
	}
	// The earlier filing must not be compared with a later one.
	if res := runWith(t, older, h); res.PreviousDocID != "" {
		t.Errorf("older second: got previous %q, want none", res.PreviousDocID)
	}
	// Extracting the later filing again compares it with the earlier one.
	if res := runWith(t, newer, h); res.PreviousDocID != older.DocID {
		t.Errorf("newer again: got previous %q, want %q", res.PreviousDocID, older.DocID)
	}
}

func TestRiskChangesOtherFormOrCompany(t *testing.T) {
	h := &passes.MemoryHistory{}
	runWith(t, acmeDoc(t, "acme-10k-2024.txt", "10-K", "2025-02-20"), h)

	quarterly := acmeDoc(t, "acme-10k-2025.txt", "10-Q", "2026-02-19")
	if res := runWith(t, quarterly, h); res.PreviousDocID != "" {
		t.Errorf("10-Q after a 10-K: got previous %q, want none", res.PreviousDocID)
	}
	other := acmeDoc(t, "acme-10k-2025.txt", "10-K", "2026-02-19")
	other.DocID = fakeDocID("other company")
	other.CIK, other.Company = "0000999002", "Other Widgets Corp."
	res := runWith(t, other, h)
	if res.PreviousDocID != "" {
		t.Errorf("other company: got previous %q, want none", res.PreviousDocID)
	}
	for _, r := range res.Risks {
		if r.Change != schemas.ChangeUnknown {
			t.Errorf("other company, %q: got change %q, want unknown", r.Heading, r.Change)
		}
	}
}

func TestGuidanceDirectionFromHistory(t *testing.T) {
	for name, newHistory := range histories(t) {
		t.Run(name, func(t *testing.T) {
			h := newHistory()
			q1 := runWith(t, acmeDoc(t, "acme-release-q1.txt", "8-K", "2025-04-24"), h)
			for _, g := range q1.Guidance {
				if g.Direction != passes.DirectionUnspecified {
					t.Errorf("first release, %s: got direction %q, want unspecified", g.Metric, g.Direction)
				}
			}
			q2 := runWith(t, acmeDoc(t, "acme-release-q2.txt", "EX-99.1", "2025-07-24"), h)
			want := map[string]struct{ direction, priorLow, priorHigh string }{
				passes.MetricRevenue: {passes.DirectionRaised, "840", "860"},
				"eps":                {passes.DirectionMaintained, "2.10", "2.20"},
				"gross_margin":       {passes.DirectionInitiated, "", ""},
			}
			seen := map[string]bool{}
			for _, g := range q2.Guidance {
				w, ok := want[g.Metric]
				if !ok {
					continue
				}
				seen[g.Metric] = true
				if g.Direction != w.direction || g.PriorLow != w.priorLow || g.PriorHigh != w.priorHigh {
					t.Errorf("%s: got %s from %q..%q, want %s from %q..%q", g.Metric, g.Direction, g.PriorLow, g.PriorHigh, w.direction, w.priorLow, w.priorHigh)
				}
			}
			for m := range want {
				if !seen[m] {
					t.Errorf("guidance %s not found in %+v", m, q2.Guidance)
				}
			}
		})
	}
}

func TestRiskChangesOrderedByCoverPeriod(t *testing.T) {
	h := &passes.MemoryHistory{}
	// Without filing dates, the cover pages' fiscal years order the filings.
	older := acmeDoc(t, "acme-10k-2024.txt", "10-K", "")
	newer := acmeDoc(t, "acme-10k-2025.txt", "10-K", "")
	runWith(t, older, h)
	res := runWith(t, newer, h)
	if res.PreviousDocID != older.DocID {
		t.Fatalf("PreviousDocID: got %q, want %q", res.PreviousDocID, older.DocID)
	}
	if len(res.RemovedRisks) != 1 {
		t.Errorf("removed: got %d, want 1", len(res.RemovedRisks))
	}
}

func TestGuidanceWithdrawn(t *testing.T) {
	h := &passes.MemoryHistory{}
	runWith(t, acmeDoc(t, "acme-release-q1.txt", "8-K", "2025-04-24"), h)
	runWith(t, acmeDoc(t, "acme-release-q2.txt", "8-K", "2025-07-24"), h)
	q3 := runWith(t, acmeDoc(t, "acme-release-q3.txt", "8-K", "2025-10-23"), h)

	// The Q2 release holds the latest fiscal 2025 guidance: its three
	// targets are withdrawn, with their last values.
	want := map[string][2]string{
		passes.MetricRevenue: {"855", "875"},
		"eps":                {"2.10", "2.20"},
		"gross_margin":       {"38", "39"},
	}
	got := map[string]schemas.Guidance{}
	for _, g := range q3.Guidance {
		if g.Direction == passes.DirectionWithdrawn {
			got[g.Metric] = g
		}
	}
	if len(got) != len(want) {
		t.Fatalf("withdrawn: got %d items %+v, want %d", len(got), q3.Guidance, len(want))
	}
	for metric, w := range want {
		g, ok := got[metric]
		if !ok {
			t.Errorf("no withdrawn %s", metric)
			continue
		}
		if g.Low != w[0] || g.High != w[1] || g.PriorLow != w[0] || g.PriorHigh != w[1] {
			t.Errorf("%s: got %s..%s prior %s..%s, want %s..%s both", metric, g.Low, g.High, g.PriorLow, g.PriorHigh, w[0], w[1])
		}
		if !strings.Contains(g.Citation.Quote, "withdrawing its fiscal 2025 guidance") {
			t.Errorf("%s: got quote %q, want the withdrawal sentence", metric, g.Citation.Quote)
		}
		if g.Period != "fiscal 2025" {
			t.Errorf("%s: got period %q, want fiscal 2025", metric, g.Period)
		}
	}
}

func TestGuidanceWithdrawnWithoutHistory(t *testing.T) {
	res := runWith(t, acmeDoc(t, "acme-release-q3.txt", "8-K", "2025-10-23"), nil)
	for _, g := range res.Guidance {
		if g.Direction == passes.DirectionWithdrawn {
			t.Errorf("got withdrawn item %+v without a history, want none", g)
		}
	}
	found := false
	for _, w := range res.Warnings {
		found = found || strings.Contains(w, "guidance withdrawals dropped")
	}
	if !found {
		t.Errorf("warnings: got %v, want the dropped withdrawal", res.Warnings)
	}
}

func TestGuidanceAfterFilingWithoutGuidance(t *testing.T) {
	h := &passes.MemoryHistory{}
	runWith(t, acmeDoc(t, "acme-10k-2024.txt", "10-K", "2025-02-20"), h)
	q1 := runWith(t, acmeDoc(t, "acme-release-q1.txt", "8-K", "2025-04-24"), h)
	for _, g := range q1.Guidance {
		if g.Direction != passes.DirectionUnspecified {
			t.Errorf("%s after a 10-K without guidance: got %q, want unspecified", g.Metric, g.Direction)
		}
	}
}
