package html

import (
	"context"
	"os"
	"reflect"
	"testing"

	"github.com/finx-dev/finx/extractors/numfmt"
	"github.com/finx-dev/finx/schemas"
)

// cellTexts returns the cell texts of a table, row by row.
func cellTexts(t schemas.Table) [][]string {
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

func TestTablesRowsAndCaption(t *testing.T) {
	cases := []struct {
		name    string
		src     string
		want    [][][]string
		caption []string
	}{
		{
			name: "statement with caption above",
			src: `<p>Income statement</p><p>(In thousands, except per share data)</p>` +
				`<table><tr><th></th><th>2026</th><th>2025</th></tr>` +
				`<tr><td>Revenue</td><td>$&nbsp;1,234</td><td>$&nbsp;1,100</td></tr>` +
				`<tr><td></td><td></td></tr>` +
				`<tr><td>Net loss</td><td>(42)</td><td>&#8212;</td></tr></table>`,
			want:    [][][]string{{{"2026", "2025"}, {"Revenue", "$ 1,234", "$ 1,100"}, {"Net loss", "(42)", "—"}}},
			caption: []string{"(In thousands, except per share data)"},
		},
		{
			name: "caption in first row",
			src: `<table><tr><td>(in millions)</td></tr><tr><td>Cash</td><td>5</td></tr></table>` +
				`<p>after</p>`,
			want:    [][][]string{{{"(in millions)"}, {"Cash", "5"}}},
			caption: []string{"(in millions)"},
		},
		{
			name:    "single cell layout table dropped",
			src:     `<table><tr><td><p>A paragraph in a box.</p></td></tr></table><p>x</p>`,
			want:    nil,
			caption: nil,
		},
		{
			name:    "hidden table dropped",
			src:     `<p>x</p><table style="display:none"><tr><td>a</td><td>b</td></tr></table>`,
			want:    nil,
			caption: nil,
		},
		{
			name:    "hidden row and cell left out",
			src:     `<table><tr hidden><td>a</td><td>b</td></tr><tr><td>c</td><td style="display: none">d</td><td>e</td></tr></table>`,
			want:    [][][]string{{{"c", "e"}}},
			caption: []string{""},
		},
		{
			name: "nested table listed alone",
			src: `<table><tr><td>left</td><td><table><tr><td>a</td><td>1</td></tr><tr><td>b</td><td>2</td></tr></table></td></tr>` +
				`<tr><td>x</td><td>y</td></tr></table>`,
			want:    [][][]string{{{"left"}, {"x", "y"}}, {{"a", "1"}, {"b", "2"}}},
			caption: []string{"", ""},
		},
		{
			name:    "unclosed cells and rows",
			src:     `<table><tr><td>a<td>b<tr><td>c<td>d</table><p>z</p>`,
			want:    [][][]string{{{"a", "b"}, {"c", "d"}}},
			caption: []string{""},
		},
		{
			name:    "cell with blocks and entities",
			src:     `<table><tr><td><div>Total</div><div>assets</div></td><td>R&amp;D</td></tr></table>`,
			want:    [][][]string{{{"Total assets", "R&D"}}},
			caption: []string{""},
		},
		{
			name: "caption not taken from previous table",
			src: `<table><tr><td>(in millions)</td><td>x</td></tr></table>` +
				`<table><tr><td>a</td><td>b</td></tr></table>`,
			want:    [][][]string{{{"(in millions)", "x"}}, {{"a", "b"}}},
			caption: []string{"(in millions)", ""},
		},
		{
			name: "long paragraph above is no caption",
			src: `<p>` + longSentence + ` Amounts are in millions of dollars throughout.</p>` +
				`<table><tr><td>a</td><td>b</td></tr></table>`,
			want:    [][][]string{{{"a", "b"}}},
			caption: []string{""},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := mustParse(t, c.src)
			var got [][][]string
			var captions []string
			for _, tb := range doc.Tables {
				got = append(got, cellTexts(tb))
				captions = append(captions, tb.Caption)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("tables: got %q, want %q", got, c.want)
			}
			if !reflect.DeepEqual(captions, c.caption) {
				t.Errorf("captions: got %q, want %q", captions, c.caption)
			}
		})
	}
}

const longSentence = "This paragraph explains the basis of presentation of the consolidated financial statements " +
	"and the accounting policies that management applied in preparing them for the fiscal year."

func TestTablesFixtureStatement(t *testing.T) {
	data, err := os.ReadFile(fixturePath)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Parse(context.Background(), "acme.htm", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Tables) != 2 {
		t.Fatalf("got %d tables, want 2 (contents and highlights)", len(doc.Tables))
	}
	statement := doc.Tables[1]
	want := [][]string{
		{"Fiscal 2026"},
		{"Net sales", "$ 1,284.6"},
		{"Net loss", "$ (42.3)"},
		{"Diluted net loss per share", "$ (0.57)"},
		{"Cash and cash equivalents, end of year", "$ 18.3"},
		{"Total assets, end of year", "$ 912.4"},
	}
	if got := cellTexts(statement); !reflect.DeepEqual(got, want) {
		t.Errorf("statement rows: got %q, want %q", got, want)
	}
	if got, want := statement.Caption, "(in millions, except per-share amounts)"; got != want {
		t.Errorf("caption: got %q, want %q", got, want)
	}
	if got := doc.Tables[0].Caption; got != "" {
		t.Errorf("contents caption: got %q, want none", got)
	}

	// The revenue fact's printed value lies inside its table cell.
	for _, f := range doc.Facts {
		if f.Concept != "us-gaap:Revenues" {
			continue
		}
		cell := statement.Rows[1].Cells[1]
		if f.Start < cell.Start || f.End > cell.End {
			t.Errorf("fact span [%d,%d) outside cell [%d,%d)", f.Start, f.End, cell.Start, cell.End)
		}
	}
}

func TestHasScaleWord(t *testing.T) {
	cases := []struct {
		text string
		want bool
	}{
		{"(In millions, except per share data)", true},
		{"(IN THOUSANDS)", true},
		{"Dollars in Billions", true},
		{"(000's omitted)", true},
		{"$000", true},
		{"Net sales", false},
		{"Three Months Ended", false},
		{"", false},
	}
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			if got := hasScaleWord([]byte(c.text)); got != c.want {
				t.Errorf("hasScaleWord(%q): got %v, want %v", c.text, got, c.want)
			}
			if _, parsed := numfmt.ParseCaption(c.text); parsed && !c.want {
				t.Errorf("ParseCaption reads %q as a scale, but hasScaleWord would skip it", c.text)
			}
		})
	}
}
