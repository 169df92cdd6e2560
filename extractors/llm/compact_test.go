package llm

import (
	"strings"
	"testing"

	"github.com/finx-dev/finx/extractors/passes"
)

func TestRenderChunkExcerpts(t *testing.T) {
	risk := "Risks Related to Our Business\n\n" +
		"We depend on one foundry.\n" +
		"A fire at the foundry could stop our shipments for months. We have no second source. Our insurance may not cover the loss.\n" +
		"Steel prices could reduce our margins.\n" +
		"Steel is most of the cost of a valve, and we cannot always raise prices quickly enough to cover the increases in it.\n"
	metric := "Item 7. MD&A\n" +
		"Our business grew in every region this year, as the table below shows for the three segments we report.\n" +
		"(in millions)\t2025\t2024\n" +
		"Net sales\t1,234\t1,100\n" +
		"Selling expenses\t200\t180\n" +
		"Net income\t150\t120\n"
	tests := []struct {
		name     string
		kind     passes.Kind
		text     string
		keep     []string
		drop     []string
		maxRatio float64
	}{
		{"risk openings", passes.KindRisk, risk,
			[]string{"We depend on one foundry.", "Steel prices could reduce our margins.", "A fire at the foundry could stop our shipments for months."},
			[]string{"We have no second source.", "Our insurance may not cover"}, 0.9},
		{"metric lines", passes.KindMetric, metric,
			[]string{"(in millions)\t2025\t2024", "Net sales\t1,234\t1,100", "Net income\t150\t120"},
			[]string{"Selling expenses", "Our business grew"}, 0.7},
		{"guidance whole", passes.KindGuidance, metric, []string{metric}, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := renderChunk(tt.kind, tt.text, false)
			for _, k := range tt.keep {
				if !strings.Contains(got, k) {
					t.Errorf("rendered chunk lacks %q:\n%s", k, got)
				}
			}
			for _, d := range tt.drop {
				if strings.Contains(got, d) {
					t.Errorf("rendered chunk keeps %q:\n%s", d, got)
				}
			}
			// Every piece between gap marks is verbatim chunk text.
			for _, line := range strings.Split(got, "\n") {
				for _, piece := range strings.Split(line, gapMarker) {
					if p := strings.TrimSpace(piece); p != "" && !strings.Contains(tt.text, p) {
						t.Errorf("piece %q is not in the chunk", p)
					}
				}
			}
			if ratio := float64(len(got)) / float64(len(tt.text)); ratio > tt.maxRatio {
				t.Errorf("rendered %d of %d bytes (%.2f), want at most %.2f", len(got), len(tt.text), ratio, tt.maxRatio)
			}
			if full := renderChunk(tt.kind, tt.text, true); full != tt.text {
				t.Error("full rendering changed the text")
			}
		})
	}
}

// FuzzRenderChunk checks that a shortened chunk only carries text of the
// chunk between gap marks, for any text and kind, and never panics.
func FuzzRenderChunk(f *testing.F) {
	f.Add("Heading one.\nBody text that runs on. More body.\n\nNet sales\t1,234\t1,100\n(in millions)\n", 0)
	f.Add("x\n\n\n[...]\n. A\n", 1)
	f.Add(strings.Repeat("Revenue was $5 million in 2025. ", 40), 1)
	f.Fuzz(func(t *testing.T, text string, k int) {
		kinds := []passes.Kind{passes.KindRisk, passes.KindMetric, passes.KindGuidance}
		kind := kinds[(k%3+3)%3]
		got := renderChunk(kind, text, false)
		for _, line := range strings.Split(got, "\n") {
			for _, piece := range strings.Split(line, gapMarker) {
				if p := strings.TrimSpace(piece); p != "" && !strings.Contains(text, p) {
					t.Fatalf("piece %q is not in the chunk %q", p, text)
				}
			}
		}
	})
}
