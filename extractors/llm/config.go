package llm

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/finx-dev/finx/extractors/passes"
)

// Completion is one reply of a chat model. Its fields match
// deepseek.Completion, so a deepseek client converts with llm.Completion(c).
type Completion struct {
	Content      string
	FinishReason string
	// PromptTokens includes CacheHitTokens.
	PromptTokens     int
	CompletionTokens int
	CacheHitTokens   int
}

// Completer sends one system and one user message in JSON output mode. On a
// reply cut at maxTokens it returns the Completion with FinishReason
// "length" together with a non-nil error. An error that has a method
// Unavailable() bool returning true marks the model as unusable until an
// operator acts.
type Completer interface {
	Complete(ctx context.Context, system, user string, maxTokens int) (Completion, error)
}

// CompleterFunc adapts a function to Completer.
type CompleterFunc func(ctx context.Context, system, user string, maxTokens int) (Completion, error)

// Complete calls f.
func (f CompleterFunc) Complete(ctx context.Context, system, user string, maxTokens int) (Completion, error) {
	return f(ctx, system, user, maxTokens)
}

// Config sets up a Provider. Zero fields take the documented defaults.
type Config struct {
	// Model names the model in Name(), which returns "llm:" + Model.
	// Required.
	Model string
	// Fallback serves the batches the model fails on. Default: nil, so that
	// such a failure ends Extract with an error.
	Fallback passes.Provider
	// Logger receives warnings. Default: nil, which is silent.
	Logger *slog.Logger
	// BatchBytes caps the chunk text sent in one call. A chunk longer than
	// the cap goes alone. Default: 48000, about 12000 tokens of English.
	BatchBytes int
	// MaxTokens is the output limit of one call. Default: 8192, the
	// documented maximum of deepseek-chat; V4 models allow more.
	MaxTokens int
	// MaxRepairs is the number of repair requests after an invalid reply.
	// Default: 2. A negative value disables repairs.
	MaxRepairs int
}

const (
	defaultBatchBytes = 48000
	defaultMaxTokens  = 8192
	defaultMaxRepairs = 2
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
	return nil
}

func (c Config) withDefaults() Config {
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
	return c
}
