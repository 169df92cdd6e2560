package llm

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/finx-dev/finx/internal/promreg"
)

// metrics are the provider's collectors; a nil *metrics records nothing.
type metrics struct {
	calls        *prometheus.CounterVec
	tokens       *prometheus.CounterVec
	cost         prometheus.Counter
	latency      prometheus.Histogram
	hallucinated prometheus.Counter
	fallbacks    *prometheus.CounterVec
	promptRatio  *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	if reg == nil {
		return nil, nil
	}
	m := &metrics{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "finx_llm_calls_total",
			Help: "Model calls, one per HTTP attempt or cache hit, by outcome (ok, cached, retried, invalid_json, truncated, http_4xx, http_5xx, timeout, transport, canceled, budget).",
		}, []string{"outcome"}),
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "finx_llm_tokens_total",
			Help: "Tokens billed, by type (prompt_cache_hit, prompt_cache_miss, completion).",
		}, []string{"type"}),
		cost: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "finx_llm_cost_usd_total",
			Help: "Cost of the calls in USD from the price table; the call records hold the exact decimal.",
		}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "finx_llm_call_duration_seconds",
			Help:    "Time of one model call attempt, keep-alive lines included; cache hits are not observed.",
			Buckets: prometheus.ExponentialBuckets(0.25, 2, 11),
		}),
		hallucinated: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "finx_llm_hallucinated_quotes_total",
			Help: "Quotes from the model that the citation check did not find in the document.",
		}),
		fallbacks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "finx_llm_fallbacks_total",
			Help: "Batches served by the fallback provider, by degraded reason.",
		}, []string{"reason"}),
		promptRatio: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "finx_llm_prompt_document_ratio",
			Help:    "Estimated tokens sent in one pass divided by the estimated tokens of the whole document.",
			Buckets: []float64{0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2},
		}, []string{"pass"}),
	}
	var err error
	if m.calls, err = register(reg, m.calls); err != nil {
		return nil, err
	}
	if m.tokens, err = register(reg, m.tokens); err != nil {
		return nil, err
	}
	if m.cost, err = register(reg, m.cost); err != nil {
		return nil, err
	}
	if m.latency, err = register(reg, m.latency); err != nil {
		return nil, err
	}
	if m.hallucinated, err = register(reg, m.hallucinated); err != nil {
		return nil, err
	}
	if m.fallbacks, err = register(reg, m.fallbacks); err != nil {
		return nil, err
	}
	if m.promptRatio, err = register(reg, m.promptRatio); err != nil {
		return nil, err
	}
	return m, nil
}

func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	c, err := promreg.Register(reg, c)
	if err != nil {
		return c, fmt.Errorf("llm: register metrics: %w", err)
	}
	return c, nil
}
