package passes

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/finx-dev/finx/schemas"
)

func TestCompanyKey(t *testing.T) {
	cases := []struct {
		name string
		f    schemas.Filing
		want string
	}{
		{"cik wins", schemas.Filing{CIK: "0000320193", Company: "Apple Inc."}, "cik:320193"},
		{"name without cik", schemas.Filing{Company: "  Acme Widget  Holdings, Inc. "}, "name:acme widget holdings inc"},
		{"neither", schemas.Filing{}, ""},
		{"punctuation only", schemas.Filing{Company: "--"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := CompanyKey(c.f); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestFormFamily(t *testing.T) {
	cases := map[string]string{"10-K": "10-K", "10-K/A": "10-K", "10-K405": "10-K", "10-q": "10-Q", "8-K": "8-K", "EX-99.1": "8-K", "S-1": "S-1", "": ""}
	for form, want := range cases {
		if got := FormFamily(form); got != want {
			t.Errorf("FormFamily(%q): got %q, want %q", form, got, want)
		}
	}
}

func TestPeriodKey(t *testing.T) {
	cases := []struct{ a, b string }{
		{"fiscal 2025", "FY2025"},
		{"full year 2025", "fiscal year 2025"},
		{"FY25", "fiscal 2025"},
		{"Q2 2025", "second quarter of fiscal 2025"},
		{"first half 2025", "H1 2025"},
	}
	for _, c := range cases {
		if ka, kb := periodKey(c.a), periodKey(c.b); ka != kb {
			t.Errorf("periodKey(%q) = %q, periodKey(%q) = %q, want equal", c.a, ka, c.b, kb)
		}
	}
	if periodKey("Q2 2025") == periodKey("Q3 2025") {
		t.Error("Q2 2025 and Q3 2025 got the same key, want different")
	}
	if periodKey("fiscal 2025") == periodKey("Q2 2025") {
		t.Error("fiscal 2025 and Q2 2025 got the same key, want different")
	}
}

func TestCompareRanges(t *testing.T) {
	cases := []struct {
		name              string
		low, high         string
		scale             int
		priorLow, priorHi string
		priorScale        int
		want              string
	}{
		{"raised", "855", "875", 6, "840", "860", 6, DirectionRaised},
		{"lowered", "2.00", "2.10", 0, "2.10", "2.20", 0, DirectionLowered},
		{"maintained", "2.1", "2.2", 0, "2.10", "2.20", 0, DirectionMaintained},
		{"narrowed around the same midpoint", "845", "855", 6, "840", "860", 6, DirectionMaintained},
		{"other scale", "0.85", "0.87", 9, "840", "860", 6, DirectionRaised},
		{"cents and dollars", "67", "71", -2, "0.69", "0.69", 0, DirectionMaintained},
		{"not a number", "x", "1", 0, "1", "1", 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := compareRanges(c.low, c.high, c.scale, c.priorLow, c.priorHi, c.priorScale); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestRescale(t *testing.T) {
	cases := []struct {
		v        string
		from, to int
		want     string
	}{
		{"840", 6, 6, "840"},
		{"840", 6, 9, "0.84"},
		{"1.5", 9, 6, "1500"},
		{"0.69", 0, -2, "69"},
	}
	for _, c := range cases {
		if got := rescale(c.v, c.from, c.to); got != c.want {
			t.Errorf("rescale(%s, %d, %d): got %q, want %q", c.v, c.from, c.to, got, c.want)
		}
	}
}

func TestHeadingSimilarity(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"Changes in steel prices could reduce our gross margin.", "Changes in steel and aluminum prices could reduce our gross margin.", true},
		{"Changes in tax laws could adversely affect our business.", "Cyberattacks could adversely affect our business.", false},
		{"We depend on a few suppliers.", "We depend on key customers.", false},
	}
	for _, c := range cases {
		score, shared := dice(contentWords(c.a), contentWords(c.b))
		if got := score >= headingSimilarity && shared >= minSharedWords; got != c.want {
			t.Errorf("%q vs %q: got similar %v (score %.2f, %d shared), want %v", c.a, c.b, got, score, shared, c.want)
		}
	}
}

func snap(docID, date string) Snapshot {
	return Snapshot{DocID: docID, CIK: "42", Form: "10-K", FilingDate: date, Risks: []RiskRecord{{ID: "r-" + docID, Heading: "H"}}}
}

func TestFileHistoryRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	h, err := NewFileHistory(dir, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []Snapshot{snap("b", "2024-02-01"), snap("a", "2023-02-01"), snap("c", "2025-02-01")} {
		if err := h.Record(ctx, s); err != nil {
			t.Fatalf("Record %s: %v", s.DocID, err)
		}
	}
	// Recording the same document again replaces its snapshot.
	again := snap("c", "2025-02-01")
	again.Risks[0].Heading = "H2"
	if err := h.Record(ctx, again); err != nil {
		t.Fatal(err)
	}

	// A second instance reads what the first wrote.
	h2, err := NewFileHistory(dir, 2)
	if err != nil {
		t.Fatal(err)
	}
	got, err := h2.Snapshots(ctx, "cik:42")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range got {
		ids = append(ids, s.DocID)
	}
	if strings.Join(ids, ",") != "b,c" {
		t.Fatalf("snapshots: got %v, want b,c (the oldest dropped over the limit of 2)", ids)
	}
	if got[1].Risks[0].Heading != "H2" {
		t.Errorf("replaced snapshot: got heading %q, want H2", got[1].Risks[0].Heading)
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "cik-42.json" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("folder: got %v, want cik-42.json only (no temporary files left)", names)
	}

	none, err := h2.Snapshots(ctx, "cik:7")
	if err != nil || len(none) != 0 {
		t.Errorf("unknown company: got %v, %v, want no snapshots and no error", none, err)
	}
}

func TestFileHistoryRejectsOtherCompanyFile(t *testing.T) {
	dir := t.TempDir()
	h, err := NewFileHistory(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(historyFile{Company: "cik:43", Snapshots: []Snapshot{snap("x", "2024-01-01")}})
	if err := os.WriteFile(filepath.Join(dir, "cik-42.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Snapshots(context.Background(), "cik:42"); err == nil {
		t.Error("file of cik:43 under cik-42.json: got nil error, want a mismatch error")
	}
	if err := os.WriteFile(filepath.Join(dir, "cik-42.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := h.Record(context.Background(), snap("y", "2025-01-01")); err == nil {
		t.Error("Record over a corrupt file: got nil error, want a decode error")
	}
}

func TestHistoryRecordWithoutCompany(t *testing.T) {
	fh, err := NewFileHistory(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	for name, h := range map[string]History{"memory": &MemoryHistory{}, "file": fh} {
		if err := h.Record(context.Background(), Snapshot{DocID: "x"}); !errors.Is(err, ErrNoCompany) {
			t.Errorf("%s: got %v, want ErrNoCompany", name, err)
		}
	}
}

func TestEarlierSnapshots(t *testing.T) {
	all := []Snapshot{
		{DocID: "a", FilingDate: "2023-01-01"},
		{DocID: "b", FilingDate: "2024-01-01"},
		{DocID: "undated"},
		{DocID: "cur", FilingDate: "2025-01-01"},
		{DocID: "later", FilingDate: "2026-01-01"},
		// The period orders two filings of different periods even when the
		// filing dates give the other order, as for a late original filing.
		{DocID: "period", FilingDate: "2026-03-01", Period: "2023-12-31"},
	}
	cur := Snapshot{DocID: "cur", FilingDate: "2025-01-01", Period: "2024-12-31"}
	pos := map[string]int{}
	for i, s := range earlierSnapshots(all, cur) {
		pos[s.DocID] = i
	}
	if len(pos) != 3 {
		t.Fatalf("got %v, want a, b and period", pos)
	}
	for _, id := range []string{"a", "b", "period"} {
		if _, ok := pos[id]; !ok {
			t.Errorf("%s missing from %v", id, pos)
		}
	}
	if pos["b"] > pos["a"] {
		t.Errorf("got %v, want b (2024) before a (2023), latest first", pos)
	}
}

// failingHistory fails every call, to test that Run still returns a result.
type failingHistory struct{}

func (failingHistory) Snapshots(context.Context, string) ([]Snapshot, error) {
	return nil, errors.New("disk unavailable")
}
func (failingHistory) Record(context.Context, Snapshot) error { return errors.New("disk unavailable") }

func TestRunHistoryFailureWarns(t *testing.T) {
	doc := testDoc()
	doc.CIK = "42"
	p := &fakeProvider{resp: map[Kind]map[Pass]Response{KindRisk: {PassPrimary: {Risks: []RiskCandidate{
		{Hint: Hint{Chunk: 0, Offset: -1}, Quote: "Cyberattacks could harm our systems.", Category: "cybersecurity", Severity: "medium", Confidence: 0.9},
	}}}}}
	res, rep, err := RunReport(context.Background(), doc, p, Config{History: failingHistory{}})
	if err != nil {
		t.Fatalf("Run: got %v, want a result despite the history failure", err)
	}
	if rep.HistoryErr == nil {
		t.Error("Report.HistoryErr: got nil, want the history error")
	}
	if !containsPrefix(res.Warnings, "passes: no comparison with earlier filings") {
		t.Errorf("warnings: got %v, want the history failure", res.Warnings)
	}
	if len(res.Risks) != 1 || res.Risks[0].Change != schemas.ChangeUnknown {
		t.Errorf("risks: got %+v, want one with change unknown", res.Risks)
	}
}

func TestCoverPeriod(t *testing.T) {
	cases := []struct{ text, want string }{
		{"FORM 10-K\nFor the fiscal year ended December 31, 2024\nAcme", "2024-12-31"},
		{"FORM 10-Q\nFOR THE QUARTERLY PERIOD ENDED JUNE 2, 2025", "2025-06-02"},
		{"For the three months ended September 30 2025, revenue", "2025-09-30"},
		{"For the year ended Smarch 3, 2025", ""},
		{"No period here.", ""},
	}
	for _, c := range cases {
		if got := coverPeriod(c.text); got != c.want {
			t.Errorf("coverPeriod(%q): got %q, want %q", c.text, got, c.want)
		}
	}
}

func TestFileHistoryConcurrentRecords(t *testing.T) {
	h, err := NewFileHistory(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			errs <- h.Record(context.Background(), snap(string(rune('a'+i)), "2024-01-0"+string(rune('1'+i))))
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatalf("Record: %v", err)
		}
	}
	got, err := h.Snapshots(context.Background(), "cik:42")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Errorf("snapshots: got %d, want %d (no write lost)", len(got), n)
	}
}

func TestBodyHashIgnoresPageFurniture(t *testing.T) {
	a := "We buy most springs from three suppliers.\nIf any fails, we stop.\n"
	same := []string{
		"We buy most springs from three\fsuppliers.\n12\nIf any fails, we stop.\n",
		"We buy most springs from three suppliers.\nTable of Contents\nIf any  fails, we stop.\n",
		"We buy most springs from three suppliers.\n- 7 -\nIf any fails, we stop.",
		"We buy most springs from three suppliers.\nPage 31\nIf any fails, we stop.\n",
	}
	want := bodyHash(a, 0, len(a))
	for _, b := range same {
		if got := bodyHash(b, 0, len(b)); got != want {
			t.Errorf("bodyHash(%q) differs from the body without page furniture", b)
		}
	}
	changed := "We buy most springs from four suppliers.\nIf any fails, we stop.\n"
	if bodyHash(changed, 0, len(changed)) == want {
		t.Error("a changed word gave the same hash, want a different one")
	}
	// A number inside a sentence is content, not a page number.
	withCount := "We buy most springs from three suppliers.\nIf any of 12 fails, we stop.\n"
	if bodyHash(withCount, 0, len(withCount)) == want {
		t.Error("a number inside a sentence was dropped, want it kept")
	}
}
