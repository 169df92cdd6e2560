package deepseek

import (
	"net/http"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		value string
		want  time.Duration
	}{
		{"seconds", "3", 3 * time.Second},
		{"fraction", "0.5", 500 * time.Millisecond},
		{"http date", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"date in the past", now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"empty", "", 0},
		{"negative", "-4", 0},
		{"garbage", "soon", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseRetryAfter(tt.value, now); got != tt.want {
				t.Errorf("parseRetryAfter(%q): got %v, want %v", tt.value, got, tt.want)
			}
		})
	}
}

func TestWaitBounds(t *testing.T) {
	c := &Client{cfg: Config{Backoff: Backoff{Min: 100 * time.Millisecond, Max: time.Second, Jitter: 0.2, MaxRetryAfter: 10 * time.Second}}}
	tests := []struct {
		name     string
		attempt  int
		err      error
		min, max time.Duration
	}{
		{"first", 1, &APIError{StatusCode: 503}, 80 * time.Millisecond, 120 * time.Millisecond},
		{"third doubles twice", 3, &APIError{StatusCode: 503}, 320 * time.Millisecond, 480 * time.Millisecond},
		{"capped at Max", 30, &APIError{StatusCode: 503}, 800 * time.Millisecond, 1200 * time.Millisecond},
		{"Retry-After raises", 1, &APIError{StatusCode: 429, Wait: 5 * time.Second}, 5 * time.Second, 5 * time.Second},
		{"Retry-After over limit", 1, &APIError{StatusCode: 429, Wait: time.Minute}, -1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 50 {
				got := c.wait(tt.attempt, tt.err)
				if got < tt.min || got > tt.max {
					t.Fatalf("wait(%d): got %v, want in [%v, %v]", tt.attempt, got, tt.min, tt.max)
				}
			}
		})
	}
}
