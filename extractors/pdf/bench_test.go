package pdf

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/finx-dev/finx/extractors/pdf/pdftest"
)

// reportPDF builds a report of n pages, each with a bold heading, 45 lines
// of body text and a small table, in Flate-compressed streams.
func reportPDF(n int) []byte {
	pages := make([]string, n)
	for p := range pages {
		var b strings.Builder
		b.WriteString(pdftest.Line("F2", 11, 72, 740, fmt.Sprintf("Item %d. Management's Discussion and Analysis", p+1)))
		for i := range 45 {
			b.WriteString(pdftest.Line("F1", 10, 72, 720-float64(i)*12,
				"Net revenue increased 12 percent, driven by higher volume and pricing."))
		}
		for i := range 5 {
			y := 160 - float64(i)*12
			b.WriteString(pdftest.Line("F1", 10, 72, y, "Segment revenue"))
			b.WriteString(pdftest.Line("F1", 10, 400, y, "$ 1,234.5"))
			b.WriteString(pdftest.Line("F1", 10, 480, y, "$ 1,098.7"))
		}
		pages[p] = b.String()
	}
	return pdftest.Doc{Fonts: []pdftest.Font{courier, courierBold}, Pages: pages, Compress: true}.Bytes()
}

func BenchmarkParse(b *testing.B) {
	for _, n := range []int{1, 10, 100} {
		data := reportPDF(n)
		b.Run(fmt.Sprintf("pages=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Parse(context.Background(), "bench.pdf", data, Config{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
