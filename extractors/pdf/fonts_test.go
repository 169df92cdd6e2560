package pdf

import (
	"strings"
	"testing"

	"github.com/finx-dev/finx/extractors/pdf/pdftest"
)

// rangeCMap declares one-byte codes: A to C map to X, Y, Z through a
// string range, D and E to "fl" and "é" through an array range.
const rangeCMap = `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CMapName /Test-UCS def
1 begincodespacerange
<00> <FF>
endcodespacerange
2 beginbfrange
<41> <43> <0058>
<44> <45> [<0066006C> <00E9>]
endbfrange
1 beginbfchar
<20> <0020>
endbfchar
endcmap
CMapName currentdict /CMap defineresource pop
end
end
`

func TestParseFonts(t *testing.T) {
	tests := []struct {
		name    string
		font    pdftest.Font
		content string
		want    string
		warning string
	}{
		{
			name:    "bfrange string and array targets",
			font:    pdftest.Font{Name: "F1", BaseFont: "Range", CMap: rangeCMap, CIDWidth: 500},
			content: "BT /F1 10 Tf 72 700 Td <41424320444520> Tj ET\n",
			want:    "XYZ flé\n",
		},
		{
			name: "two-byte codes with supplementary plane text",
			font: pdftest.Font{Name: "F1", BaseFont: "Wide", ToUnicode: map[uint16]string{
				0x0102: "A", 0x0203: "\U0001D400", 0x0304: "B",
			}},
			content: "BT /F1 10 Tf 72 700 Td " + pdftest.Hex(0x0102, 0x0203, 0x0304) + " Tj ET\n",
			want:    "A\U0001D400B\n",
		},
		{
			name:    "identity font without ToUnicode",
			font:    pdftest.Font{Name: "F1", BaseFont: "NoMap", Type0: true},
			content: "BT /F1 10 Tf 72 700 Td " + pdftest.Hex(1, 2, 3) + " Tj ET\n",
			want:    "",
			warning: "page 1: font NoMap has no ToUnicode map, so its text was dropped",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parseBytes(t, pdftest.Doc{Fonts: []pdftest.Font{tt.font}, Pages: []string{tt.content}}.Bytes())
			if doc.Text != tt.want {
				t.Errorf("got text %q, want %q", doc.Text, tt.want)
			}
			if tt.warning != "" && (len(doc.Warnings) != 1 || doc.Warnings[0] != tt.warning) {
				t.Errorf("got warnings %q, want [%s]", doc.Warnings, tt.warning)
			}
			if tt.warning == "" && len(doc.Warnings) != 0 {
				t.Errorf("got warnings %q, want none", doc.Warnings)
			}
		})
	}
}

func TestParseForms(t *testing.T) {
	tests := []struct {
		name  string
		forms []pdftest.Form
		page  string
		want  string
	}{
		{
			name:  "form text joins the page",
			forms: []pdftest.Form{{Name: "Fm1", Content: pdftest.Line("F1", 10, 72, 686, "from the form")}},
			page:  pdftest.Line("F1", 10, 72, 700, "on the page") + "/Fm1 Do\n",
			want:  "on the page\nfrom the form\n",
		},
		{
			name:  "form matrix moves its text",
			forms: []pdftest.Form{{Name: "Fm1", Content: pdftest.Line("F1", 10, 72, 700, "moved"), Matrix: "1 0 0 1 0 -100"}},
			page:  "/Fm1 Do\n" + pdftest.Line("F1", 10, 72, 700, "top"),
			want:  "top\n\nmoved\n",
		},
		{
			name:  "form that draws itself stops",
			forms: []pdftest.Form{{Name: "Fm1", Content: pdftest.Line("F1", 10, 72, 700, "loop") + "/Fm1 Do\n"}},
			page:  "/Fm1 Do\n",
			want:  "loop\n",
		},
		{
			name: "image XObject is skipped",
			page: "/Im1 Do\n" + pdftest.Line("F1", 10, 72, 700, "text"),
			want: "text\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parseBytes(t, pdftest.Doc{Fonts: []pdftest.Font{courier}, Forms: tt.forms, Pages: []string{tt.page}}.Bytes())
			if doc.Text != tt.want {
				t.Errorf("got %q, want %q", doc.Text, tt.want)
			}
			if len(doc.Warnings) != 0 {
				t.Errorf("got warnings %q", doc.Warnings)
			}
		})
	}
}

func TestParseUnmappedFontWarnsOnce(t *testing.T) {
	font := pdftest.Font{Name: "F3", BaseFont: "NoMap", Type0: true}
	page := "BT /F3 10 Tf 72 700 Td " + pdftest.Hex(1, 2) + " Tj ET\n"
	doc := parseBytes(t, pdftest.Doc{Fonts: []pdftest.Font{font, courier}, Pages: []string{page, page + pdftest.Line("F1", 10, 72, 600, "x")}}.Bytes())
	n := 0
	for _, w := range doc.Warnings {
		if strings.Contains(w, "NoMap") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("got %d warnings about the font, want 1: %q", n, doc.Warnings)
	}
}
