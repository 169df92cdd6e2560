package llm

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/finx-dev/finx/extractors/passes"
)

// Completion is one reply of a chat model, with the record of every HTTP
// attempt the Completer made for it.
type Completion struct {
	Content      string
	FinishReason string
	// PromptTokens includes CacheHitTokens.
	PromptTokens     int
	CompletionTokens int
	CacheHitTokens   int
	// Attempts lists the HTTP attempts, failed ones included, so that each
	// becomes a schemas.LLMCall. A Completer that does not report attempts
	// leaves it empty, and the provider records the call as one attempt.
	Attempts []Attempt
}

// Attempt is one HTTP attempt of a Completer, as deepseek.Attempt records
// it; cmd/finx copies one into the other.
type Attempt struct {
	// Outcome is ok, retried, truncated, invalid_json, http_4xx, http_5xx,
	// timeout, transport or canceled.
	Outcome    string
	StatusCode int
	// Token counts as the API reported them; PromptTokens includes
	// CacheHitTokens.
	PromptTokens, CompletionTokens, CacheHitTokens int
	Latency                                        time.Duration
	Start                                          time.Time
}

// Completer sends one system and one user message in JSON output mode. On a
// reply cut at maxTokens it returns the Completion with FinishReason
// "length" together with a non-nil error, and on any error it returns the
// attempts made so far. The provider classifies errors through methods:
// HTTPStatus() int (401 and 402 open the circuit breaker at once), and
// InvalidOutput() bool (the model replied, but not with usable content,
// which the breaker does not count). Any other error counts as a failure of
// the service.
type Completer interface {
	Complete(ctx context.Context, system, user string, maxTokens int) (Completion, error)
}

// CompleterFunc adapts a function to Completer.
type CompleterFunc func(ctx context.Context, system, user string, maxTokens int) (Completion, error)

// Complete calls f.
func (f CompleterFunc) Complete(ctx context.Context, system, user string, maxTokens int) (Completion, error) {
	return f(ctx, system, user, maxTokens)
}

// RecallMode selects who serves the recall pass.
type RecallMode string

const (
	// RecallFallback serves the recall pass with both passes of
	// Config.Fallback, without a model call: the fallback adds the items
	// the model missed. All model calls of a document then go out in one
	// round.
	RecallFallback RecallMode = "fallback"
	// RecallModel sends the recall pass to the model with the quotes the
	// primary pass found, which costs a second round of calls.
	RecallModel RecallMode = "model"
)

// Config sets up a Provider. Zero fields take the documented defaults.
type Config struct {
	// Model is the model name recorded in provenance and call records, and
	// the key of its price. Required.
	Model string
	// Provider is the name that Name() returns and items carry in their
	// Provider field, such as "deepseek". Default: "llm:" + Model.
	Provider string
	// Fallback serves the batches the model fails on and, with
	// RecallFallback, the recall pass. Default: nil, so that a failure ends
	// Extract with an error.
	Fallback passes.Provider
	// Recall selects who serves the recall pass. Default: RecallFallback
	// when Fallback is set, else RecallModel.
	Recall RecallMode
	// Logger receives warnings. Default: nil, which is silent.
	Logger *slog.Logger
	// BatchBytes caps the chunk text sent in one call, counted after the
	// chunks are shortened (see FullChunks). A chunk longer than the cap
	// goes alone. Default: 48000, about 12000 tokens of English.
	BatchBytes int
	// FullChunks sends every chunk whole. Default: false, so a risk prompt
	// carries the opening sentence of each paragraph and a metric prompt
	// the lines that name a metric next to a figure. Guidance chunks always
	// go whole. The recall pass covers the text left out.
	FullChunks bool
	// MaxTokens is the output limit of one call. Default: 8192, the
	// documented maximum of deepseek-chat; V4 models allow more.
	MaxTokens int
	// MaxRepairs is the number of repair requests after an invalid reply.
	// Default: 2. A negative value disables repairs.
	MaxRepairs int
	// Prices maps models to prices for the call records and the budget.
	// Default: DefaultPrices(). A model missing from the table costs "0"
	// and cannot have a Budget.
	Prices PriceTable
	// Budget is the most the provider may spend in its lifetime, in USD as
	// an exact decimal such as "0.50". When the next call could pass it,
	// the provider stops calling and the fallback serves the rest with
	// degraded reason llm_budget. Default: empty, no limit.
	Budget string
	// Cache stores valid replies, so that a repeated prompt costs no call.
	// Default: nil, no cache.
	Cache *Cache
	// Concurrency bounds the calls in flight across all documents and passes
	// of this provider; cmd/finx builds one provider per process. Default:
	// 16.
	Concurrency int
	// BreakerFailures is the number of consecutive failed calls after which
	// the provider stops calling for BreakerCoolDown. A rejected key (401)
	// or an empty balance (402) stops it at once. Default: 5.
	BreakerFailures int
	// BreakerCoolDown is the pause before one probe call is let through
	// after the breaker opened. Default: 1m.
	BreakerCoolDown time.Duration
	// Registerer receives the provider's metrics. Default: nil, none.
	Registerer prometheus.Registerer
	// Now returns the time of call records. Default: time.Now.
	Now func() time.Time
}

const (
	defaultBatchBytes      = 48000
	defaultMaxTokens       = 8192
	defaultMaxRepairs      = 2
	defaultConcurrency     = 16
	defaultBreakerFailures = 5
	defaultBreakerCoolDown = time.Minute
)

// Validate reports the first invalid field.
func (c Config) Validate() error {
	if c.Model == "" {
		return fmt.Errorf("llm: missing Model")
	}
	if c.BatchBytes < 0 {
		return fmt.Errorf("llm: invalid BatchBytes %d: must be 0 (default) or positive", c.BatchBytes)
	}
	if c.MaxTokens < 0 {
		return fmt.Errorf("llm: invalid MaxTokens %d: must be 0 (default) or positive", c.MaxTokens)
	}
	if c.Concurrency < 0 {
		return fmt.Errorf("llm: invalid Concurrency %d: must be 0 (default) or positive", c.Concurrency)
	}
	if c.BreakerFailures < 0 || c.BreakerCoolDown < 0 {
		return fmt.Errorf("llm: invalid breaker settings %d failures, %v cool-down: must be 0 (default) or positive", c.BreakerFailures, c.BreakerCoolDown)
	}
	switch c.Recall {
	case "", RecallFallback, RecallModel:
	default:
		return fmt.Errorf("llm: invalid Recall %q: want fallback or model", c.Recall)
	}
	if c.Recall == RecallFallback && c.Fallback == nil {
		return fmt.Errorf("llm: Recall %q needs a Fallback provider", c.Recall)
	}
	prices := c.Prices
	if prices.Models == nil {
		prices = DefaultPrices()
	}
	if err := prices.Validate(); err != nil {
		return fmt.Errorf("llm: invalid Prices: %w", err)
	}
	if c.Budget != "" {
		if !priceRe.MatchString(c.Budget) {
			return fmt.Errorf("llm: invalid Budget %q: want a decimal amount of USD such as 0.50", c.Budget)
		}
		if !prices.Has(c.Model) {
			return fmt.Errorf("llm: Budget %s USD set, but the price table has no price for model %q", c.Budget, c.Model)
		}
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.Provider == "" {
		c.Provider = "llm:" + c.Model
	}
	if c.Recall == "" {
		c.Recall = RecallModel
		if c.Fallback != nil {
			c.Recall = RecallFallback
		}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.BatchBytes == 0 {
		c.BatchBytes = defaultBatchBytes
	}
	if c.MaxTokens == 0 {
		c.MaxTokens = defaultMaxTokens
	}
	switch {
	case c.MaxRepairs == 0:
		c.MaxRepairs = defaultMaxRepairs
	case c.MaxRepairs < 0:
		c.MaxRepairs = 0
	}
	if c.Prices.Models == nil {
		c.Prices = DefaultPrices()
	}
	if c.Concurrency == 0 {
		c.Concurrency = defaultConcurrency
	}
	if c.BreakerFailures == 0 {
		c.BreakerFailures = defaultBreakerFailures
	}
	if c.BreakerCoolDown == 0 {
		c.BreakerCoolDown = defaultBreakerCoolDown
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}
