package llm_test

import (
	"context"

	"github.com/finx-dev/finx/connectors/deepseek"
	"github.com/finx-dev/finx/extractors/llm"
)

// completer adapts a DeepSeek client to llm.Completer, as cmd/finx does.
func completer(c *deepseek.Client) llm.Completer {
	return llm.CompleterFunc(func(ctx context.Context, system, user string, maxTokens int) (llm.Completion, error) {
		d, err := c.Complete(ctx, system, user, maxTokens)
		out := llm.Completion{
			Content: d.Content, FinishReason: d.FinishReason, PromptTokens: d.PromptTokens,
			CompletionTokens: d.CompletionTokens, CacheHitTokens: d.CacheHitTokens,
		}
		for _, a := range d.Attempts {
			out.Attempts = append(out.Attempts, llm.Attempt{
				Outcome: a.Outcome, StatusCode: a.StatusCode, PromptTokens: a.PromptTokens,
				CompletionTokens: a.CompletionTokens, CacheHitTokens: a.CacheHitTokens, Latency: a.Latency, Start: a.Start,
			})
		}
		return out, err
	})
}
