package deepseek

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/finx-dev/finx/internal/promreg"
)

// metrics are the client's collectors; a nil *metrics records nothing.
type metrics struct {
	attempts *prometheus.CounterVec
	tokens   *prometheus.CounterVec
	duration prometheus.Histogram
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	if reg == nil {
		return nil, nil
	}
	m := &metrics{
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "finx_deepseek_attempts_total",
			Help: "Chat completion attempts, by outcome (ok, http_<status>, truncated, empty, no_finish_reason, content_filter, timeout, canceled, transport).",
		}, []string{"outcome"}),
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "finx_deepseek_tokens_total",
			Help: "Tokens billed, by kind (prompt_cache_hit, prompt_cache_miss, completion).",
		}, []string{"kind"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "finx_deepseek_attempt_duration_seconds",
			Help:    "Time of one chat completion attempt, keep-alive lines included.",
			Buckets: prometheus.ExponentialBuckets(0.25, 2, 11),
		}),
	}
	var err error
	if m.attempts, err = register(reg, m.attempts); err != nil {
		return nil, err
	}
	if m.tokens, err = register(reg, m.tokens); err != nil {
		return nil, err
	}
	if m.duration, err = register(reg, m.duration); err != nil {
		return nil, err
	}
	return m, nil
}

// register registers c through promreg, so that several clients may share
// one registry.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	c, err := promreg.Register(reg, c)
	if err != nil {
		return c, fmt.Errorf("deepseek: register metrics: %w", err)
	}
	return c, nil
}

// observe records one attempt.
func (m *metrics) observe(comp Completion, err error, took time.Duration) {
	if m == nil {
		return
	}
	m.attempts.WithLabelValues(outcome(err)).Inc()
	m.duration.Observe(took.Seconds())
	m.tokens.WithLabelValues("prompt_cache_hit").Add(float64(comp.CacheHitTokens))
	m.tokens.WithLabelValues("prompt_cache_miss").Add(float64(max(comp.PromptTokens-comp.CacheHitTokens, 0)))
	m.tokens.WithLabelValues("completion").Add(float64(comp.CompletionTokens))
}

// outcome returns the bounded label of an attempt's result.
func outcome(err error) string {
	var apiErr *APIError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &apiErr):
		return fmt.Sprintf("http_%d", apiErr.StatusCode)
	case errors.Is(err, ErrTruncated):
		return "truncated"
	case errors.Is(err, ErrEmptyContent):
		return "empty"
	case errors.Is(err, ErrNoFinishReason):
		return "no_finish_reason"
	case errors.Is(err, ErrContentFilter):
		return "content_filter"
	case errors.Is(err, ErrTimeout):
		return "timeout"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "canceled"
	}
	return "transport"
}

// callOutcome returns the schemas.LLMCall outcome of an attempt's result.
func callOutcome(err error) string {
	var apiErr *APIError
	switch {
	case err == nil:
		return OutcomeOK
	case errors.As(err, &apiErr):
		if apiErr.StatusCode >= 500 {
			return OutcomeHTTP5xx
		}
		return OutcomeHTTP4xx
	case errors.Is(err, ErrTruncated):
		return OutcomeTruncated
	case errors.Is(err, ErrEmptyContent), errors.Is(err, ErrNoFinishReason), errors.Is(err, ErrContentFilter):
		return OutcomeInvalidJSON
	case errors.Is(err, ErrTimeout):
		return OutcomeTimeout
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return OutcomeCanceled
	}
	return OutcomeTransport
}
