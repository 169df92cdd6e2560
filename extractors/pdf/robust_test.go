package pdf

import (
	"fmt"
	"strings"
	"testing"

	"github.com/finx-dev/finx/extractors/pdf/pdftest"
)

func TestParseStatementRows(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    string
	}{
		{
			name: "label and figures share a row",
			content: pdftest.Line("F1", 10, 72, 700, "Net sales") +
				pdftest.Line("F1", 10, 400, 700.4, "32,765") +
				pdftest.Line("F1", 10, 480, 699.8, "31,657"),
			want: "Net sales 32,765 31,657\n",
		},
		{
			// Courier advances 6 points per character at 10 points, so
			// "1,234" drawn at 300 ends at 330 and the next column starts
			// 3 points later.
			name:    "adjacent columns stay apart",
			content: pdftest.Line("F1", 10, 300, 700, "1,234") + pdftest.Line("F1", 10, 333, 700, "(5,678)"),
			want:    "1,234 (5,678)\n",
		},
		{
			name: "rows of a table stay in order",
			content: pdftest.Line("F1", 10, 72, 700, "Revenue") + pdftest.Line("F1", 10, 400, 700, "100") +
				pdftest.Line("F1", 10, 72, 688, "Cost") + pdftest.Line("F1", 10, 400, 688, "(60)"),
			want: "Revenue 100\nCost (60)\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parseBytes(t, pdftest.Doc{Fonts: []pdftest.Font{courier}, Pages: []string{tt.content}}.Bytes())
			if doc.Text != tt.want {
				t.Errorf("got %q, want %q", doc.Text, tt.want)
			}
		})
	}
}

func TestParseMalformedOperators(t *testing.T) {
	tests := []struct {
		name    string
		content string
	}{
		{"operators without operands", "BT Tf Td Tj TJ Tm cm Tz TL ' \" ET\n"},
		{"operands of the wrong type", "BT (x) (y) Tf /Name Td 1 Tj 5 TJ ET\n"},
		{"unbalanced q and Q", "Q Q Q q q\n"},
		{"text outside BT", "(stray) Tj\n"},
		{"color and path operators without operands", "rg g k re f sc scn cs Do\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			content := tt.content + pdftest.Line("F1", 10, 72, 700, "kept")
			doc := parseBytes(t, pdftest.Doc{Fonts: []pdftest.Font{courier}, Pages: []string{content}}.Bytes())
			if !strings.Contains(doc.Text, "kept") {
				t.Errorf("got %q, want the text after the bad operators", doc.Text)
			}
		})
	}
}

func TestParseNestedForms(t *testing.T) {
	// Fm0 draws Fm1, which draws Fm2, and so on: deeper than maxFormDepth.
	const depth = 3 * maxFormDepth
	var forms []pdftest.Form
	for i := range depth {
		content := pdftest.Line("F1", 10, 72, float64(700-12*i), fmt.Sprintf("level%d", i))
		if i+1 < depth {
			content += fmt.Sprintf("/Fm%d Do\n", i+1)
		}
		forms = append(forms, pdftest.Form{Name: fmt.Sprintf("Fm%d", i), Content: content})
	}
	doc := parseBytes(t, pdftest.Doc{Fonts: []pdftest.Font{courier}, Forms: forms, Pages: []string{"/Fm0 Do\n"}}.Bytes())
	if !strings.Contains(doc.Text, "level0\n") || !strings.Contains(doc.Text, fmt.Sprintf("level%d\n", maxFormDepth-1)) {
		t.Errorf("got %q, want the levels up to %d", doc.Text, maxFormDepth-1)
	}
	if strings.Contains(doc.Text, fmt.Sprintf("level%d\n", maxFormDepth)) {
		t.Errorf("got %q, want nothing past depth %d", doc.Text, maxFormDepth)
	}
}
