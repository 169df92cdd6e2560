package deepseek

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"
)

// Completion is the result of one chat completion.
type Completion struct {
	Content      string
	FinishReason string
	// PromptTokens includes CacheHitTokens, as the API counts them.
	PromptTokens     int
	CompletionTokens int
	// CacheHitTokens are prompt tokens served from the context cache
	// (usage.prompt_cache_hit_tokens).
	CacheHitTokens int
	// Attempts records every HTTP attempt of the call, the failed ones
	// included. Complete fills it on success and on error.
	Attempts []Attempt
}

// Attempt outcomes, the vocabulary of schemas.LLMCall.Outcome.
const (
	OutcomeOK          = "ok"
	OutcomeRetried     = "retried"
	OutcomeTruncated   = "truncated"
	OutcomeInvalidJSON = "invalid_json"
	OutcomeHTTP4xx     = "http_4xx"
	OutcomeHTTP5xx     = "http_5xx"
	OutcomeTimeout     = "timeout"
	OutcomeTransport   = "transport"
	OutcomeCanceled    = "canceled"
)

// Attempt is one HTTP request of a Complete call.
type Attempt struct {
	// Outcome is OutcomeRetried for a failed attempt that another one
	// followed, else the attempt's own outcome: ok, truncated, invalid_json
	// (empty content, no finish reason or the content filter), http_4xx,
	// http_5xx, timeout, transport or canceled.
	Outcome string
	// StatusCode is the HTTP status, 0 when no response arrived.
	StatusCode int
	// Token counts from the response's usage; zero without a response.
	PromptTokens, CompletionTokens, CacheHitTokens int
	// Latency is the time from sending the request to reading the whole
	// response, keep-alive lines included.
	Latency time.Duration
	// Start is when the attempt began.
	Start time.Time
	// Err is the attempt's error, nil when it succeeded.
	Err error
}

// Client calls the chat completions endpoint. It is safe for concurrent use.
type Client struct {
	cfg     Config
	client  openai.Client
	metrics *metrics
	// sleep waits for d or until ctx ends; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
}

// New returns a client for cfg, or the first invalid field's error.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, err
	}
	c := openai.NewClient(
		option.WithBaseURL(cfg.BaseURL),
		option.WithAPIKey(cfg.APIKey),
		// Complete applies its own retry policy.
		option.WithMaxRetries(0),
		// NewClient also reads OPENAI_ORG_ID and OPENAI_PROJECT_ID. Their
		// headers mean nothing to DeepSeek and are not sent.
		// NOTE: headers set through OPENAI_CUSTOM_HEADERS are still sent.
		option.WithHeaderDel("OpenAI-Organization"),
		option.WithHeaderDel("OpenAI-Project"),
	)
	return &Client{cfg: cfg, client: c, metrics: m, sleep: sleepContext}, nil
}

// Model returns the model name the client sends.
func (c *Client) Model() string { return c.cfg.Model }

// Complete sends one system and one user message in JSON output mode and
// returns the content. The prompt must contain the word "json", because the
// API rejects JSON mode otherwise (HTTP 400). It retries as the package doc
// describes. On ErrTruncated it returns the Completion as well, so that the
// caller can count the tokens spent.
func (c *Client) Complete(ctx context.Context, system, user string, maxTokens int) (Completion, error) {
	if maxTokens <= 0 {
		return Completion{}, fmt.Errorf("deepseek: invalid maxTokens %d: must be positive", maxTokens)
	}
	params := openai.ChatCompletionNewParams{
		Model: shared.ChatModel(c.cfg.Model),
		Messages: []openai.ChatCompletionMessageParamUnion{
			openai.SystemMessage(system),
			openai.UserMessage(user),
		},
		MaxTokens:   openai.Int(int64(maxTokens)),
		Temperature: openai.Float(0),
		ResponseFormat: openai.ChatCompletionNewParamsResponseFormatUnion{
			OfJSONObject: &shared.ResponseFormatJSONObjectParam{},
		},
	}
	if hasThinking(c.cfg.Model) {
		// V4 models think by default, which ignores temperature and spends
		// output tokens on reasoning; extraction needs neither.
		params.SetExtraFields(map[string]any{"thinking": map[string]string{"type": "disabled"}})
	}

	var last error
	var attempts []Attempt
	for attempt := 1; attempt <= c.cfg.MaxAttempts; attempt++ {
		began := time.Now()
		comp, err := c.attempt(ctx, params)
		took := time.Since(began)
		c.metrics.observe(comp, err, took)
		attempts = append(attempts, Attempt{
			Outcome:          callOutcome(err),
			StatusCode:       statusOf(err, comp),
			PromptTokens:     comp.PromptTokens,
			CompletionTokens: comp.CompletionTokens,
			CacheHitTokens:   comp.CacheHitTokens,
			Latency:          took,
			Start:            began,
			Err:              err,
		})
		if err == nil {
			comp.Attempts = attempts
			return comp, nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return Completion{Attempts: attempts}, ctxErr
		}
		last = err
		if !temporary(err) {
			if errors.Is(err, ErrTruncated) {
				comp.Attempts = attempts
				return comp, err
			}
			return Completion{Attempts: attempts}, err
		}
		if attempt == c.cfg.MaxAttempts {
			break
		}
		wait := c.wait(attempt, err)
		if wait < 0 {
			// The server asked for a longer pause than MaxRetryAfter.
			return Completion{Attempts: attempts}, err
		}
		attempts[len(attempts)-1].Outcome = OutcomeRetried
		c.cfg.Logger.WarnContext(ctx, "deepseek retry", "attempt", attempt, "status", statusOf(err, comp), "wait", wait, "err", err)
		if err := c.sleep(ctx, wait); err != nil {
			return Completion{Attempts: attempts}, err
		}
	}
	return Completion{Attempts: attempts}, &AttemptsError{Attempts: c.cfg.MaxAttempts, Err: last}
}

// attempt makes one request under the per-attempt deadline.
func (c *Client) attempt(ctx context.Context, params openai.ChatCompletionNewParams) (Completion, error) {
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()

	resp, err := c.client.Chat.Completions.New(actx, params, option.WithRequestTimeout(c.cfg.Timeout))
	if err != nil {
		var apiErr *openai.Error
		switch {
		case errors.As(err, &apiErr):
			return Completion{}, newAPIError(apiErr)
		case ctx.Err() != nil:
			return Completion{}, ctx.Err()
		case errors.Is(err, context.DeadlineExceeded):
			return Completion{}, &TransportError{Err: fmt.Errorf("%w after %v", ErrTimeout, c.cfg.Timeout)}
		}
		return Completion{}, &TransportError{Err: err}
	}

	if len(resp.Choices) == 0 {
		return Completion{}, &ContentError{Err: ErrNoFinishReason}
	}
	choice := resp.Choices[0]
	comp := Completion{
		Content:          choice.Message.Content,
		FinishReason:     choice.FinishReason,
		PromptTokens:     int(resp.Usage.PromptTokens),
		CompletionTokens: int(resp.Usage.CompletionTokens),
	}
	if f, ok := resp.Usage.JSON.ExtraFields["prompt_cache_hit_tokens"]; ok {
		if n, err := strconv.Atoi(strings.TrimSpace(f.Raw())); err == nil {
			comp.CacheHitTokens = n
		}
	}

	switch comp.FinishReason {
	case "stop":
	case "length":
		return comp, &ContentError{FinishReason: comp.FinishReason, Err: ErrTruncated}
	case "content_filter":
		return comp, &ContentError{FinishReason: comp.FinishReason, Err: ErrContentFilter}
	case "insufficient_system_resource":
		// The server stopped the output for lack of capacity; like a 503.
		return comp, &APIError{StatusCode: http.StatusServiceUnavailable, Code: comp.FinishReason}
	case "":
		return comp, &ContentError{Err: ErrNoFinishReason}
	default:
		return comp, &ContentError{FinishReason: comp.FinishReason, Err: fmt.Errorf("deepseek: unexpected finish_reason %q", comp.FinishReason)}
	}
	if strings.TrimSpace(comp.Content) == "" {
		return comp, &ContentError{FinishReason: comp.FinishReason, Err: ErrEmptyContent}
	}
	return comp, nil
}

// hasThinking reports whether model accepts the thinking field: every model
// but the V3.2 names deepseek-chat and deepseek-reasoner.
func hasThinking(model string) bool {
	return model != "deepseek-chat" && model != "deepseek-reasoner"
}

func newAPIError(e *openai.Error) *APIError {
	out := &APIError{StatusCode: e.StatusCode, Type: e.Type, Code: e.Code}
	if e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusUnprocessableEntity {
		out.Message = e.Message
	}
	if e.Response != nil {
		out.Wait = parseRetryAfter(e.Response.Header.Get("Retry-After"), time.Now())
	}
	return out
}

// parseRetryAfter reads seconds or an HTTP date; zero when absent or invalid.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(secs * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

func temporary(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}

// statusOf returns the HTTP status of an attempt: the error's status, 200
// for a response whose content failed a check, 0 without a response.
func statusOf(err error, comp Completion) int {
	var apiErr *APIError
	switch {
	case errors.As(err, &apiErr):
		return apiErr.StatusCode
	case err == nil, comp.FinishReason != "", errors.As(err, new(*ContentError)):
		return http.StatusOK
	}
	return 0
}

// wait returns the pause before attempt+1: the jittered exponential backoff,
// raised to the server's Retry-After. It returns -1 when Retry-After
// exceeds MaxRetryAfter.
func (c *Client) wait(attempt int, err error) time.Duration {
	b := c.cfg.Backoff
	d := b.Min << min(attempt-1, 20)
	if d > b.Max || d <= 0 {
		d = b.Max
	}
	d = time.Duration(float64(d) * (1 + b.Jitter*(2*rand.Float64()-1)))
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) {
		if w := ra.RetryAfter(); w > 0 {
			if w > b.MaxRetryAfter {
				return -1
			}
			d = max(d, w)
		}
	}
	return d
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
