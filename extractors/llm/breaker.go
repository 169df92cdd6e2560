package llm

import (
	"sync"
	"time"
)

// Degraded reasons stored in schemas.Provenance.Degraded on items that the
// fallback produced in place of the model.
const (
	DegradedUnavailable         = "llm_unavailable"
	DegradedUnauthorized        = "llm_unauthorized"
	DegradedInsufficientBalance = "llm_insufficient_balance"
	DegradedBudget              = "llm_budget"
	DegradedInvalidOutput       = "llm_invalid_output"
)

// breaker is a circuit breaker. It opens after a run of consecutive
// failures, or at once on a rejected key or an empty balance, and lets one
// probe call through after the cool-down (half-open). A successful probe
// closes it; a failed one opens it again for another cool-down.
type breaker struct {
	failures int
	coolDown time.Duration
	now      func() time.Time

	mu          sync.Mutex
	consecutive int
	open        bool
	reason      string
	openedAt    time.Time
	probing     bool
}

// allow reports whether a call may go out. When it may not, it returns the
// reason the breaker opened. In the half-open state the first caller gets
// the probe; the others are refused until the probe ends.
func (b *breaker) allow() (probe bool, reason string, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.open {
		return false, "", true
	}
	if b.probing || b.now().Sub(b.openedAt) < b.coolDown {
		return false, b.reason, false
	}
	b.probing = true
	return true, "", true
}

// record notes the result of a call. reason is empty for a success or for
// a failure that does not reflect the service's health (an invalid reply).
// Otherwise it is the degraded reason of the failure. It returns true when this call
// opened the breaker.
func (b *breaker) record(probe bool, reason string) (opened bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if probe {
		b.probing = false
	}
	if reason == "" {
		b.consecutive = 0
		b.open = false
		return false
	}
	b.consecutive++
	immediate := reason == DegradedUnauthorized || reason == DegradedInsufficientBalance
	if probe || immediate || b.consecutive >= b.failures {
		wasOpen := b.open
		b.open, b.reason, b.openedAt = true, reason, b.now()
		return !wasOpen
	}
	return false
}

// release ends a call that does not reflect the service's health, such as
// one canceled by its context or rejected by the budget, without changing
// the state.
func (b *breaker) release(probe bool) {
	if !probe {
		return
	}
	b.mu.Lock()
	b.probing = false
	b.mu.Unlock()
}

// state returns "closed", "open" or "half_open".
func (b *breaker) state() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case !b.open:
		return "closed"
	case b.probing || b.now().Sub(b.openedAt) >= b.coolDown:
		return "half_open"
	}
	return "open"
}
