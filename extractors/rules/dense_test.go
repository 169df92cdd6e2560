package rules_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/extractors/passes/passestest"
	"github.com/finx-dev/finx/extractors/rules"
	"github.com/finx-dev/finx/extractors/sections"
)

// BenchmarkRunDense times passes.Run with the rules provider on generated
// number-dense documents of 1, 2 and 4 MB. The time per byte stays flat
// from one size to the next when the cost grows linearly with the text.
func BenchmarkRunDense(b *testing.B) {
	for _, layout := range []passestest.Layout{passestest.Release, passestest.Annual, passestest.OneLine} {
		for _, mb := range []int{1, 2, 4} {
			doc := passestest.Dense(mb<<20, layout)
			b.Run(fmt.Sprintf("%s/%dMB", layout, mb), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(doc.Text)))
				for b.Loop() {
					if _, err := passes.Run(context.Background(), doc, rules.New(), passes.Config{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// TestExtractStopsWhenContextEnds gives each kind and pass of the provider
// a deadline far shorter than its work on a 4 MB document and checks that
// it returns the context's error soon after the deadline.
func TestExtractStopsWhenContextEnds(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a 4 MB document")
	}
	const deadline = 20 * time.Millisecond
	// maxLate allows for a loaded machine and the race detector. The
	// provider checks its context every few milliseconds of work.
	const maxLate = 500 * time.Millisecond
	for _, layout := range []passestest.Layout{passestest.Release, passestest.Annual, passestest.OneLine} {
		doc := passestest.Dense(4<<20, layout)
		secs := sections.Find(doc)
		for _, kind := range []passes.Kind{passes.KindRisk, passes.KindMetric, passes.KindGuidance} {
			chunks := passes.Select(doc, secs, kind, 0)
			for _, pass := range []passes.Pass{passes.PassPrimary, passes.PassRecall} {
				t.Run(fmt.Sprintf("%s/%s/%s", layout, kind, pass), func(t *testing.T) {
					ctx, cancel := context.WithTimeout(context.Background(), deadline)
					defer cancel()
					began := time.Now()
					_, err := rules.New().Extract(ctx, passes.Request{Kind: kind, Pass: pass, Chunks: chunks, Document: doc})
					took := time.Since(began)
					if err == nil {
						if took > deadline {
							t.Errorf("got nil error after %v, want context.DeadlineExceeded", took)
						}
						return
					}
					if !errors.Is(err, context.DeadlineExceeded) {
						t.Errorf("error: got %v, want context.DeadlineExceeded", err)
					}
					if took > deadline+maxLate {
						t.Errorf("returned after %v, want at most %v", took, deadline+maxLate)
					}
				})
			}
		}
	}
}
