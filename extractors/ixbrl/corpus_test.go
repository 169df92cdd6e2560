package ixbrl_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/finx-dev/finx/extractors/html"
	"github.com/finx-dev/finx/internal/testenv"
	"github.com/finx-dev/finx/schemas"
)

// corpusFilings returns the inline XBRL filings of the corpus: the HTML
// files that contain an ix:header.
func corpusFilings(tb testing.TB) map[string][]byte {
	tb.Helper()
	dir := testenv.Corpus(tb)
	paths, err := filepath.Glob(filepath.Join(dir, "html", "*.htm*"))
	if err != nil {
		tb.Fatal(err)
	}
	out := make(map[string][]byte)
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		if strings.Contains(string(data), "<ix:header") {
			out[filepath.Base(p)] = data
		}
	}
	if len(out) == 0 {
		tb.Fatalf("no inline XBRL filings under %s/html", dir)
	}
	return out
}

// TestCorpusFacts checks every numeric fact of the corpus inline XBRL
// filings: a value unless nil, one fact per identity, no inconsistent
// duplicates, and a span in the text that contains the printed number.
func TestCorpusFacts(t *testing.T) {
	for name, data := range corpusFilings(t) {
		t.Run(name, func(t *testing.T) {
			doc, err := html.Parse(context.Background(), name, data)
			if err != nil {
				t.Fatal(err)
			}
			numeric, merged := 0, 0
			seen := make(map[string]string)
			for _, f := range doc.Facts {
				merged += f.Duplicates
				if f.Inconsistent {
					t.Errorf("fact %s %s is flagged inconsistent", f.ID, f.Concept)
				}
				if !f.Numeric {
					continue
				}
				numeric++
				if !f.Nil && f.Value == "" {
					t.Errorf("fact %s %s printed %q has no value", f.ID, f.Concept, f.Display)
				}
				if f.Instant == "" && f.PeriodEnd == "" {
					t.Errorf("fact %s %s has no period", f.ID, f.Concept)
				}
				key := identity(f)
				if other, dup := seen[key]; dup {
					t.Errorf("facts %s and %s share the identity %s", other, f.ID, key)
				}
				seen[key] = f.ID
				if f.Start < f.End && !strings.Contains(doc.Text[f.Start:f.End], strings.TrimSpace(f.Display)) {
					t.Errorf("fact %s: Text[%d:%d] = %q does not contain the printed %q", f.ID, f.Start, f.End, doc.Text[f.Start:f.End], f.Display)
				}
			}
			for _, w := range doc.Warnings {
				if strings.Contains(w, "inconsistent duplicate") || strings.Contains(w, "invalid number") {
					t.Errorf("warning: %s", w)
				}
			}
			if merged == 0 {
				t.Errorf("no duplicates merged, want the facts that statements and notes repeat")
			}
			t.Logf("%d facts, %d numeric, %d duplicates merged, %d warnings", len(doc.Facts), numeric, merged, len(doc.Warnings))
		})
	}
}

func identity(f schemas.Fact) string {
	var dims []string
	for _, d := range f.Dimensions {
		dims = append(dims, d.Axis+"="+d.Member)
	}
	return strings.Join([]string{f.Concept, f.Instant, f.PeriodStart, f.PeriodEnd, strings.Join(dims, ","), f.Unit}, "|")
}

// BenchmarkCorpusFiling measures one parse per corpus inline XBRL filing.
// Besides ns/op, B/op and allocs/op it reports live-MB, the heap that the
// parsed document keeps after a garbage collection, and facts.
func BenchmarkCorpusFiling(b *testing.B) {
	for name, data := range corpusFilings(b) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var doc *schemas.Document
			var before, after runtime.MemStats
			for b.Loop() {
				// The garbage collections that measure the live heap are
				// left out of the timing.
				b.StopTimer()
				runtime.GC()
				runtime.ReadMemStats(&before)
				b.StartTimer()
				var err error
				doc, err = html.Parse(context.Background(), name, data)
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				runtime.GC()
				runtime.ReadMemStats(&after)
				b.StartTimer()
			}
			b.ReportMetric(float64(after.HeapAlloc-min(before.HeapAlloc, after.HeapAlloc))/(1<<20), "live-MB")
			b.ReportMetric(float64(len(doc.Facts)), "facts")
		})
	}
}
