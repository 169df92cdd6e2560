package passes_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/extractors/passes/passestest"
	"github.com/finx-dev/finx/extractors/rules"
)

// maxCancelDelay is how long Run may take to return after its context
// ends. An idle machine returns within a few milliseconds. The bound leaves
// room for a loaded CI machine, and it is still a small part of the seconds
// a full run of the 4 MB document takes.
const maxCancelDelay = 500 * time.Millisecond

// TestRunCanceledReturnsPromptly cancels Run with the rules provider at
// several points of its work on a 4 MB document and checks that it
// returns context.Canceled within maxCancelDelay.
func TestRunCanceledReturnsPromptly(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a 4 MB document")
	}
	limit := maxCancelDelay
	if raceEnabled {
		limit *= 10
	}
	for _, layout := range []passestest.Layout{passestest.Release, passestest.Annual, passestest.OneLine} {
		doc := passestest.Dense(4<<20, layout)
		for _, after := range []time.Duration{0, 50 * time.Millisecond, 300 * time.Millisecond, 800 * time.Millisecond} {
			t.Run(fmt.Sprintf("%s/after %v", layout, after), func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				type outcome struct {
					err error
					at  time.Time
				}
				done := make(chan outcome, 1)
				go func() {
					_, err := passes.Run(ctx, doc, rules.New(), passes.Config{})
					done <- outcome{err, time.Now()}
				}()
				time.Sleep(after)
				canceled := time.Now()
				cancel()
				select {
				case got := <-done:
					if !errors.Is(got.err, context.Canceled) {
						if got.err == nil && got.at.Before(canceled) {
							t.Skipf("Run finished in under %v, before the cancel", after)
						}
						t.Fatalf("error: got %v, want context.Canceled", got.err)
					}
					d := got.at.Sub(canceled)
					t.Logf("returned %v after the cancel", d)
					if d > limit {
						t.Errorf("returned %v after the cancel, want at most %v", d, limit)
					}
				case <-time.After(10 * time.Second):
					t.Fatal("Run did not return within 10s of the cancel")
				}
			})
		}
	}
}

// TestRunCanceledBeforeStart checks that Run does no work on a context
// that has already ended.
func TestRunCanceledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := passes.Run(ctx, passestest.Dense(1<<20, passestest.Release), rules.New(), passes.Config{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error: got %v, want context.Canceled", err)
	}
	if res != nil {
		t.Errorf("result: got %d metrics, want nil", len(res.Metrics))
	}
}
