package pdf

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/finx-dev/finx/extractors/pdf/pdftest"
	"github.com/finx-dev/finx/schemas"
)

// checkTables asserts that every table cell's Text is its span of
// Document.Text, that the cells of the document follow each other in text
// order without overlapping, and that each table lies on its page.
func checkTables(t testing.TB, doc *schemas.Document) {
	t.Helper()
	prev := 0
	for i, tb := range doc.Tables {
		if len(tb.Rows) == 0 {
			t.Fatalf("table %d has no rows", i)
		}
		if tb.Start < prev || tb.End < tb.Start || tb.End > len(doc.Text) {
			t.Fatalf("table %d: span [%d,%d) out of order (previous end %d) or outside %d bytes of text", i, tb.Start, tb.End, prev, len(doc.Text))
		}
		if tb.Page < 1 || tb.Page > len(doc.Pages) || doc.PageAt(tb.Start) != tb.Page {
			t.Fatalf("table %d: page %d, but its start is on page %d", i, tb.Page, doc.PageAt(tb.Start))
		}
		if p := doc.Pages[tb.Page-1]; tb.End > p.End {
			t.Fatalf("table %d ends at %d, after its page ends at %d", i, tb.End, p.End)
		}
		for r, row := range tb.Rows {
			if len(row.Cells) == 0 {
				t.Fatalf("table %d row %d has no cells", i, r)
			}
			for c, cell := range row.Cells {
				if cell.Start < prev || cell.End <= cell.Start || cell.Start < tb.Start || cell.End > tb.End {
					t.Fatalf("table %d row %d cell %d: span [%d,%d) out of order (previous end %d) or outside the table [%d,%d)", i, r, c, cell.Start, cell.End, prev, tb.Start, tb.End)
				}
				if got := doc.Text[cell.Start:cell.End]; got != cell.Text {
					t.Fatalf("table %d row %d cell %d: text %q, want Text[%d:%d] = %q", i, r, c, cell.Text, cell.Start, cell.End, got)
				}
				prev = cell.End
			}
		}
	}
}

func tableTexts(t schemas.Table) [][]string {
	var rows [][]string
	for _, r := range t.Rows {
		var cells []string
		for _, c := range r.Cells {
			cells = append(cells, c.Text)
		}
		rows = append(rows, cells)
	}
	return rows
}

func TestTablesFixtureStatement(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "pdf", "quarterly_report.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	doc := parseBytes(t, data)
	checkTables(t, doc)
	if len(doc.Tables) != 1 {
		t.Fatalf("got %d tables, want the income statement only", len(doc.Tables))
	}
	tb := doc.Tables[0]
	want := [][]string{
		{"Q3 2026", "Q3 2025"},
		{"Revenue", "$ 1,184.6", "$ 1,052.3"},
		{"Cost of revenue", "(702.4)", "(641.9)"},
		{"Gross profit", "482.2", "410.4"},
		{"Operating expenses", "(301.7)", "(286.0)"},
		{"Operating income", "180.5", "124.4"},
		{"Income tax expense", "(39.6)", "(27.1)"},
		{"Net income", "$ 140.9", "$ 97.3"},
		{"Diluted earnings per share", "$ 1.12", "$ 0.78"},
	}
	if got := tableTexts(tb); !reflect.DeepEqual(got, want) {
		t.Errorf("rows: got %q, want %q", got, want)
	}
	if tb.Page != 1 {
		t.Errorf("page: got %d, want 1", tb.Page)
	}
	if got, want := tb.Caption, "Condensed Consolidated Statements of Income (in millions, except per share data)"; got != want {
		t.Errorf("caption: got %q, want %q", got, want)
	}
}

func TestTablesFromPositions(t *testing.T) {
	line := pdftest.Line
	tests := []struct {
		name    string
		pages   []string
		want    [][][]string
		caption []string
	}{
		{
			name: "aligned figures with a label row",
			pages: []string{line("F1", 10, 72, 720, "(In thousands)") +
				line("F1", 10, 72, 700, "Current assets:") +
				line("F1", 10, 72, 688, "Cash") + line("F1", 10, 400, 688, "1,200") +
				line("F1", 10, 72, 676, "Receivables") + line("F1", 10, 406, 676, "300") +
				line("F1", 10, 72, 664, "Total") + line("F1", 10, 400, 664, "1,500") +
				line("F1", 10, 72, 640, "Notes follow.")},
			want:    [][][]string{{{"Cash", "1,200"}, {"Receivables", "300"}, {"Total", "1,500"}}},
			caption: []string{"(In thousands)"},
		},
		{
			name: "figures that do not line up",
			pages: []string{line("F1", 10, 72, 700, "Cash") + line("F1", 10, 400, 700, "1,200") +
				line("F1", 10, 72, 688, "Receivables") + line("F1", 10, 200, 688, "300")},
			want:    nil,
			caption: nil,
		},
		{
			name: "prose with word spaces only",
			pages: []string{line("F1", 10, 72, 700, "Revenue grew 12 percent in 2026") +
				line("F1", 10, 72, 688, "and margins rose 3 points.")},
			want:    nil,
			caption: nil,
		},
		{
			name: "one table per page",
			pages: []string{
				line("F1", 10, 72, 700, "A") + line("F1", 10, 400, 700, "1") + line("F1", 10, 72, 688, "B") + line("F1", 10, 400, 688, "2"),
				line("F1", 10, 72, 700, "C") + line("F1", 10, 406, 700, "3") + line("F1", 10, 72, 688, "D") + line("F1", 10, 394, 688, "(4)"),
			},
			want:    [][][]string{{{"A", "1"}, {"B", "2"}}, {{"C", "3"}, {"D", "(4)"}}},
			caption: []string{"", ""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parseBytes(t, pdftest.Doc{Fonts: []pdftest.Font{courier}, Pages: tt.pages}.Bytes())
			checkTables(t, doc)
			var got [][][]string
			var captions []string
			for _, tb := range doc.Tables {
				got = append(got, tableTexts(tb))
				captions = append(captions, tb.Caption)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("tables: got %q, want %q\ntext:\n%s", got, tt.want, doc.Text)
			}
			if !reflect.DeepEqual(captions, tt.caption) {
				t.Errorf("captions: got %q, want %q", captions, tt.caption)
			}
		})
	}
}
