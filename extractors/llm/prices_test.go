package llm

import (
	"strings"
	"testing"
	"time"
)

func TestCostExactDecimal(t *testing.T) {
	offPeak := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) // Saturday
	peak := time.Date(2026, 11, 30, 2, 30, 0, 0, time.UTC)    // Monday 02:30
	tests := []struct {
		name              string
		model             string
		hit, miss, output int
		at                time.Time
		want              string
	}{
		{"flash off-peak", "deepseek-flash", 1000, 1292, 224, offPeak, "0.0003312"},
		{"flash one hit token", "deepseek-flash", 1, 0, 0, offPeak, "0.000000003"},
		{"flash peak doubles", "deepseek-flash", 0, 1_000_000, 0, peak, "0.3"},
		{"pro output", "deepseek-v4-pro", 0, 0, 1_000_000, offPeak, "1.98"},
		{"v3.2 mix", "deepseek-chat", 64, 36, 10, offPeak, "0.000016072"},
		{"zero", "deepseek-flash", 0, 0, 0, offPeak, "0"},
		{"unknown model", "gpt-x", 10, 10, 10, offPeak, "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := DefaultPrices().cost(tt.model, tt.hit, tt.miss, tt.output, tt.at)
			if got := formatUSD(c); got != tt.want {
				t.Errorf("cost: got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestPeakWindows(t *testing.T) {
	prices := DefaultPrices()
	tests := []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2026, 11, 30, 0, 59, 0, 0, time.UTC), false},
		{time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC), true},
		{time.Date(2026, 11, 30, 4, 0, 0, 0, time.UTC), false},
		{time.Date(2026, 11, 30, 9, 59, 0, 0, time.UTC), true},
		{time.Date(2026, 11, 29, 7, 0, 0, 0, time.UTC), false}, // Sunday
		{time.Date(2026, 11, 30, 8, 0, 0, 0, time.FixedZone("EST", -5*3600)), false},
	}
	for _, tt := range tests {
		if got := prices.peak(tt.at); got != tt.want {
			t.Errorf("peak(%v): got %v, want %v", tt.at, got, tt.want)
		}
	}
}

func TestDecodePrices(t *testing.T) {
	tests := []struct {
		name, json, wantErr string
	}{
		{"valid", `{"models": {"m": {"cache_hit": "0.01", "cache_miss": "0.1", "output": "1"}}, "peak_factor": "1.5", "peak_hours": [{"start": 0, "end": 24}]}`, ""},
		{"unknown key", `{"models": {"m": {"cache_hit": "0.01", "cache_miss": "0.1", "output": "1", "input": "2"}}}`, "unknown field"},
		{"float price", `{"models": {"m": {"cache_hit": "1e-3", "cache_miss": "0.1", "output": "1"}}}`, "invalid cache_hit"},
		{"no models", `{"models": {}}`, "no models"},
		{"bad window", `{"models": {"m": {"cache_hit": "0", "cache_miss": "0", "output": "0"}}, "peak_hours": [{"start": 5, "end": 5}]}`, "invalid peak window"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodePrices(strings.NewReader(tt.json), "test.json")
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("got %v, want no error", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("got %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}
