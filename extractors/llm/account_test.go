package llm_test

import (
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/finx-dev/finx/connectors/deepseek/deepseektest"
	"github.com/finx-dev/finx/extractors/llm"
	"github.com/finx-dev/finx/schemas"
)

func TestCacheRerunCostsNoCall(t *testing.T) {
	cache, err := llm.OpenCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := newSimSetup(t, deepseektest.SimConfig{}, func(c *llm.Config) { c.Cache = cache })
	first := runSim(t, s, testDoc(""))
	calls := s.sim.Stats().Requests
	if calls == 0 {
		t.Fatal("first run sent no request")
	}
	second := runSim(t, s, testDoc(""))
	if got := s.sim.Stats().Requests; got != calls {
		t.Errorf("requests after the second run: got %d, want still %d", got, calls)
	}
	if got := outcomes(second); len(got) == 0 || slices.ContainsFunc(got, func(o string) bool { return o != "cached" }) {
		t.Errorf("second run outcomes: got %q, want only cached", got)
	}
	for _, c := range second.LLMCalls {
		if c.CostUSD != "0" || c.PromptCacheMissTokens != 0 {
			t.Errorf("cached call %s: cost %s, %d prompt tokens, want 0 and 0", c.CallID, c.CostUSD, c.PromptCacheMissTokens)
		}
	}
	if a, b := itemKeys(first), itemKeys(second); !slices.Equal(a, b) {
		t.Errorf("items differ between runs:\nfirst  %q\nsecond %q", a, b)
	}
}

func TestCacheCorruptEntryIgnored(t *testing.T) {
	dir := t.TempDir()
	cache, err := llm.OpenCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := newSimSetup(t, deepseektest.SimConfig{}, func(c *llm.Config) { c.Cache = cache })
	runSim(t, s, testDoc(""))
	var entries []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			entries = append(entries, path)
		}
		return nil
	})
	if len(entries) == 0 {
		t.Fatal("no cache entry written")
	}
	for i, path := range entries {
		// One entry is not JSON; the others name another key.
		corrupt := []byte(`{"key": "`)
		if i > 0 {
			corrupt = []byte(`{"key": "0000", "content": "{\"risks\": []}"}`)
		}
		if err := os.WriteFile(path, corrupt, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	calls := s.sim.Stats().Requests
	res := runSim(t, s, testDoc(""))
	if got := s.sim.Stats().Requests; got != calls+len(entries) {
		t.Errorf("requests: got %d more, want %d (one per corrupt entry)", got-calls, len(entries))
	}
	if !hasHeading(res, headingSuppliers) {
		t.Errorf("risks after corrupt entries: got %q", headings(res))
	}
	for _, path := range entries {
		b, err := os.ReadFile(path)
		if err != nil || !strings.Contains(string(b), `"content"`) || strings.Contains(string(b), `"0000"`) {
			t.Errorf("entry %s not rewritten: %s", path, b)
		}
	}
}

func TestBudgetStopsCallsCleanly(t *testing.T) {
	// With 512 output tokens, one call's upper bound at deepseek-flash
	// prices is about 0.001 USD and its actual cost about 0.0001 USD, so
	// the budget covers a few of the ten calls of five documents.
	const budget = "0.0015"
	s := newSimSetup(t, deepseektest.SimConfig{}, func(c *llm.Config) {
		c.Budget = budget
		c.MaxTokens = 512
	})
	var results []*schemas.Result
	for range 5 {
		results = append(results, runSim(t, s, testDoc("")))
	}

	u := s.provider.Usage()
	if u.BudgetStops == 0 {
		t.Fatalf("Usage.BudgetStops: got 0, want batches stopped (%+v)", u)
	}
	if got := s.sim.Stats().Requests; got == 0 || got >= 10 {
		t.Errorf("requests: got %d, want some but not all 10", got)
	}
	spent, _ := new(big.Rat).SetString(u.CostUSD)
	limit, _ := new(big.Rat).SetString(budget)
	if spent.Cmp(limit) > 0 {
		t.Errorf("spent %s USD, over the budget of %s", u.CostUSD, budget)
	}
	last := results[len(results)-1]
	if o := origins(last); o["rules/"+llm.DegradedBudget] == 0 {
		t.Errorf("item origins of the last run: got %v, want rules/%s", o, llm.DegradedBudget)
	}
	if !slices.Contains(outcomes(last), "budget") {
		t.Errorf("call outcomes of the last run: got %q, want a budget record", outcomes(last))
	}
	if n := strings.Count(s.logs.String(), `level=WARN msg="llm budget exhausted`); n != 1 {
		t.Errorf("budget warnings: got %d, want 1 in %q", n, s.logs.String())
	}
	for _, res := range results {
		if !hasHeading(res, headingSuppliers) || !hasHeading(res, headingCyber) {
			t.Errorf("risks: got %q, want both headings", headings(res))
		}
	}
}

func TestBudgetBelowOneCallSendsNothing(t *testing.T) {
	s := newSimSetup(t, deepseektest.SimConfig{}, func(c *llm.Config) { c.Budget = "0.0000001" })
	res := runSim(t, s, testDoc(""))
	if got := s.sim.Stats().Requests; got != 0 {
		t.Errorf("requests: got %d, want 0", got)
	}
	if res.Degraded != llm.DegradedBudget {
		t.Errorf("result degraded: got %q, want %s", res.Degraded, llm.DegradedBudget)
	}
	if u := s.provider.Usage(); u.CostUSD != "0" {
		t.Errorf("cost: got %s, want 0", u.CostUSD)
	}
}

func TestCallRecordsAndCost(t *testing.T) {
	s := newSimSetup(t, deepseektest.SimConfig{Faults: []string{deepseektest.FaultInvalidJSON}})
	res := runSim(t, s, testDoc(""))
	if len(res.LLMCalls) == 0 {
		t.Fatal("no call records")
	}
	ids := map[string]bool{}
	total := 0
	for _, c := range res.LLMCalls {
		if ids[c.CallID] {
			t.Errorf("call id %s repeats", c.CallID)
		}
		ids[c.CallID] = true
		if c.Outcome == "ok" && (c.CostUSD == "0" || c.PromptCacheMissTokens+c.PromptCacheHitTokens == 0) {
			t.Errorf("call %s: cost %s with %d+%d prompt tokens, want a positive cost", c.CallID, c.CostUSD, c.PromptCacheHitTokens, c.PromptCacheMissTokens)
		}
		if c.CalledAt.IsZero() || c.Attempt < 1 {
			t.Errorf("call %s: called_at %v attempt %d", c.CallID, c.CalledAt, c.Attempt)
		}
		total += c.PromptCacheHitTokens + c.PromptCacheMissTokens
	}
	var repair bool
	for id := range ids {
		if strings.Contains(id, "-r1-") {
			repair = true
		}
	}
	if !repair {
		t.Errorf("call ids %v: want a repair call (-r1-)", ids)
	}
	if u := s.provider.Usage(); u.PromptTokens != total || u.CostUSD == "0" {
		t.Errorf("Usage: got %d prompt tokens, cost %s; want %d and a positive cost", u.PromptTokens, u.CostUSD, total)
	}
	if res.Model != "deepseek-flash" || res.PromptVersion != llm.PromptVersion || res.Degraded != "" {
		t.Errorf("result provenance: got %+v", res.Provenance)
	}
}

func TestMetricsRecorded(t *testing.T) {
	reg := prometheus.NewRegistry()
	s := newSimSetup(t, deepseektest.SimConfig{Faults: []string{deepseektest.FaultHallucinate}}, func(c *llm.Config) { c.Registerer = reg })
	runSim(t, s, testDoc(""))
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			name := f.GetName()
			for _, l := range m.GetLabel() {
				name += "{" + l.GetName() + "=" + l.GetValue() + "}"
			}
			switch {
			case m.GetCounter() != nil:
				values[name] = m.GetCounter().GetValue()
			case m.GetHistogram() != nil:
				values[name] = float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	for _, name := range []string{
		"finx_llm_calls_total{outcome=ok}",
		"finx_llm_tokens_total{type=prompt_cache_miss}",
		"finx_llm_tokens_total{type=completion}",
		"finx_llm_cost_usd_total",
		"finx_llm_call_duration_seconds",
		"finx_llm_hallucinated_quotes_total",
		"finx_llm_prompt_document_ratio{pass=risk_primary}",
	} {
		if values[name] <= 0 {
			t.Errorf("%s: got %v, want a positive value (all: %v)", name, values[name], values)
		}
	}
}
