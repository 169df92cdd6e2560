package deepseek

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Environment variables read by ConfigFromEnv.
const (
	EnvAPIKey  = "DEEPSEEK_API_KEY"
	EnvBaseURL = "DEEPSEEK_BASE_URL"
)

// Defaults applied to zero Config fields.
const (
	DefaultBaseURL = "https://api.deepseek.com"
	// DefaultModel is the non-thinking V4.1 Flash chat model, served under
	// this name since September 2026. deepseek-v4-flash is still accepted.
	DefaultModel       = "deepseek-flash"
	DefaultTimeout     = 120 * time.Second
	DefaultMaxAttempts = 4
)

// Config sets up a Client. Zero fields take the documented defaults.
type Config struct {
	// APIKey is sent as a bearer token. Required; ConfigFromEnv reads it
	// from DEEPSEEK_API_KEY.
	APIKey string
	// BaseURL is the API root. Default: https://api.deepseek.com, or
	// DEEPSEEK_BASE_URL through ConfigFromEnv.
	BaseURL string
	// Model is the chat model name. Default: DefaultModel.
	Model string
	// Timeout is the hard deadline of one attempt, including the time the
	// server spends sending keep-alive blank lines. Default: 120s.
	Timeout time.Duration
	// MaxAttempts is the number of tries of one Complete call, the first
	// included. Default: 4.
	MaxAttempts int
	// Backoff sets the waits between attempts.
	Backoff Backoff
	// Logger receives retry warnings. Default: nil, which is silent.
	Logger *slog.Logger
	// Registerer receives the client's metrics. Default: nil, which
	// records none.
	Registerer prometheus.Registerer
}

// Backoff is a capped exponential backoff with jitter.
type Backoff struct {
	// Min is the first wait. Default: 500ms.
	Min time.Duration
	// Max caps each computed wait. Default: 30s. A Retry-After above Max is
	// still honoured up to MaxRetryAfter.
	Max time.Duration
	// Jitter is the random fraction added to or taken from each wait, in
	// [0, 1]. Default: 0.2.
	Jitter float64
	// MaxRetryAfter is the longest Retry-After the client waits for; a
	// longer one ends the call with the error, whose RetryAfter() returns
	// the server's value. Default: 60s.
	MaxRetryAfter time.Duration
}

// ConfigFromEnv returns a Config with APIKey and BaseURL read from
// DEEPSEEK_API_KEY and DEEPSEEK_BASE_URL; other fields are zero.
func ConfigFromEnv() Config {
	return Config{APIKey: os.Getenv(EnvAPIKey), BaseURL: os.Getenv(EnvBaseURL)}
}

// ErrNoAPIKey is returned by Validate and New when Config.APIKey is empty.
var ErrNoAPIKey = errors.New("deepseek: missing API key: set " + EnvAPIKey)

// Validate reports the first invalid field.
func (c Config) Validate() error {
	if c.APIKey == "" {
		return ErrNoAPIKey
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("deepseek: invalid BaseURL %q: want an http or https URL", c.BaseURL)
		}
	}
	if c.Timeout < 0 {
		return fmt.Errorf("deepseek: invalid Timeout %v: must be 0 (default) or positive", c.Timeout)
	}
	if c.MaxAttempts < 0 {
		return fmt.Errorf("deepseek: invalid MaxAttempts %d: must be 0 (default) or positive", c.MaxAttempts)
	}
	b := c.Backoff
	if b.Min < 0 || b.Max < 0 || b.MaxRetryAfter < 0 {
		return fmt.Errorf("deepseek: invalid Backoff %+v: durations must be 0 (default) or positive", b)
	}
	if b.Jitter < 0 || b.Jitter > 1 {
		return fmt.Errorf("deepseek: invalid Backoff.Jitter %g: must be in [0, 1]", b.Jitter)
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if c.Model == "" {
		c.Model = DefaultModel
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	if c.Backoff.Min == 0 {
		c.Backoff.Min = 500 * time.Millisecond
	}
	if c.Backoff.Max == 0 {
		c.Backoff.Max = 30 * time.Second
	}
	if c.Backoff.Jitter == 0 {
		c.Backoff.Jitter = 0.2
	}
	if c.Backoff.MaxRetryAfter == 0 {
		c.Backoff.MaxRetryAfter = 60 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// LogValue prints the config with the API key redacted.
func (c Config) LogValue() slog.Value {
	key := ""
	if c.APIKey != "" {
		key = "[redacted]"
	}
	return slog.GroupValue(
		slog.String("api_key", key),
		slog.String("base_url", c.BaseURL),
		slog.String("model", c.Model),
		slog.Duration("timeout", c.Timeout),
		slog.Int("max_attempts", c.MaxAttempts),
	)
}

// String prints the config with the API key redacted, so that %v and %s
// do not leak it.
func (c Config) String() string { return c.LogValue().String() }

// GoString redacts the key under %#v as well.
func (c Config) GoString() string { return c.String() }
