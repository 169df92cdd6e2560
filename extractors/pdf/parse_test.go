package pdf

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/finx-dev/finx/extractors/pdf/pdftest"
	"github.com/finx-dev/finx/schemas"
)

// helvetica is a simple font without /Widths, which makes the parser fall
// back to estimated advances.
var (
	courier     = pdftest.Font{Name: "F1", BaseFont: "Courier", Widths: pdftest.Courier()}
	courierBold = pdftest.Font{Name: "F2", BaseFont: "Courier-Bold", Widths: pdftest.Courier()}
)

func parseBytes(t *testing.T, data []byte) *schemas.Document {
	t.Helper()
	doc, err := Parse(context.Background(), "test.pdf", data, Config{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return doc
}

func pageText(doc *schemas.Document, n int) string {
	p := doc.Pages[n-1]
	return doc.Text[p.Start:p.End]
}

func TestParseFixture(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "pdf", "quarterly_report.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	doc := parseBytes(t, data)
	if len(doc.Pages) != 3 || doc.PagesWithText != 3 {
		t.Fatalf("got %d pages, %d with text; want 3 and 3", len(doc.Pages), doc.PagesWithText)
	}
	if len(doc.Warnings) != 0 {
		t.Errorf("got warnings %q, want none", doc.Warnings)
	}
	if doc.MediaType != schemas.MediaPDF || doc.Size != int64(len(data)) || len(doc.DocID) != 64 {
		t.Errorf("got media type %q, size %d, doc id %q", doc.MediaType, doc.Size, doc.DocID)
	}
	tests := []struct {
		page int
		want string
	}{
		{1, "Revenue $ 1,184.6 $ 1,052.3\n"},
		{1, "Net income $ 140.9 $ 97.3\n"},
		{1, "Diluted earnings per share $ 1.12 $ 0.78\n"},
		{2, "Item 1A. Risk Factors\n\n"},
		{2, "\nWe depend on a small number of suppliers for key optical components.\n\n"},
		{2, "\nChanges in foreign exchange rates could reduce our reported revenue.\n\n"},
		{2, "\nCybersecurity incidents could disrupt our operations.\n\n"},
		{3, "expects revenue of $1.20 billion to $1.30\nbillion for fiscal 2027"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("page %d %s", tt.page, strings.Fields(tt.want)[0]), func(t *testing.T) {
			if got := pageText(doc, tt.page); !strings.Contains(got, tt.want) {
				t.Errorf("page %d lacks %q; got:\n%s", tt.page, tt.want, got)
			}
		})
	}
	at := strings.Index(doc.Text, "Item 1A.")
	if got := doc.PageAt(at); got != 2 {
		t.Errorf("Item 1A is on page %d, want 2", got)
	}
}

func TestParseLayout(t *testing.T) {
	tests := []struct {
		name    string
		content string
		fonts   []pdftest.Font
		want    string
	}{
		{
			name: "rows sorted top to bottom",
			content: pdftest.Line("F1", 10, 72, 600, "third") +
				pdftest.Line("F1", 10, 72, 700, "first") +
				pdftest.Line("F1", 10, 72, 686, "second"),
			want: "first\nsecond\n\nthird\n",
		},
		{
			name: "words drawn right to left",
			content: pdftest.Line("F1", 10, 200, 700, "world") +
				pdftest.Line("F1", 10, 72, 700, "hello"),
			want: "hello world\n",
		},
		{
			name:    "pieces without a gap join",
			content: pdftest.Line("F1", 10, 72, 700, "Reve") + pdftest.Line("F1", 10, 96, 700, "nue"),
			want:    "Revenue\n",
		},
		{
			name:    "small kerning keeps a word",
			content: "BT /F1 10 Tf 72 700 Td [(Ke) -20 (rn) 30 (ing)] TJ ET\n",
			want:    "Kerning\n",
		},
		{
			name:    "large TJ offset is a space",
			content: "BT /F1 10 Tf 72 700 Td [(net) -600 (income)] TJ ET\n",
			want:    "net income\n",
		},
		{
			name:    "word spacing widens a space",
			content: "BT /F1 10 Tf 5 Tw 72 700 Td (a b) Tj ET\n",
			want:    "a b\n",
		},
		{
			name:    "baseline jitter stays one row",
			content: pdftest.Line("F1", 10, 72, 700, "Total") + pdftest.Line("F1", 10, 110, 701.5, "$5.2"),
			want:    "Total $5.2\n",
		},
		{
			name:    "overprinted bold drawn twice",
			content: pdftest.Line("F2", 10, 72, 700, "Bold") + pdftest.Line("F2", 10, 72.3, 700, "Bold") + pdftest.Line("F1", 10, 72, 686, "body"),
			want:    "Bold\n\nbody\n",
		},
		{
			name: "bold heading then a blank line",
			content: pdftest.Line("F2", 10, 72, 700, "Item 1A. Risk Factors") +
				pdftest.Line("F1", 10, 72, 686, "Risks follow."),
			want: "Item 1A. Risk Factors\n\nRisks follow.\n",
		},
		{
			name:    "inline bold heading split from its sentence",
			content: pdftest.Line("F2", 10, 72, 700, "Supply risk.") + pdftest.Line("F1", 10, 150, 700, "We buy parts."),
			want:    "Supply risk.\n\nWe buy parts.\n",
		},
		{
			name:    "italic run-in heading split from its sentence",
			fonts:   []pdftest.Font{courier, {Name: "F3", BaseFont: "Courier-Oblique", Widths: pdftest.Courier()}},
			content: pdftest.Line("F3", 10, 72, 700, "Supply risk.") + pdftest.Line("F1", 10, 150, 700, "We buy parts."),
			want:    "Supply risk.\n\nWe buy parts.\n",
		},
		{
			name: "large regular heading then a blank line",
			content: pdftest.Line("F1", 14, 72, 720, "Outlook") +
				pdftest.Line("F1", 10, 72, 704, "We expect growth.") +
				pdftest.Line("F1", 10, 72, 692, "Margins hold."),
			want: "Outlook\n\nWe expect growth.\nMargins hold.\n",
		},
		{
			name:    "bold lead-in without a period stays",
			content: pdftest.Line("F2", 10, 72, 700, "Revenue") + pdftest.Line("F1", 10, 126, 700, "grew 5 percent."),
			want:    "Revenue grew 5 percent.\n",
		},
		{
			name:    "text matrix scales the font",
			content: "BT /F1 1 Tf 10 0 0 10 72 700 Tm (scaled) Tj ET\n",
			want:    "scaled\n",
		},
		{
			name:    "cm moves text",
			content: "q 1 0 0 1 0 -100 cm BT /F1 10 Tf 72 700 Td (lower) Tj ET Q BT /F1 10 Tf 72 700 Td (upper) Tj ET\n",
			want:    "upper\n\nlower\n",
		},
		{
			name:    "T* and TL move down",
			content: "BT /F1 10 Tf 12 TL 72 700 Td (one) Tj T* (two) Tj (three) ' ET\n",
			want:    "one\ntwo\nthree\n",
		},
		{
			name:    "unknown font draws nothing",
			content: pdftest.Line("F9", 10, 72, 700, "ghost") + pdftest.Line("F1", 10, 72, 686, "real"),
			want:    "real\n",
		},
		{
			name:  "font without widths",
			fonts: []pdftest.Font{{Name: "F1", BaseFont: "Helvetica"}},
			content: pdftest.Line("F1", 10, 72, 700, "no widths here") +
				pdftest.Line("F1", 10, 300, 700, "far"),
			want: "no widths here far\n",
		},
		{
			name: "type0 font with ligature",
			fonts: []pdftest.Font{{Name: "F1", BaseFont: "Test", ToUnicode: map[uint16]string{
				1: "\uFB01", 2: "n", 3: "a", 4: "l", 5: " ", 6: "\uFB02", 7: "o", 8: "w",
			}, CIDWidth: 500}},
			content: "BT /F1 10 Tf 72 700 Td " + pdftest.Hex(1, 2, 3, 4, 5, 6, 7, 8) + " Tj ET\n",
			want:    "final flow\n",
		},
		{
			name: "rotated text after the rows",
			content: "BT /F1 10 Tf 0 1 -1 0 40 300 Tm (Sideways note) Tj ET\n" +
				pdftest.Line("F1", 10, 72, 700, "upright text fills the page"),
			want: "upright text fills the page\n\nSideways note\n",
		},
		{
			name: "sideways page laid out as rows",
			content: "BT /F1 10 Tf 0 1 -1 0 100 72 Tm (Revenue) Tj 0 1 -1 0 100 300 Tm ($ 1,184.6) Tj ET\n" +
				"BT /F1 10 Tf 0 1 -1 0 114 72 Tm (Net income) Tj 0 1 -1 0 114 300 Tm ($ 140.9) Tj ET\n",
			want: "Revenue $ 1,184.6\nNet income $ 140.9\n",
		},
		{
			name:    "percent sign set apart stays apart",
			content: pdftest.Line("F1", 10, 72, 700, "21.9") + pdftest.Line("F1", 10, 100, 700, "%"),
			want:    "21.9 %\n",
		},
		{
			name:    "winansi quotes",
			content: "BT /F1 10 Tf 72 700 Td (\x93Quoted\x94 \x96 it\x92s) Tj ET\n",
			want:    "“Quoted” – it’s\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fonts := tt.fonts
			if fonts == nil {
				fonts = []pdftest.Font{courier, courierBold}
			}
			doc := parseBytes(t, pdftest.Doc{Fonts: fonts, Pages: []string{tt.content}}.Bytes())
			if doc.Text != tt.want {
				t.Errorf("got %q, want %q", doc.Text, tt.want)
			}
		})
	}
}

func TestParsePages(t *testing.T) {
	doc := parseBytes(t, pdftest.Doc{
		Fonts:    []pdftest.Font{courier},
		Pages:    []string{pdftest.Line("F1", 10, 72, 700, "page one"), "", pdftest.Line("F1", 10, 72, 700, "page three")},
		Compress: true,
	}.Bytes())
	if got, want := doc.Text, "page one\n\f\fpage three\n"; got != want {
		t.Errorf("got text %q, want %q", got, want)
	}
	want := []schemas.Page{
		{Number: 1, Start: 0, End: 9, HasText: true},
		{Number: 2, Start: 10, End: 10, HasText: false},
		{Number: 3, Start: 11, End: 22, HasText: true},
	}
	if len(doc.Pages) != len(want) {
		t.Fatalf("got %d pages, want %d", len(doc.Pages), len(want))
	}
	for i := range want {
		if doc.Pages[i] != want[i] {
			t.Errorf("page %d: got %+v, want %+v", i+1, doc.Pages[i], want[i])
		}
	}
	if doc.PagesWithText != 2 {
		t.Errorf("got %d pages with text, want 2", doc.PagesWithText)
	}
	wantWarnings := []string{"page 2 has no text layer", "1 of 3 pages have no text layer; scanned pages need OCR"}
	if !slices.Equal(doc.Warnings, wantWarnings) {
		t.Errorf("got warnings %q, want %q", doc.Warnings, wantWarnings)
	}
}

func TestParseMaxPages(t *testing.T) {
	pages := []string{
		pdftest.Line("F1", 10, 72, 700, "one"),
		pdftest.Line("F1", 10, 72, 700, "two"),
		pdftest.Line("F1", 10, 72, 700, "three"),
	}
	data := pdftest.Doc{Fonts: []pdftest.Font{courier}, Pages: pages}.Bytes()
	doc, err := Parse(context.Background(), "max.pdf", data, Config{MaxPages: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Pages) != 2 || doc.Text != "one\n\ftwo\n" {
		t.Errorf("got %d pages, text %q; want 2 pages, %q", len(doc.Pages), doc.Text, "one\n\ftwo\n")
	}
	if len(doc.Warnings) != 1 || !strings.Contains(doc.Warnings[0], "MaxPages") {
		t.Errorf("got warnings %q, want one about MaxPages", doc.Warnings)
	}
}

func TestParseBadPageContent(t *testing.T) {
	tests := []struct {
		name    string
		content string
		corrupt bool // overwrite the Flate header of page 2's stream
		kept    string
		warning bool
	}{
		{"malformed hex string", pdftest.Line("F1", 10, 72, 700, "kept") + "BT /F1 10 Tf 72 600 Td <zz> Tj ET\n", false, "kept", true},
		{"unterminated string", pdftest.Line("F1", 10, 72, 700, "kept") + "BT /F1 10 Tf 72 600 Td (open string Tj ET\n", false, "kept", false},
		{"broken flate stream", pdftest.Line("F1", 10, 72, 700, "lost"), true, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := pdftest.Doc{
				Fonts: []pdftest.Font{courier},
				Pages: []string{
					pdftest.Line("F1", 10, 72, 700, "good page"),
					tt.content,
					pdftest.Line("F1", 10, 72, 700, "after"),
				},
				Compress: tt.corrupt,
			}.Bytes()
			if tt.corrupt {
				// The second stream in the file is page 2's content.
				marker := ">>\nstream\n"
				first := strings.Index(string(data), marker)
				second := first + len(marker) + strings.Index(string(data[first+len(marker):]), marker)
				copy(data[second+len(marker):], "XX")
			}
			doc := parseBytes(t, data)
			if !strings.Contains(pageText(doc, 1), "good page") || !strings.Contains(pageText(doc, 3), "after") {
				t.Errorf("got text %q, want pages 1 and 3", doc.Text)
			}
			if !strings.Contains(pageText(doc, 2), tt.kept) {
				t.Errorf("page 2: got %q, want the text drawn before the fault, %q", pageText(doc, 2), tt.kept)
			}
			if got := len(doc.Warnings) == 1 && strings.HasPrefix(doc.Warnings[0], "page 2: content could not be read"); got != tt.warning {
				t.Errorf("got warnings %q, want a page 2 warning: %v", doc.Warnings, tt.warning)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"zero", Config{}, true},
		{"set", Config{Timeout: time.Second, MaxPages: 5}, true},
		{"negative timeout", Config{Timeout: -1}, false},
		{"negative pages", Config{MaxPages: -1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if (err == nil) != tt.ok {
				t.Errorf("got %v, want ok=%v", err, tt.ok)
			}
		})
	}
	_, err := Parse(context.Background(), "a.pdf", []byte("%PDF-1.4\n"), Config{MaxPages: -1})
	var e *Error
	if !errors.As(err, &e) || e.Reason() != ReasonInvalidConfig {
		t.Errorf("got %v, want reason %s", err, ReasonInvalidConfig)
	}
	if d := (Config{}).withDefaults(); d.Timeout != DefaultTimeout || d.MaxPages != DefaultMaxPages {
		t.Errorf("got defaults %+v", d)
	}
}

func TestParseContentBomb(t *testing.T) {
	bomb := strings.Repeat("1 ", maxContentBytes/2+1)
	data := pdftest.Doc{
		Fonts:    []pdftest.Font{courier},
		Pages:    []string{bomb, pdftest.Line("F1", 10, 72, 700, "next page")},
		Compress: true,
	}.Bytes()
	if len(data) > 1<<20 {
		t.Fatalf("compressed bomb is %d bytes; the test wants a small file", len(data))
	}
	doc := parseBytes(t, data)
	if len(doc.Warnings) != 1 || !strings.Contains(doc.Warnings[0], "page 1: content could not be read") {
		t.Errorf("got warnings %q, want one for page 1", doc.Warnings)
	}
	if got := pageText(doc, 2); got != "next page\n" {
		t.Errorf("page 2: got %q, want %q", got, "next page\n")
	}
}
