package pdf

import (
	"fmt"
	"strings"
	"testing"

	"github.com/finx-dev/finx/extractors/pdf/pdftest"
)

// twoColumnPage draws a title across the page, n lines of prose in each of
// two columns and a footer across the page. Courier at 10 points advances 6
// points per character, so the 40-character left lines end at x=312, 18
// points before the right column.
func twoColumnPage(n int) (string, []string, []string) {
	var b strings.Builder
	b.WriteString(pdftest.Line("F1", 10, 72, 740, "Quarterly letter to shareholders of the company"))
	var left, right []string
	for i := range n {
		y := 716 - float64(i)*12
		l := fmt.Sprintf("Left column line %02d reads on and on ok", i)
		r := fmt.Sprintf("Right column line %02d goes on further ok", i)
		left, right = append(left, l), append(right, r)
		b.WriteString(pdftest.Line("F1", 10, 72, y, l))
		b.WriteString(pdftest.Line("F1", 10, 330, y, r))
	}
	b.WriteString(pdftest.Line("F1", 10, 72, 60, "Page footer printed across both of the columns here"))
	return b.String(), left, right
}

func TestParseTwoColumns(t *testing.T) {
	content, left, right := twoColumnPage(12)
	doc := parseBytes(t, pdftest.Doc{Fonts: []pdftest.Font{courier}, Pages: []string{content}}.Bytes())
	want := "Quarterly letter to shareholders of the company\n\n" +
		strings.Join(left, "\n") + "\n\n" + strings.Join(right, "\n") + "\n\n" +
		"Page footer printed across both of the columns here\n"
	if doc.Text != want {
		t.Errorf("got:\n%s\nwant:\n%s", doc.Text, want)
	}
}

func TestParseNotTwoColumns(t *testing.T) {
	statement := func() string {
		var b strings.Builder
		for i := range 20 {
			y := 700 - float64(i)*12
			b.WriteString(pdftest.Line("F1", 10, 72, y, fmt.Sprintf("Operating expense line %02d", i)))
			b.WriteString(pdftest.Line("F1", 10, 400, y, fmt.Sprintf("%d,%03d", i+1, 100+i)))
			b.WriteString(pdftest.Line("F1", 10, 480, y, fmt.Sprintf("(%d,%03d)", i+2, 200+i)))
		}
		return b.String()
	}
	textTable := func() string {
		var b strings.Builder
		for i := range 20 {
			y := 700 - float64(i)*12
			b.WriteString(pdftest.Line("F1", 10, 72, y, fmt.Sprintf("Officer %02d", i)))
			b.WriteString(pdftest.Line("F1", 10, 330, y, fmt.Sprintf("Executive Vice President %02d", i)))
		}
		return b.String()
	}
	few, _, _ := twoColumnPage(minColumnRows - 1)
	tests := []struct {
		name    string
		content string
		first   string
	}{
		{"statement rows", statement(), "Operating expense line 00 1,100 (2,200)\n"},
		{"text table", textTable(), "Officer 00 Executive Vice President 00\n"},
		{"too few column rows", few, "Quarterly letter to shareholders of the company\n\nLeft column line 00 reads on and on ok Right column line 00 goes on further ok\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parseBytes(t, pdftest.Doc{Fonts: []pdftest.Font{courier}, Pages: []string{tt.content}}.Bytes())
			if !strings.HasPrefix(doc.Text, tt.first) {
				t.Errorf("got:\n%s\nwant it to start with %q", doc.Text, tt.first)
			}
		})
	}
}
