package rules_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/extractors/passes/passestest"
	"github.com/finx-dev/finx/extractors/rules"
)

// BenchmarkRunDense times passes.Run with the rules provider on generated
// number-dense documents of 1, 2 and 4 MB, so that ns/op per size shows
// whether the cost grows linearly with the text.
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
