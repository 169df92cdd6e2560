// Package deepseek is a thin client for the DeepSeek chat completions API,
// built on github.com/openai/openai-go/v3. It sends one system and one user
// message in JSON output mode (response_format json_object) at temperature
// 0, with thinking disabled on V4 models, and returns the content, the
// finish reason and the token counts.
//
// # Retries
//
// The SDK's own retries are off (option.WithMaxRetries(0)), so that this
// package applies one policy. 429 and 503 are retried with jittered
// exponential backoff, and each wait lasts at least the server's
// Retry-After. 500, 502, 504, transport errors, per-attempt timeouts and
// empty or whitespace-only content are retried the same way. 401 and 402
// stop at once with an *APIError that wraps ErrUnauthorized or
// ErrInsufficientBalance and reports Unavailable() == true and its
// HTTPStatus(). 400 and 422 are not retried. A completion
// cut at max_tokens (finish_reason "length") returns a *ContentError that
// wraps ErrTruncated and is never parsed as JSON. The API, content and
// transport errors implement Temporary() bool, and *APIError also
// RetryAfter() time.Duration. *ContentError reports InvalidOutput() == true.
//
// # Attempt records
//
// Completion.Attempts lists every HTTP attempt of a Complete call, also
// when it returns an error. Each has the status, the token counts, the
// start, the latency and an outcome in the vocabulary of schemas.LLMCall:
// ok, retried, truncated, invalid_json, http_4xx, http_5xx, timeout,
// transport or canceled. A failed attempt that another one followed has
// the outcome retried.
//
// # Deadlines
//
// Each attempt runs under Config.Timeout, a hard deadline that also covers
// a server that keeps the connection open with blank keep-alive lines. The
// caller's ctx bounds all attempts and the waits between them.
//
// # Metrics
//
// With Config.Registerer set, the client exports
// finx_deepseek_attempts_total{outcome} (ok, http_<status>, truncated,
// empty, no_finish_reason, content_filter, timeout, canceled, transport),
// finx_deepseek_tokens_total{kind} (prompt_cache_hit, prompt_cache_miss,
// completion) and the histogram finx_deepseek_attempt_duration_seconds.
//
// # Logs
//
// The client logs each retry at warn level with the keys attempt, status,
// wait and err, and never logs the API key: Config implements
// slog.LogValuer and prints the key as "[redacted]".
//
// deepseek imports only internal/promreg of finx. The LLM provider in
// extractors/llm declares the Completer interface, and cmd/finx adapts
// Client to it by copying Completion and its attempts.
package deepseek
