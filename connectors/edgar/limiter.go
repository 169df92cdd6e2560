package edgar

import (
	"context"
	"math"
	"sync"
	"time"
)

// Limiter spaces requests evenly: a token bucket that contains one token,
// refilled Rate times per second. A bucket without burst keeps every
// sliding one-second window at or below Rate requests, which is how EDGAR
// counts. It also carries the throttling pause: after EDGAR throttles one
// request, no request of any crawler sharing the limiter is sent until the
// pause ends.
type Limiter struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

// NewLimiter returns a limiter of rate requests per second, which must be
// positive.
func NewLimiter(rate float64) *Limiter {
	return &Limiter{interval: intervalOf(rate)}
}

// intervalOf returns the spacing of rate requests per second plus a 1%
// margin, so that jitter in when requests reach the server cannot put
// rate+1 of them into one second there.
// A rate that Config.Validate rejects (NaN, infinite, not positive, or so
// small that the interval overflows) gets the largest interval instead of
// an overflowed one.
func intervalOf(rate float64) time.Duration {
	nanos := float64(time.Second) / rate
	if math.IsNaN(nanos) || nanos <= 0 || nanos >= maxIntervalNanos {
		return math.MaxInt64
	}
	d := time.Duration(nanos)
	return d + d/100
}

// maxIntervalNanos bounds 1s/rate so that the interval plus its 1% margin
// fits in a time.Duration.
const maxIntervalNanos = float64(math.MaxInt64) / 1.02

var (
	sharedOnce    sync.Once
	sharedLimiter *Limiter
)

// SharedLimiter returns the process-wide limiter that every Crawler
// without its own Config.Limiter uses. It starts at MaxRate and each such
// Crawler lowers it to its Config.Rate, so the process runs at the lowest
// rate any of its crawlers asked for.
func SharedLimiter() *Limiter {
	sharedOnce.Do(func() { sharedLimiter = NewLimiter(MaxRate) })
	return sharedLimiter
}

// lower slows the limiter to rate when that is slower than its rate now.
func (l *Limiter) lower(rate float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.interval = max(l.interval, intervalOf(rate))
}

// Wait blocks until a request may be sent or ctx ends.
func (l *Limiter) Wait(ctx context.Context) error {
	for {
		l.mu.Lock()
		now := time.Now()
		if !now.Before(l.next) {
			// The grant time is the time of the check, not the time the
			// waiter was due, so a waiter that woke late does not let the
			// next one follow closer than the interval.
			l.next = now.Add(l.interval)
			l.mu.Unlock()
			return nil
		}
		wait := l.next.Sub(now)
		l.mu.Unlock()

		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
		}
	}
}

// sent moves the next grant to at least one interval after t, the time a
// request was written.
func (l *Limiter) sent(t time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if next := t.Add(l.interval); next.After(l.next) {
		l.next = next
	}
}

// PauseUntil holds every request back until t.
func (l *Limiter) PauseUntil(t time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t.After(l.next) {
		l.next = t
	}
}
