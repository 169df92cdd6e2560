package deepseek_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/finx-dev/finx/connectors/deepseek"
	"github.com/finx-dev/finx/connectors/deepseek/deepseektest"
)

const testKey = "sk-test-0123456789"

func newClient(t *testing.T, srv *deepseektest.Server, mod func(*deepseek.Config)) *deepseek.Client {
	t.Helper()
	cfg := deepseek.Config{
		APIKey:      testKey,
		BaseURL:     srv.URL,
		Timeout:     2 * time.Second,
		MaxAttempts: 4,
		Backoff:     deepseek.Backoff{Min: time.Millisecond, Max: 5 * time.Millisecond},
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := deepseek.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

const prompt = "Return a json object."

func TestCompleteRequestFields(t *testing.T) {
	// The SDK reads these; the explicit options must win and the OpenAI
	// headers must not reach DeepSeek.
	t.Setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/")
	t.Setenv("OPENAI_ORG_ID", "org-test")
	t.Setenv("OPENAI_PROJECT_ID", "proj-test")
	srv := deepseektest.New(t, testKey)
	srv.Enqueue(deepseektest.Reply{Content: `{"ok":true}`, PromptTokens: 120, CompletionTokens: 7, CacheHitTokens: 64})
	c := newClient(t, srv, nil)

	got, err := c.Complete(context.Background(), "system json", prompt, 512)
	if err != nil {
		t.Fatalf("Complete: %v", err)
	}
	want := deepseek.Completion{Content: `{"ok":true}`, FinishReason: "stop", PromptTokens: 120, CompletionTokens: 7, CacheHitTokens: 64}
	attempts := got.Attempts
	got.Attempts = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("completion: got %+v, want %+v", got, want)
	}
	if len(attempts) != 1 || attempts[0].Outcome != deepseek.OutcomeOK || attempts[0].StatusCode != 200 || attempts[0].PromptTokens != 120 {
		t.Errorf("attempts: got %+v, want one ok attempt with 120 prompt tokens", attempts)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("requests: got %d, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Model != deepseek.DefaultModel {
		t.Errorf("model: got %q, want %q", r.Model, deepseek.DefaultModel)
	}
	if r.ResponseFormat != "json_object" {
		t.Errorf("response_format: got %q, want json_object", r.ResponseFormat)
	}
	if r.Temperature == nil || *r.Temperature != 0 {
		t.Errorf("temperature: got %v, want 0 sent explicitly", r.Temperature)
	}
	if r.Thinking != "disabled" {
		t.Errorf("thinking.type: got %q, want disabled", r.Thinking)
	}
	if r.MaxTokens != 512 {
		t.Errorf("max_tokens: got %d, want 512", r.MaxTokens)
	}
	if r.System != "system json" || r.User != prompt {
		t.Errorf("messages: got system %q user %q", r.System, r.User)
	}
	for _, name := range []string{"OpenAI-Organization", "OpenAI-Project"} {
		if h := r.Header.Get(name); h != "" {
			t.Errorf("%s header: got %q, want none", name, h)
		}
	}
}

func TestCompleteNoThinkingForV32(t *testing.T) {
	srv := deepseektest.New(t, testKey)
	srv.Models = []string{"deepseek-chat"}
	srv.Enqueue(deepseektest.JSON(`{}`))
	c := newClient(t, srv, func(cfg *deepseek.Config) { cfg.Model = "deepseek-chat" })
	if _, err := c.Complete(context.Background(), "", prompt, 10); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	if got := srv.Requests()[0].Thinking; got != "" {
		t.Errorf("thinking.type for deepseek-chat: got %q, want field absent", got)
	}
}

func TestCompleteRetries(t *testing.T) {
	tests := []struct {
		name     string
		replies  []deepseektest.Reply
		requests int
		minWait  time.Duration
	}{
		{"429 honours Retry-After", []deepseektest.Reply{deepseektest.Status(429, "0.2"), deepseektest.JSON(`{}`)}, 2, 200 * time.Millisecond},
		{"503 twice", []deepseektest.Reply{deepseektest.Status(503, ""), deepseektest.Status(503, ""), deepseektest.JSON(`{}`)}, 3, 0},
		{"500 once", []deepseektest.Reply{deepseektest.Status(500, ""), deepseektest.JSON(`{}`)}, 2, 0},
		{"empty content", []deepseektest.Reply{deepseektest.Empty(), deepseektest.JSON(`{}`)}, 2, 0},
		{"missing finish_reason", []deepseektest.Reply{{Content: `{}`, NoFinishReason: true}, deepseektest.JSON(`{}`)}, 2, 0},
		{"keep-alive lines", []deepseektest.Reply{{Content: `{}`, KeepAlives: 5}}, 1, 0},
		{"insufficient_system_resource", []deepseektest.Reply{{Content: ``, FinishReason: "insufficient_system_resource"}, deepseektest.JSON(`{}`)}, 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := deepseektest.New(t, testKey)
			srv.Enqueue(tt.replies...)
			c := newClient(t, srv, nil)
			got, err := c.Complete(context.Background(), "", prompt, 10)
			if err != nil {
				t.Fatalf("Complete: %v", err)
			}
			if got.Content != `{}` {
				t.Errorf("content: got %q, want {}", got.Content)
			}
			reqs := srv.Requests()
			if len(reqs) != tt.requests {
				t.Fatalf("requests: got %d, want %d", len(reqs), tt.requests)
			}
			if gap := reqs[len(reqs)-1].At.Sub(reqs[0].At); gap < tt.minWait {
				t.Errorf("wait before retry: got %v, want at least %v", gap, tt.minWait)
			}
		})
	}
}

func TestCompleteErrors(t *testing.T) {
	tests := []struct {
		name        string
		key         string
		replies     []deepseektest.Reply
		target      error
		status      int
		temporary   bool
		unavailable bool
		requests    int
	}{
		{name: "401 wrong key", key: "sk-wrong", target: deepseek.ErrUnauthorized, status: 401, unavailable: true, requests: 1},
		{name: "402 no balance", replies: []deepseektest.Reply{deepseektest.Status(402, "")}, target: deepseek.ErrInsufficientBalance, status: 402, unavailable: true, requests: 1},
		{name: "400 not retried", replies: []deepseektest.Reply{deepseektest.Status(400, "")}, status: 400, requests: 1},
		{name: "422 not retried", replies: []deepseektest.Reply{deepseektest.Status(422, "")}, status: 422, requests: 1},
		{name: "503 every time", replies: []deepseektest.Reply{deepseektest.Status(503, ""), deepseektest.Status(503, ""), deepseektest.Status(503, ""), deepseektest.Status(503, "")}, status: 503, temporary: true, requests: 4},
		{name: "Retry-After over limit", replies: []deepseektest.Reply{deepseektest.Status(429, "3600")}, status: 429, temporary: true, requests: 1},
		{name: "length", replies: []deepseektest.Reply{deepseektest.Truncated(`{"risks":[{"quote":"Our`)}, target: deepseek.ErrTruncated, requests: 1},
		{name: "content filter", replies: []deepseektest.Reply{{Content: `{}`, FinishReason: "content_filter"}}, target: deepseek.ErrContentFilter, requests: 1},
		{name: "empty every time", replies: []deepseektest.Reply{deepseektest.Empty(), deepseektest.Empty(), deepseektest.Empty(), deepseektest.Empty()}, target: deepseek.ErrEmptyContent, temporary: true, requests: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := deepseektest.New(t, testKey)
			srv.Enqueue(tt.replies...)
			c := newClient(t, srv, func(cfg *deepseek.Config) {
				if tt.key != "" {
					cfg.APIKey = tt.key
				}
			})
			_, err := c.Complete(context.Background(), "", prompt, 10)
			if err == nil {
				t.Fatal("Complete: got nil error")
			}
			if tt.target != nil && !errors.Is(err, tt.target) {
				t.Errorf("errors.Is(%v, %v): got false, want true", err, tt.target)
			}
			var apiErr *deepseek.APIError
			if tt.status != 0 {
				if !errors.As(err, &apiErr) {
					t.Fatalf("errors.As APIError: got false for %v", err)
				}
				if apiErr.StatusCode != tt.status {
					t.Errorf("status: got %d, want %d", apiErr.StatusCode, tt.status)
				}
				if apiErr.Unavailable() != tt.unavailable {
					t.Errorf("Unavailable: got %v, want %v", apiErr.Unavailable(), tt.unavailable)
				}
			}
			var tmp interface{ Temporary() bool }
			if !errors.As(err, &tmp) {
				t.Fatalf("error %v has no Temporary method", err)
			}
			if tmp.Temporary() != tt.temporary {
				t.Errorf("Temporary: got %v, want %v", tmp.Temporary(), tt.temporary)
			}
			if got := len(srv.Requests()); got != tt.requests {
				t.Errorf("requests: got %d, want %d", got, tt.requests)
			}
			if strings.Contains(err.Error(), "sk-") {
				t.Errorf("error text leaks the key: %v", err)
			}
		})
	}
}

func TestCompleteRetryAfterValue(t *testing.T) {
	srv := deepseektest.New(t, testKey)
	srv.Enqueue(deepseektest.Status(429, "3600"))
	c := newClient(t, srv, nil)
	_, err := c.Complete(context.Background(), "", prompt, 10)
	var ra interface{ RetryAfter() time.Duration }
	if !errors.As(err, &ra) {
		t.Fatalf("error %v has no RetryAfter method", err)
	}
	if got := ra.RetryAfter(); got != time.Hour {
		t.Errorf("RetryAfter: got %v, want 1h", got)
	}
}

func TestCompleteTruncatedKeepsUsage(t *testing.T) {
	srv := deepseektest.New(t, testKey)
	srv.Enqueue(deepseektest.Truncated(`{"risks":[`))
	c := newClient(t, srv, nil)
	got, err := c.Complete(context.Background(), "", prompt, 10)
	if !errors.Is(err, deepseek.ErrTruncated) {
		t.Fatalf("error: got %v, want ErrTruncated", err)
	}
	if got.CompletionTokens != 50 || got.FinishReason != "length" {
		t.Errorf("completion: got %+v, want 50 completion tokens and finish_reason length", got)
	}
}

func TestCompleteAttemptTimeout(t *testing.T) {
	srv := deepseektest.New(t, testKey)
	slow := deepseektest.Reply{Content: `{}`, KeepAlives: 100, KeepAliveEvery: 20 * time.Millisecond}
	srv.Enqueue(slow, slow)
	c := newClient(t, srv, func(cfg *deepseek.Config) {
		cfg.Timeout = 150 * time.Millisecond
		cfg.MaxAttempts = 2
	})
	began := time.Now()
	_, err := c.Complete(context.Background(), "", prompt, 10)
	if !errors.Is(err, deepseek.ErrTimeout) {
		t.Fatalf("error: got %v, want ErrTimeout", err)
	}
	// Without the per-attempt deadline each slow reply takes 2 s; the
	// bound leaves a loaded machine room above the 0.3 s of two attempts.
	if d := time.Since(began); d > 1500*time.Millisecond {
		t.Errorf("duration: got %v, want under 1.5 s for two attempts of 150 ms", d)
	}
}

func TestCompleteCallerCancel(t *testing.T) {
	srv := deepseektest.New(t, testKey)
	srv.Enqueue(deepseektest.Reply{Content: `{}`, Delay: 5 * time.Second})
	c := newClient(t, srv, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Complete(ctx, "", prompt, 10)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error: got %v, want context.DeadlineExceeded", err)
	}
}

func TestFakeRejectsPromptWithoutJSONWord(t *testing.T) {
	srv := deepseektest.New(t, testKey)
	srv.Enqueue(deepseektest.JSON(`{}`))
	c := newClient(t, srv, nil)
	_, err := c.Complete(context.Background(), "extract", "the risks", 10)
	var apiErr *deepseek.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		t.Fatalf("error: got %v, want HTTP 400", err)
	}
	if !strings.Contains(apiErr.Message, "json") {
		t.Errorf("message: got %q, want the API's json hint", apiErr.Message)
	}
}

func TestConfigRedactsKey(t *testing.T) {
	cfg := deepseek.Config{APIKey: testKey, Model: "deepseek-flash"}
	var b strings.Builder
	logger := slog.New(slog.NewTextHandler(&b, nil))
	logger.Info("config", "cfg", cfg)
	for _, s := range []string{b.String(), fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg)} {
		if strings.Contains(s, testKey) {
			t.Errorf("output leaks the key: %s", s)
		}
	}
	if !strings.Contains(b.String(), "[redacted]") {
		t.Errorf("log: got %q, want [redacted]", b.String())
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  deepseek.Config
		ok   bool
	}{
		{"valid", deepseek.Config{APIKey: "k"}, true},
		{"no key", deepseek.Config{}, false},
		{"bad url", deepseek.Config{APIKey: "k", BaseURL: "ftp://x"}, false},
		{"negative timeout", deepseek.Config{APIKey: "k", Timeout: -1}, false},
		{"jitter over 1", deepseek.Config{APIKey: "k", Backoff: deepseek.Backoff{Jitter: 2}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if (err == nil) != tt.ok {
				t.Errorf("Validate: got %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestCompleteMetrics(t *testing.T) {
	srv := deepseektest.New(t, testKey)
	srv.Enqueue(deepseektest.Status(503, ""), deepseektest.Reply{Content: `{}`, PromptTokens: 100, CompletionTokens: 7, CacheHitTokens: 64})
	reg := prometheus.NewRegistry()
	c := newClient(t, srv, func(cfg *deepseek.Config) { cfg.Registerer = reg })
	if _, err := c.Complete(context.Background(), "", prompt, 10); err != nil {
		t.Fatalf("Complete: %v", err)
	}

	tests := []struct {
		name   string
		metric string
		want   float64
	}{
		{"ok attempts", `finx_deepseek_attempts_total{outcome="ok"}`, 1},
		{"503 attempts", `finx_deepseek_attempts_total{outcome="http_503"}`, 1},
		{"cache hit tokens", `finx_deepseek_tokens_total{kind="prompt_cache_hit"}`, 64},
		{"cache miss tokens", `finx_deepseek_tokens_total{kind="prompt_cache_miss"}`, 36},
		{"completion tokens", `finx_deepseek_tokens_total{kind="completion"}`, 7},
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("Gather: %v", err)
	}
	values := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			values[f.GetName()+"{"+strings.Join(labels, ",")+"}"] = m.GetCounter().GetValue()
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := values[tt.metric]; got != tt.want {
				t.Errorf("%s: got %g, want %g", tt.metric, got, tt.want)
			}
		})
	}
}

func TestCompleteRecordsAttempts(t *testing.T) {
	tests := []struct {
		name     string
		replies  []deepseektest.Reply
		wantErr  bool
		outcomes []string
		statuses []int
	}{
		{"503 then ok", []deepseektest.Reply{deepseektest.Status(503, ""), deepseektest.JSON(`{"a":1}`)}, false,
			[]string{deepseek.OutcomeRetried, deepseek.OutcomeOK}, []int{503, 200}},
		{"empty then ok", []deepseektest.Reply{deepseektest.Empty(), deepseektest.JSON(`{"a":1}`)}, false,
			[]string{deepseek.OutcomeRetried, deepseek.OutcomeOK}, []int{200, 200}},
		{"402 stops", []deepseektest.Reply{deepseektest.Status(402, "")}, true,
			[]string{deepseek.OutcomeHTTP4xx}, []int{402}},
		{"truncated", []deepseektest.Reply{deepseektest.Truncated(`{"a":`)}, true,
			[]string{deepseek.OutcomeTruncated}, []int{200}},
		{"500 until the last attempt", []deepseektest.Reply{deepseektest.Status(500, ""), deepseektest.Status(500, "")}, true,
			[]string{deepseek.OutcomeRetried, deepseek.OutcomeHTTP5xx}, []int{500, 500}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := deepseektest.New(t, testKey)
			srv.Enqueue(tt.replies...)
			c := newClient(t, srv, func(cfg *deepseek.Config) { cfg.MaxAttempts = 2 })
			got, err := c.Complete(context.Background(), "system json", prompt, 512)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error: got %v, want error %v", err, tt.wantErr)
			}
			if len(got.Attempts) != len(tt.outcomes) {
				t.Fatalf("attempts: got %+v, want %d", got.Attempts, len(tt.outcomes))
			}
			for i, a := range got.Attempts {
				if a.Outcome != tt.outcomes[i] {
					t.Errorf("attempt %d outcome: got %q, want %q", i+1, a.Outcome, tt.outcomes[i])
				}
				if a.StatusCode != tt.statuses[i] {
					t.Errorf("attempt %d status: got %d, want %d", i+1, a.StatusCode, tt.statuses[i])
				}
				if a.Start.IsZero() {
					t.Errorf("attempt %d has no start time", i+1)
				}
			}
		})
	}
}
