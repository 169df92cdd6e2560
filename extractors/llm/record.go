package llm

import (
	"fmt"
	"math/big"

	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/schemas"
)

// callID is deterministic: document, pass, chunk range, repair try and
// attempt, such as "3f2a9c01b7e4-risk_primary-c0-2-r0-a1".
func callID(req passes.Request, first, n, try, attempt int) string {
	doc := req.Document.DocID
	if len(doc) > 12 {
		doc = doc[:12]
	}
	return fmt.Sprintf("%s-%s-c%d-%d-r%d-a%d", doc, passLabel(req), first, first+n-1, try, attempt)
}

// record appends a call record per attempt of comp. finalOutcome, when
// set, replaces the outcome of the last attempt, such as invalid_json for
// a reply that failed validation.
func (p *Provider) record(req passes.Request, first, n, try int, comp Completion, finalOutcome string) {
	calls := make([]schemas.LLMCall, 0, len(comp.Attempts))
	total := new(big.Rat)
	for i, a := range comp.Attempts {
		outcome := a.Outcome
		if i == len(comp.Attempts)-1 && finalOutcome != "" {
			outcome = finalOutcome
		}
		cost, _ := p.cfg.Prices.cost(p.cfg.Model, a.CacheHitTokens, max(a.PromptTokens-a.CacheHitTokens, 0), a.CompletionTokens, a.Start)
		total.Add(total, cost)
		calls = append(calls, schemas.LLMCall{
			CallID:                callID(req, first, n, try, i+1),
			DocID:                 req.Document.DocID,
			Pass:                  passLabel(req),
			Provider:              p.cfg.Provider,
			Model:                 p.cfg.Model,
			PromptVersion:         PromptVersion,
			Outcome:               outcome,
			Attempt:               i + 1,
			PromptCacheHitTokens:  a.CacheHitTokens,
			PromptCacheMissTokens: max(a.PromptTokens-a.CacheHitTokens, 0),
			CompletionTokens:      a.CompletionTokens,
			CostUSD:               formatUSD(cost),
			LatencyMS:             max(a.Latency.Milliseconds(), 0),
			CalledAt:              a.Start.UTC(),
		})
		if p.metrics != nil {
			p.metrics.calls.WithLabelValues(outcome).Inc()
			p.metrics.tokens.WithLabelValues("prompt_cache_hit").Add(float64(a.CacheHitTokens))
			p.metrics.tokens.WithLabelValues("prompt_cache_miss").Add(float64(max(a.PromptTokens-a.CacheHitTokens, 0)))
			p.metrics.tokens.WithLabelValues("completion").Add(float64(a.CompletionTokens))
			p.metrics.latency.Observe(a.Latency.Seconds())
			f, _ := cost.Float64()
			p.metrics.cost.Add(f)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	rec := p.doc(req.Document)
	rec.calls = append(rec.calls, calls...)
	for _, a := range comp.Attempts {
		p.usage.Calls++
		p.usage.PromptTokens += a.PromptTokens
		p.usage.CompletionTokens += a.CompletionTokens
		p.usage.CacheHitTokens += a.CacheHitTokens
	}
}

// recordCached appends the record of a batch served from the cache.
func (p *Provider) recordCached(req passes.Request, first, n int) {
	p.appendOne(req, first, n, 0, outcomeCached)
	p.add(func(u *Usage) { u.Cached++ })
}

// recordBudget appends the record of a call the budget stopped.
func (p *Provider) recordBudget(req passes.Request, first, n, try int) {
	p.appendOne(req, first, n, try, outcomeBudget)
}

// appendOne appends a record without tokens or cost.
func (p *Provider) appendOne(req passes.Request, first, n, try int, outcome string) {
	c := schemas.LLMCall{
		CallID:        callID(req, first, n, try, 1),
		DocID:         req.Document.DocID,
		Pass:          passLabel(req),
		Provider:      p.cfg.Provider,
		Model:         p.cfg.Model,
		PromptVersion: PromptVersion,
		Outcome:       outcome,
		Attempt:       1,
		CostUSD:       "0",
		CalledAt:      p.cfg.Now().UTC(),
	}
	if p.metrics != nil {
		p.metrics.calls.WithLabelValues(outcome).Inc()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	rec := p.doc(req.Document)
	rec.calls = append(rec.calls, c)
}
