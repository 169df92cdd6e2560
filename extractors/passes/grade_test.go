package passes

import (
	"context"
	"testing"

	"github.com/finx-dev/finx/schemas"
)

func TestGrade(t *testing.T) {
	r := &runner{cfg: Config{}.withDefaults()}
	cases := []struct {
		name       string
		base       float64
		ev         evidence
		wantConf   float64
		wantStatus string
		wantReason string
		wantKeep   bool
	}{
		{"exact and strong", 0.8, evidence{match: schemas.MatchExact}, 0.8, schemas.StatusAccepted, "", true},
		{"exact and weak", 0.45, evidence{match: schemas.MatchExact}, 0.45, schemas.StatusNeedsReview, "low_confidence", true},
		{"normalized is never accepted", 1, evidence{match: schemas.MatchNormalized}, 0.9, schemas.StatusNeedsReview, "normalized_quote", true},
		{"xbrl agree lifts a weak figure", 0.45, evidence{match: schemas.MatchExact, xbrl: "agree"}, 0.725, schemas.StatusAccepted, "", true},
		{"xbrl disagree", 0.9, evidence{match: schemas.MatchExact, xbrl: "disagree"}, 0.45, schemas.StatusNeedsReview, "xbrl_disagree", true},
		{"xbrl disagree is kept at any confidence", 0.1, evidence{match: schemas.MatchExact, xbrl: "disagree"}, 0.05, schemas.StatusNeedsReview, "xbrl_disagree", true},
		{"field problem", 0.9, evidence{match: schemas.MatchExact, reason: "unknown_period"}, 0.9, schemas.StatusNeedsReview, "unknown_period", true},
		{"below review threshold", 0.1, evidence{match: schemas.MatchExact}, 0.1, "", "", false},
		{"normalized pushes under the threshold", 0.21, evidence{match: schemas.MatchNormalized}, 0.189, "", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conf, status, reason, keep := r.grade(c.base, c.ev)
			if conf != c.wantConf || status != c.wantStatus || reason != c.wantReason || keep != c.wantKeep {
				t.Errorf("got %.4f %q %q keep %v, want %.4f %q %q keep %v", conf, status, reason, keep, c.wantConf, c.wantStatus, c.wantReason, c.wantKeep)
			}
		})
	}
}

func TestConfigThresholds(t *testing.T) {
	cases := []struct {
		name    string
		cfg     Config
		wantErr bool
	}{
		{"zero", Config{}, false},
		{"custom", Config{AcceptMin: 0.7, ReviewMin: 0.3}, false},
		{"review above accept", Config{AcceptMin: 0.4, ReviewMin: 0.6}, true},
		{"accept over one", Config{AcceptMin: 1.5}, true},
		{"negative review", Config{ReviewMin: -0.1}, true},
		{"deprecated ReviewBelow under the default ReviewMin", Config{ReviewBelow: 0.1}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.cfg.Validate(); (err != nil) != c.wantErr {
				t.Errorf("got %v, want error %v", err, c.wantErr)
			}
		})
	}
	if got := (Config{ReviewBelow: 0.7}).withDefaults().AcceptMin; got != 0.7 {
		t.Errorf("ReviewBelow 0.7: got AcceptMin %g, want 0.7", got)
	}
}

func TestRunDropsBelowReviewMin(t *testing.T) {
	doc := testDoc()
	p := &fakeProvider{resp: map[Kind]map[Pass]Response{KindRisk: {PassPrimary: {Risks: []RiskCandidate{
		{Hint: Hint{Chunk: 0, Offset: -1}, Quote: "Cyberattacks could harm our systems.", Category: "cybersecurity", Severity: "medium", Confidence: 0.1},
		// The same heading with more confidence: kept, because the dropped
		// candidate did not claim the item.
		{Hint: Hint{Chunk: 0, Offset: -1}, Quote: "Cyberattacks could harm our systems.", Category: "cybersecurity", Severity: "medium", Confidence: 0.3},
	}}}}}
	res, rep, err := RunReport(context.Background(), doc, p, Config{NoRecall: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Risks) != 1 || res.Risks[0].Status != schemas.StatusNeedsReview || res.Risks[0].Confidence != 0.3 {
		t.Fatalf("risks: got %+v, want one needs_review at 0.3", res.Risks)
	}
	if rep.Dropped[KindRisk] != 1 {
		t.Errorf("dropped: got %d, want 1", rep.Dropped[KindRisk])
	}
	if res.Stats.Dropped != 1 {
		t.Errorf("Stats.Dropped: got %d, want 1", res.Stats.Dropped)
	}
	if len(res.Selections) != len(rep.Selections) || len(res.Selections) == 0 {
		t.Fatalf("result selections: got %d, want the report's %d", len(res.Selections), len(rep.Selections))
	}
	if got := res.Selections[0]; got.Kind != string(rep.Selections[0].Kind) || got.Bytes != rep.Selections[0].Bytes {
		t.Errorf("first selection: got %+v, want the report's %+v", got, rep.Selections[0])
	}
	if _, err := schemas.Marshal(schemas.SchemaResult, res); err != nil {
		t.Errorf("result with selections does not validate: %v", err)
	}
	if !containsPrefix(res.Warnings, "passes: dropped 1 risk candidates with confidence below 0.2") {
		t.Errorf("warnings: got %v, want the dropped count", res.Warnings)
	}
}

func TestRunRecallPassMerges(t *testing.T) {
	doc := testDoc()
	suppliers := "Our suppliers’ failure could disrupt production."
	cyber := "Cyberattacks could harm our systems."
	p := &fakeProvider{resp: map[Kind]map[Pass]Response{KindRisk: {
		PassPrimary: {Risks: []RiskCandidate{
			{Hint: Hint{Chunk: 0, Offset: -1}, Quote: suppliers, Category: "supply_chain", Severity: "medium", Confidence: 0.9},
		}},
		PassRecall: {Risks: []RiskCandidate{
			{Hint: Hint{Chunk: 0, Offset: -1}, Quote: suppliers, Category: "supply_chain", Severity: "medium", Confidence: 0.9},
			{Hint: Hint{Chunk: 0, Offset: -1}, Quote: cyber, Category: "cybersecurity", Severity: "medium", Confidence: 0.7},
		}},
	}}}
	res, rep, err := RunReport(context.Background(), doc, p, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Risks) != 2 {
		t.Fatalf("risks: got %d, want 2 (the recall pass's repeat merged)", len(res.Risks))
	}

	var recallReq *Request
	for i := range p.requests {
		if p.requests[i].Kind == KindRisk && p.requests[i].Pass == PassRecall {
			recallReq = &p.requests[i]
		}
	}
	if recallReq == nil {
		t.Fatal("no recall request for risks")
	}
	if len(recallReq.Known) != 1 || recallReq.Known[0] != suppliers {
		t.Errorf("recall Known: got %q, want the primary pass's quote", recallReq.Known)
	}

	var primary, recall *Selection
	for i := range rep.Selections {
		s := &rep.Selections[i]
		if s.Kind != KindRisk {
			continue
		}
		switch s.Pass {
		case PassPrimary:
			primary = s
		case PassRecall:
			recall = s
		}
	}
	if primary == nil || recall == nil {
		t.Fatalf("selections: got %+v, want a primary and a recall risk pass", rep.Selections)
	}
	if primary.Added != 1 || recall.Added != 1 || recall.Duplicates != 1 || recall.Candidates != 2 {
		t.Errorf("counts: primary added %d, recall added %d duplicates %d candidates %d; want 1, 1, 1, 2",
			primary.Added, recall.Added, recall.Duplicates, recall.Candidates)
	}
	sec := doc.Text[at(doc, "Item 1A."):at(doc, "Item 7.")]
	if len(primary.Sections) != 1 || primary.Sections[0] != "item_1a" {
		t.Errorf("sections: got %v, want [item_1a]", primary.Sections)
	}
	if primary.Bytes != len(sec) || len(primary.Spans) != 1 || primary.Spans[0] != [2]int{at(doc, "Item 1A."), at(doc, "Item 7.")} {
		t.Errorf("spans: got %v (%d bytes), want the Item 1A span (%d bytes)", primary.Spans, primary.Bytes, len(sec))
	}
}

// versioned is a provider with a Provenancer.
type versioned struct{ fakeProvider }

func (*versioned) Provenance() schemas.Provenance {
	return schemas.Provenance{PromptVersion: "test-1"}
}

func TestRunProvenance(t *testing.T) {
	doc := testDoc()
	p := &versioned{fakeProvider{resp: map[Kind]map[Pass]Response{KindRisk: {PassPrimary: {Risks: []RiskCandidate{
		{Hint: Hint{Chunk: 0, Offset: -1}, Quote: "Cyberattacks could harm our systems.", Category: "cybersecurity", Severity: "medium", Confidence: 0.9},
		{Hint: Hint{Chunk: 0, Offset: -1}, Quote: "Our suppliers’ failure could disrupt production.", Category: "supply_chain", Severity: "medium", Confidence: 0.9,
			Origin: Origin{Provider: "rules", Provenance: schemas.Provenance{PromptVersion: "rules-x", Degraded: "llm_unavailable"}}},
	}}}}}}
	res, err := Run(context.Background(), doc, p, Config{NoRecall: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Risks) != 2 {
		t.Fatalf("risks: got %d, want 2", len(res.Risks))
	}
	byHeading := map[string]schemas.Risk{}
	for _, r := range res.Risks {
		byHeading[r.Heading] = r
	}
	if got := byHeading["Cyberattacks could harm our systems."].Provenance; got.PromptVersion != "test-1" || got.Degraded != "" {
		t.Errorf("provider's item: got %+v, want prompt version test-1", got)
	}
	fb := byHeading["Our suppliers’ failure could disrupt production."]
	if fb.PromptVersion != "rules-x" || fb.Degraded != "llm_unavailable" || fb.Provider != "rules" {
		t.Errorf("fallback item: got %+v from %s, want rules-x, llm_unavailable from rules", fb.Provenance, fb.Provider)
	}
	if res.PromptVersion != "test-1" || res.Degraded != "llm_unavailable" {
		t.Errorf("result: got %+v, want test-1 degraded llm_unavailable", res.Provenance)
	}
}
