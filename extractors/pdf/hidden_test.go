package pdf

import (
	"strings"
	"testing"

	"github.com/finx-dev/finx/extractors/pdf/pdftest"
)

func TestParseHiddenText(t *testing.T) {
	visibleLine := pdftest.Line("F1", 10, 72, 700, "Revenue grew.")
	tests := []struct {
		name     string
		content  string
		want     string
		wantWarn string
	}{
		{
			name:     "render mode 3 over visible text",
			content:  visibleLine + "BT 3 Tr /F1 10 Tf 72 600 Td (secret keywords) Tj ET\n",
			want:     "Revenue grew.\n",
			wantWarn: "page 1: dropped 14 invisible characters",
		},
		{
			name:     "render mode 3 alone is an OCR layer",
			content:  "BT 3 Tr /F1 10 Tf 72 700 Td (scanned words) Tj ET\n",
			want:     "scanned words\n",
			wantWarn: "all 12 characters of text are invisible",
		},
		{
			name:     "white text on a white page",
			content:  visibleLine + "1 g " + pdftest.Line("F1", 10, 72, 600, "hidden") + "0 g\n",
			want:     "Revenue grew.\n",
			wantWarn: "dropped 6 white characters",
		},
		{
			name:     "white RGB text on a white page",
			content:  visibleLine + "1 1 1 rg " + pdftest.Line("F1", 10, 72, 600, "hidden") + "0 g\n",
			want:     "Revenue grew.\n",
			wantWarn: "dropped 6 white characters",
		},
		{
			name:    "white text on a dark band",
			content: visibleLine + "0 0 0.5 rg 60 590 200 20 re f 1 g " + pdftest.Line("F1", 10, 72, 600, "Header") + "0 g\n",
			want:    "Revenue grew.\n\nHeader\n",
		},
		{
			name:     "white text beside the dark band",
			content:  visibleLine + "0 0 0.5 rg 300 590 200 20 re f 1 g " + pdftest.Line("F1", 10, 72, 600, "hidden") + "0 g\n",
			want:     "Revenue grew.\n",
			wantWarn: "dropped 6 white characters",
		},
		{
			name:     "white band does not count as background",
			content:  visibleLine + "1 g 60 590 200 20 re f " + pdftest.Line("F1", 10, 72, 600, "hidden") + "0 g\n",
			want:     "Revenue grew.\n",
			wantWarn: "dropped 6 white characters",
		},
		{
			name:     "text off the page",
			content:  visibleLine + pdftest.Line("F1", 10, 72, 2000, "far") + pdftest.Line("F1", 10, -900, 500, "left"),
			want:     "Revenue grew.\n",
			wantWarn: "dropped 7 characters outside the page",
		},
		{
			name:     "microscopic text",
			content:  visibleLine + pdftest.Line("F1", 0.2, 72, 600, "tiny"),
			want:     "Revenue grew.\n",
			wantWarn: "dropped 4 characters smaller than 1 point",
		},
		{
			name:    "stroked text is visible",
			content: "BT 1 Tr /F1 10 Tf 72 700 Td (Outline) Tj ET\n",
			want:    "Outline\n",
		},
		{
			name:    "color space resets to black",
			content: "1 g /DeviceRGB cs " + pdftest.Line("F1", 10, 72, 700, "black"),
			want:    "black\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parseBytes(t, pdftest.Doc{Fonts: []pdftest.Font{courier}, Pages: []string{tt.content}}.Bytes())
			if doc.Text != tt.want {
				t.Errorf("text: got %q, want %q", doc.Text, tt.want)
			}
			warnings := strings.Join(doc.Warnings, "\n")
			if tt.wantWarn == "" && warnings != "" {
				t.Errorf("got warnings %q, want none", warnings)
			}
			if tt.wantWarn != "" && !strings.Contains(warnings, tt.wantWarn) {
				t.Errorf("warnings %q do not contain %q", warnings, tt.wantWarn)
			}
		})
	}
}

func TestParseFormImageIsBackground(t *testing.T) {
	// White text drawn over an image is visible.
	doc := parseBytes(t, pdftest.Doc{
		Fonts:  []pdftest.Font{courier},
		Images: []string{"Im1"},
		Pages:  []string{"q 200 0 0 50 60 590 cm /Im1 Do Q 1 g " + pdftest.Line("F1", 10, 72, 600, "on image") + "0 g\n"},
	}.Bytes())
	if doc.Text != "on image\n" {
		t.Errorf("got %q, want %q", doc.Text, "on image\n")
	}
}
