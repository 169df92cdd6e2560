package llm

import (
	"testing"
	"time"
)

func TestBreakerStates(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	b := &breaker{failures: 2, coolDown: time.Minute, now: func() time.Time { return now }}

	// Two consecutive failures open it; a success in between resets the run.
	b.record(false, DegradedUnavailable)
	b.record(false, "")
	if opened := b.record(false, DegradedUnavailable); opened {
		t.Error("opened after one failure since the last success")
	}
	if opened := b.record(false, DegradedUnavailable); !opened {
		t.Error("not opened after two consecutive failures")
	}
	if _, reason, ok := b.allow(); ok || reason != DegradedUnavailable {
		t.Errorf("allow while open: got ok %v reason %q, want refused with %s", ok, reason, DegradedUnavailable)
	}

	// After the cool-down one probe goes out; the others wait for it.
	now = now.Add(61 * time.Second)
	probe, _, ok := b.allow()
	if !ok || !probe {
		t.Fatalf("allow after the cool-down: got probe %v ok %v, want the probe", probe, ok)
	}
	if _, _, ok := b.allow(); ok {
		t.Error("second call allowed while the probe is out")
	}
	b.record(true, "")
	if got := b.state(); got != "closed" {
		t.Errorf("state after a successful probe: got %s, want closed", got)
	}

	// A rejected key opens it at once, and a canceled probe keeps it open.
	b.record(false, DegradedUnauthorized)
	if got := b.state(); got != "open" {
		t.Errorf("state after a 401: got %s, want open", got)
	}
	now = now.Add(2 * time.Minute)
	probe, _, _ = b.allow()
	b.release(probe)
	if _, _, ok := b.allow(); !ok {
		t.Error("no new probe after a released one")
	}
}
