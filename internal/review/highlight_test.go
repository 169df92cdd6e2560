package review

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/finx-dev/finx/schemas"
)

func riskAt(id string, text string, start, end int) Item {
	return Item{Kind: schemas.KindRisk, DocID: testDocID, Risk: &schemas.Risk{ID: id, Heading: "h" + id,
		Citation: schemas.Citation{Quote: text[start:end], Start: start, End: end}}}
}

// wellFormed reports whether the fragment parses as XML, which holds for
// properly nested marks and escaped text.
func wellFormed(fragment string) error {
	dec := xml.NewDecoder(strings.NewReader("<root>" + fragment + "</root>"))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func TestHighlightSpans(t *testing.T) {
	const text = "0123456789abcdefghij"
	for _, tc := range []struct {
		name      string
		items     []Item
		wantMarks int
		wantText  string
		clipped   int
	}{
		{"disjoint", []Item{riskAt("a", text, 0, 3), riskAt("b", text, 5, 8)}, 2, text, 0},
		{"nested", []Item{riskAt("a", text, 0, 10), riskAt("b", text, 2, 4)}, 2, text, 0},
		{"same span", []Item{riskAt("a", text, 2, 6), riskAt("b", text, 2, 6)}, 2, text, 0},
		{"partial overlap", []Item{riskAt("a", text, 0, 6), riskAt("b", text, 4, 12)}, 2, text, 1},
		{"touching", []Item{riskAt("a", text, 0, 5), riskAt("b", text, 5, 9)}, 2, text, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			placed, missing := placeCitations(text, tc.items)
			if len(missing) != 0 {
				t.Fatalf("got %d unplaced items, want 0: %+v", len(missing), missing)
			}
			out := string(highlight(text, nil, placed))
			if got := strings.Count(out, "<mark "); got != tc.wantMarks {
				t.Errorf("got %d marks, want %d: %s", got, tc.wantMarks, out)
			}
			if got := strings.Count(out, " clipped"); got != tc.clipped {
				t.Errorf("got %d clipped marks, want %d: %s", got, tc.clipped, out)
			}
			if err := wellFormed(out); err != nil {
				t.Errorf("marks do not nest: %v: %s", err, out)
			}
			plain := regexpTags.ReplaceAllString(out, "")
			if plain != tc.wantText {
				t.Errorf("got text %q without tags, want %q", plain, tc.wantText)
			}
		})
	}
}

func TestPlaceCitationsRejectsBadSpans(t *testing.T) {
	const text = "Net sales were €12 million."
	euro := strings.Index(text, "€")
	for _, tc := range []struct {
		name string
		item Item
	}{
		{"past the end", Item{Kind: schemas.KindRisk, Risk: &schemas.Risk{ID: "a", Citation: schemas.Citation{Quote: "x", Start: 20, End: 99}}}},
		{"empty span", Item{Kind: schemas.KindRisk, Risk: &schemas.Risk{ID: "a", Citation: schemas.Citation{Quote: "", Start: 3, End: 3}}}},
		{"negative start", Item{Kind: schemas.KindRisk, Risk: &schemas.Risk{ID: "a", Citation: schemas.Citation{Quote: "N", Start: -1, End: 1}}}},
		{"quote differs", Item{Kind: schemas.KindRisk, Risk: &schemas.Risk{ID: "a", Citation: schemas.Citation{Quote: "Gross", Start: 0, End: 5}}}},
		{"splits a character", Item{Kind: schemas.KindRisk, Risk: &schemas.Risk{ID: "a", Citation: schemas.Citation{Quote: text[euro+1 : euro+5], Start: euro + 1, End: euro + 5}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			placed, missing := placeCitations(text, []Item{tc.item})
			if len(placed) != 0 || len(missing) != 1 {
				t.Errorf("got %d placed and %d unplaced, want 0 and 1", len(placed), len(missing))
			}
		})
	}
}

func TestHighlightPages(t *testing.T) {
	text := "page one text\fpage two text\f"
	pages := []schemas.Page{{Number: 1, Start: 0, End: 14}, {Number: 2, Start: 14, End: 28}, {Number: 3, Start: 28, End: 28}}
	items := []Item{riskAt("a", text, 14, 22)}
	placed, _ := placeCitations(text, items)
	out := string(highlight(text, pages, placed))
	for _, want := range []string{`id="page-1"`, `id="page-2"`, `id="page-3"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s: %s", want, out)
		}
	}
	if strings.Contains(out, "\f") {
		t.Errorf("output keeps a form feed: %q", out)
	}
	if i, j := strings.Index(out, `id="page-2"`), strings.Index(out, "<mark "); i > j {
		t.Errorf("page 2 marker after the mark that starts on page 2: %s", out)
	}
	if err := wellFormed(out); err != nil {
		t.Errorf("output not well formed: %v", err)
	}
}
