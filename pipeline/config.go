package pipeline

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"syscall"
	"time"

	"github.com/segmentio/kafka-go"
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
// caller's own cancellation does not. So do network failures (a refused,
// reset or closed connection, a connection closed in the middle of a
// response), because they mean the server was unreachable, not that it
// rejected the request. kafka-go's WriteErrors, which does not unwrap, is
// temporary when each of its errors is.
func IsTemporary(err error) bool {
	if err == nil {
		return false
	}
	var we kafka.WriteErrors
	if errors.As(err, &we) {
		n := 0
		for _, e := range we {
			if e == nil {
				continue
			}
			if !IsTemporary(e) {
				return false
			}
			n++
		}
		return n > 0
	}
	// Network failures come first, because *net.OpError has a deprecated
	// Temporary method that returns false for a refused connection.
	var op *net.OpError
	switch {
	case errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, net.ErrClosed),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.As(err, &op):
		return true
	}
	var t temporary
	return errors.As(err, &t) && t.Temporary()
}

// retryWhileUnavailable calls fn until it succeeds, fails with an error that
// is not temporary, or ctx ends. A temporary error (the server is down or
// restarting) is retried without limit, with the backoff's capped waits,
// because giving up would stop the stage or dead-letter messages that are
// fine. Meanwhile the stage holds its offsets and Kafka keeps the backlog.
// Each retry is logged at warn level with msg, op, attempt, wait and err.
func retryWhileUnavailable(ctx context.Context, log *slog.Logger, b Backoff, msg, op string, fn func(ctx context.Context) error) error {
	b = b.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	for attempt := 1; ; attempt++ {
		err := fn(ctx)
		if err == nil || !IsTemporary(err) || ctx.Err() != nil {
			return err
		}
		wait := b.Wait(min(attempt, 30))
		var ra retryAfter
		if errors.As(err, &ra) && ra.RetryAfter() > wait {
			wait = ra.RetryAfter()
		}
		log.LogAttrs(ctx, slog.LevelWarn, msg, slog.String("op", op),
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

// Log messages of retryWhileUnavailable.
const (
	msgKafkaUnavailable = "kafka unavailable, retrying"
	msgSinkUnavailable  = "sink unavailable, retrying"
)

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
