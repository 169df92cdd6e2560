package eval

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/extractors/rules"
	"github.com/finx-dev/finx/internal/testenv"
)

// BenchmarkRunRules times passes.Run with the rules provider on parsed
// corpus documents of each kind; parsing is outside the timer.
func BenchmarkRunRules(b *testing.B) {
	corpus := testenv.Corpus(b)
	for _, file := range []string{
		"html/aapl-10-k-2024-11-01.html",
		"html/nflx-10-k-2025-01-27.html",
		"pdf/3M_2018_10K.pdf",
		"8k/AMCOR_2023Q4_EARNINGS.pdf",
	} {
		doc, err := Parse(context.Background(), corpus, file)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(filepath.Base(file), func(b *testing.B) {
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
