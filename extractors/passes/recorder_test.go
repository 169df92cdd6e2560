package passes

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/finx-dev/finx/schemas"
)

// recordingProvider proposes one risk of its own, one from its fallback
// and one invented quote per risk request, and records EndDocument.
type recordingProvider struct {
	mu          sync.Mutex
	inFlight    int
	maxInFlight int
	ended       []int
}

func (p *recordingProvider) Name() string { return "model" }

func (p *recordingProvider) Extract(ctx context.Context, req Request) (Response, error) {
	p.mu.Lock()
	p.inFlight++
	p.maxInFlight = max(p.maxInFlight, p.inFlight)
	p.mu.Unlock()
	// Requests of one pass overlap while this one waits.
	time.Sleep(20 * time.Millisecond)
	p.mu.Lock()
	p.inFlight--
	p.mu.Unlock()

	if req.Kind != KindRisk || req.Pass != PassPrimary {
		return Response{}, nil
	}
	own := Origin{Provider: "model", Provenance: schemas.Provenance{Model: "m1", PromptVersion: "p1"}}
	fallback := Origin{Provider: "rules", Provenance: schemas.Provenance{Degraded: "llm_unavailable"}}
	return Response{Risks: []RiskCandidate{
		{Hint: Hint{Chunk: 0, Offset: -1}, Origin: own, Quote: "We depend on one supplier.", Category: "supply_chain", Severity: "high", Confidence: 0.9},
		{Hint: Hint{Chunk: 0, Offset: -1}, Origin: fallback, Quote: "Storms could close our plant.", Category: "climate_esg", Severity: "medium", Confidence: 0.9},
		{Hint: Hint{Chunk: 0, Offset: -1}, Origin: own, Quote: "A sentence that is in no filing.", Category: "other", Severity: "low", Confidence: 0.9},
		{Hint: Hint{Chunk: 0, Offset: -1}, Origin: fallback, Quote: "Another sentence in no filing.", Category: "other", Severity: "low", Confidence: 0.9},
	}}, nil
}

func (p *recordingProvider) EndDocument(docID string, rejected int) (schemas.Provenance, []schemas.LLMCall) {
	p.mu.Lock()
	p.ended = append(p.ended, rejected)
	p.mu.Unlock()
	return schemas.Provenance{Model: "m1", PromptVersion: "p1", Degraded: "llm_unavailable"},
		[]schemas.LLMCall{{CallID: "c1", DocID: docID, Pass: "risk_primary", Provider: "model", Outcome: "ok", Attempt: 1, CostUSD: "0.001"}}
}

func TestRunCallRecorderAndOrigin(t *testing.T) {
	doc := &schemas.Document{
		Filing: schemas.Filing{DocID: strings.Repeat("c", 64), Form: "10-K"},
		Text: "Item 1. Business\nWe make valves.\nItem 1A. Risk Factors\n" +
			"We depend on one supplier.\nA failure of the supplier could stop our plants.\n" +
			"Storms could close our plant.\nA storm closed it for a week in 2024.\n" +
			"Item 7. Management's Discussion and Analysis\nNet sales were $12 million, and we expect revenue of $13 million to $14 million in 2026.\n",
	}
	p := &recordingProvider{}
	res, err := Run(context.Background(), doc, p, Config{})
	if err != nil {
		t.Fatal(err)
	}

	if len(p.ended) != 1 || p.ended[0] != 1 {
		t.Errorf("EndDocument rejected counts: got %v, want one call with 1 (the fallback's invented quote is not the provider's)", p.ended)
	}
	if len(res.LLMCalls) != 1 || res.LLMCalls[0].CallID != "c1" {
		t.Errorf("LLMCalls: got %+v, want the recorder's call", res.LLMCalls)
	}
	if res.Provenance.Model != "m1" || res.Degraded != "llm_unavailable" {
		t.Errorf("result provenance: got %+v", res.Provenance)
	}
	want := map[string]string{
		"We depend on one supplier.":    "model m1 p1 ",
		"Storms could close our plant.": "rules   llm_unavailable",
	}
	for _, r := range res.Risks {
		got := r.Provider + " " + r.Model + " " + r.PromptVersion + " " + r.Degraded
		if w, ok := want[r.Heading]; ok && got != w {
			t.Errorf("risk %q origin: got %q, want %q", r.Heading, got, w)
		}
		delete(want, r.Heading)
	}
	if len(want) > 0 {
		t.Errorf("risks missing: %v", want)
	}
	if p.maxInFlight < 2 {
		t.Errorf("requests in flight at once: got %d, want the kinds of one pass together", p.maxInFlight)
	}
}
