package pipeline

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"
)

// Backoff is the one retry policy of the pipeline: capped exponential waits
// with jitter, for a bounded number of attempts.
type Backoff struct {
	// Min is the first wait; zero means 100ms.
	Min time.Duration
	// Max caps each wait; zero means 10s.
	Max time.Duration
	// Attempts is the total number of tries, the first included; zero means 5.
	Attempts int
	// Jitter is the random fraction added to or taken from each wait, in
	// [0, 1]; zero means 0.2.
	Jitter float64
}

func (b Backoff) withDefaults() Backoff {
	if b.Min <= 0 {
		b.Min = 100 * time.Millisecond
	}
	if b.Max <= 0 {
		b.Max = 10 * time.Second
	}
	if b.Attempts <= 0 {
		b.Attempts = 5
	}
	if b.Jitter <= 0 || b.Jitter > 1 {
		b.Jitter = 0.2
	}
	return b
}

// Wait returns the wait before retry number attempt (1 for the first retry).
func (b Backoff) Wait(attempt int) time.Duration {
	b = b.withDefaults()
	d := b.Min
	for i := 1; i < attempt && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	spread := float64(d) * b.Jitter
	d += time.Duration(spread * (2*rand.Float64() - 1))
	return max(d, 0)
}

// retryAfter is implemented by errors that carry a server's requested wait.
type retryAfter interface{ RetryAfter() time.Duration }

// temporary is implemented by errors that may succeed on a retry; kafka-go's
// errors and finx's connectors implement it.
type temporary interface{ Temporary() bool }

// IsTemporary reports whether err, or an error it wraps, reports that a retry may
// succeed. A deadline exceeded inside the operation counts as temporary; the
// caller's own cancellation does not.
func IsTemporary(err error) bool {
	var t temporary
	if errors.As(err, &t) {
		return t.Temporary()
	}
	return errors.Is(err, context.DeadlineExceeded)
}

// Do runs fn until it succeeds, returns a permanent error, the attempts run
// out or ctx ends. It logs each retry with the operation name.
func (b Backoff) Do(ctx context.Context, log *slog.Logger, op string, fn func(ctx context.Context) error) error {
	b = b.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var err error
	for attempt := 1; ; attempt++ {
		err = fn(ctx)
		if err == nil || ctx.Err() != nil || !IsTemporary(err) || attempt >= b.Attempts {
			return err
		}
		wait := b.Wait(attempt)
		var ra retryAfter
		if errors.As(err, &ra) && ra.RetryAfter() > wait {
			wait = ra.RetryAfter()
		}
		log.LogAttrs(ctx, slog.LevelWarn, "retrying", slog.String("op", op),
			slog.Int("attempt", attempt), slog.Duration("wait", wait), slog.Any("err", err))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}
