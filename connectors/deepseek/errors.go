package deepseek

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Sentinels wrapped by *APIError and *ContentError; test with errors.Is.
var (
	// ErrUnauthorized: the API key was rejected (HTTP 401). Callers treat
	// the provider as unavailable.
	ErrUnauthorized = errors.New("deepseek: unauthorized: the API key was rejected")
	// ErrInsufficientBalance: the account has no balance (HTTP 402). Callers
	// treat the provider as unavailable until it is topped up.
	ErrInsufficientBalance = errors.New("deepseek: insufficient balance")
	// ErrTruncated: the output hit max_tokens (finish_reason "length"), so
	// the JSON is cut off. Send fewer chunks or raise max_tokens.
	ErrTruncated = errors.New("deepseek: output truncated at max_tokens")
	// ErrEmptyContent: the content was empty or whitespace only, which the
	// API returns in JSON mode when it produced no valid JSON.
	ErrEmptyContent = errors.New("deepseek: empty content")
	// ErrNoFinishReason: the response had no choice or no finish_reason,
	// so it may be incomplete.
	ErrNoFinishReason = errors.New("deepseek: missing finish_reason")
	// ErrContentFilter: the output was stopped by the content filter.
	ErrContentFilter = errors.New("deepseek: output stopped by the content filter")
	// ErrTimeout: one attempt exceeded Config.Timeout.
	ErrTimeout = errors.New("deepseek: attempt timed out")
)

// APIError is an HTTP error status from the API.
type APIError struct {
	StatusCode int
	// Type and Code are the error object's fields, when the body had one.
	Type string
	Code string
	// Message is the API's message for 400 and 422, which names the bad
	// field. It is empty for other statuses, because a 401 message echoes
	// part of the key.
	Message string
	// Wait is the server's Retry-After, zero when absent.
	Wait time.Duration
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("deepseek: HTTP %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Wait > 0 {
		s += fmt.Sprintf(" (retry after %v)", e.Wait)
	}
	return s
}

// Unwrap returns ErrUnauthorized for 401, ErrInsufficientBalance for 402,
// else nil.
func (e *APIError) Unwrap() error {
	switch e.StatusCode {
	case http.StatusUnauthorized:
		return ErrUnauthorized
	case http.StatusPaymentRequired:
		return ErrInsufficientBalance
	}
	return nil
}

// Temporary reports whether a later attempt may succeed: 408, 409, 429 and
// 5xx statuses.
func (e *APIError) Temporary() bool {
	switch e.StatusCode {
	case http.StatusRequestTimeout, http.StatusConflict, http.StatusTooManyRequests:
		return true
	}
	return e.StatusCode >= 500
}

// Unavailable reports whether the provider cannot serve any request until
// an operator acts: a rejected key (401) or no balance (402).
func (e *APIError) Unavailable() bool {
	return e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusPaymentRequired
}

// RetryAfter returns the server's Retry-After, zero when absent.
func (e *APIError) RetryAfter() time.Duration { return e.Wait }

// HTTPStatus returns StatusCode, so that callers classify the error through
// an interface without importing this package.
func (e *APIError) HTTPStatus() int { return e.StatusCode }

// ContentError is a 200 response whose content cannot be used.
type ContentError struct {
	FinishReason string
	// Err is ErrTruncated, ErrEmptyContent, ErrNoFinishReason or
	// ErrContentFilter.
	Err error
}

func (e *ContentError) Error() string {
	return fmt.Sprintf("%v (finish_reason %q)", e.Err, e.FinishReason)
}

func (e *ContentError) Unwrap() error { return e.Err }

// InvalidOutput returns true: the server replied, but the reply cannot be
// used as it is.
func (e *ContentError) InvalidOutput() bool { return true }

// Temporary reports whether a retry of the same request may succeed: true
// for empty content and a missing finish reason, false for truncation and
// the content filter, which need a different request.
func (e *ContentError) Temporary() bool {
	return errors.Is(e.Err, ErrEmptyContent) || errors.Is(e.Err, ErrNoFinishReason)
}

// TransportError is a failure to get a response: a connection error, an
// unreadable body or a timed-out attempt.
type TransportError struct {
	Err error
}

func (e *TransportError) Error() string { return "deepseek: transport: " + e.Err.Error() }

func (e *TransportError) Unwrap() error { return e.Err }

// Temporary returns true: the next attempt may reach the server.
func (e *TransportError) Temporary() bool { return true }

// AttemptsError is returned by Complete after the last attempt. It wraps
// the error of that attempt, so errors.As finds an *APIError or
// *ContentError through it.
type AttemptsError struct {
	Attempts int
	Err      error
}

func (e *AttemptsError) Error() string {
	return fmt.Sprintf("deepseek: complete failed after %d attempts: %v", e.Attempts, e.Err)
}

func (e *AttemptsError) Unwrap() error { return e.Err }
