package sections

import (
	"strings"
	"testing"

	"github.com/finx-dev/finx/schemas"
)

const body = "This paragraph is body text that runs long enough to count as the content of a section, " +
	"because a real item holds paragraphs of prose and not a page number or another heading. " +
	"It goes on for a few sentences so that the section is longer than the minimum body length. " +
	"One more sentence makes sure of it, and then another one follows to be safe about the limit.\n"

func TestFindAnnualReport(t *testing.T) {
	text := "FORM 10-K\nTABLE OF CONTENTS\n" +
		"Item 1.\tBusiness\t3\n" +
		"Item 1A.\tRisk Factors\t5\n" +
		"Item 7.\tManagement’s Discussion and Analysis\t20\n" +
		"PART I\n" +
		"Item 1. Business\n" + body +
		"See Item 1A, “Risk Factors,” for more.\n" +
		"Item 1A. Risk Factors\n" + body + body +
		"ITEM 7. MANAGEMENT’S DISCUSSION AND ANALYSIS\n" + body
	doc := &schemas.Document{Filing: schemas.Filing{Form: "10-K"}, Text: text}
	got := Find(doc)
	want := []struct{ id, heading string }{
		{"item_1", "Item 1. Business"},
		{"item_1a", "Item 1A. Risk Factors"},
		{"item_7", "ITEM 7. MANAGEMENT’S"},
	}
	if len(got) != len(want) {
		t.Fatalf("sections: got %+v, want %d", got, len(want))
	}
	for i, w := range want {
		if got[i].ID != w.id {
			t.Errorf("section %d ID: got %q, want %q", i, got[i].ID, w.id)
		}
		if !strings.HasPrefix(text[got[i].Start:], w.heading) {
			t.Errorf("section %s starts at %q, want %q", w.id, text[got[i].Start:min(got[i].Start+30, len(text))], w.heading)
		}
		if i+1 < len(got) && got[i].End != got[i+1].Start {
			t.Errorf("section %s ends at %d, want the next start %d", w.id, got[i].End, got[i+1].Start)
		}
	}
	if got[len(got)-1].End != len(text) {
		t.Errorf("last section end: got %d, want %d", got[len(got)-1].End, len(text))
	}
	if got[1].Title != "Item 1A. Risk Factors" {
		t.Errorf("title: got %q", got[1].Title)
	}
}

func TestFindRepeatedHeadingLastWins(t *testing.T) {
	// The first "ITEM 1A." is followed by a short line and then the real
	// section heading repeats with a body: the later one wins.
	text := "ITEM 1. BUSINESS\n" + body +
		"ITEM 1A.\nRISK FACTORS\nSee below.\n" +
		"ITEM 1B. UNRESOLVED STAFF COMMENTS\nNone.\n" +
		"ITEM 1A. RISK FACTORS\n" + body + body
	got := Find(&schemas.Document{Text: text})
	var item1a *schemas.Section
	for i := range got {
		if got[i].ID == "item_1a" {
			item1a = &got[i]
		}
	}
	if item1a == nil {
		t.Fatalf("no item_1a in %+v", got)
	}
	if want := strings.LastIndex(text, "ITEM 1A."); item1a.Start != want {
		t.Errorf("item_1a start: got %d, want %d", item1a.Start, want)
	}
}

func TestFindQuarterlyParts(t *testing.T) {
	text := "QUARTERLY REPORT PURSUANT TO SECTION 13\nFORM 10-Q\n" +
		"PART I. FINANCIAL INFORMATION\n" +
		"Item 1. Financial Statements\n" + body +
		"Item 2. Management’s Discussion and Analysis\n" + body +
		"PART II — OTHER INFORMATION\n" +
		"Item 1. Legal Proceedings\n" + body +
		"Item 1A. Risk Factors\n" + body
	got := Find(&schemas.Document{Text: text})
	var ids []string
	for _, s := range got {
		ids = append(ids, s.ID)
	}
	want := "part1_item_1 part1_item_2 part2_item_1 part2_item_1a"
	if strings.Join(ids, " ") != want {
		t.Errorf("IDs: got %q, want %q", strings.Join(ids, " "), want)
	}
}

func TestFindEarningsRelease(t *testing.T) {
	text := "Acme Reports Results; Raises Full-Year\nGuidance\nShort line\n" +
		"Acme reported net sales of $10 million for the quarter, up from last year.\n" +
		"Fiscal 2027 Outlook\n" +
		"For fiscal 2027, the Company now expects net sales of $50 million to $52 million.\n" +
		"Conference Call\nThe call starts at 5 p.m.\n" +
		"Condensed Consolidated Statements of Income\n(in millions)\nNet sales\t10\t9\n"
	doc := &schemas.Document{Text: text, Pages: []schemas.Page{{Number: 1, Start: 0, End: 100, HasText: true}, {Number: 2, Start: 100, End: len(text), HasText: true}}}
	got := Find(doc)
	if len(got) != 2 {
		t.Fatalf("sections: got %+v, want outlook and financial_statements", got)
	}
	ol, fs := got[0], got[1]
	if ol.ID != IDOutlook || !strings.HasPrefix(text[ol.Start:], "Fiscal 2027 Outlook") {
		t.Errorf("outlook: got %+v", ol)
	}
	if !strings.HasPrefix(text[ol.End:], "Conference Call") {
		t.Errorf("outlook end: got %q, want the conference call heading", text[ol.End:min(ol.End+20, len(text))])
	}
	if ol.Page != doc.PageAt(ol.Start) || ol.Page == 0 {
		t.Errorf("outlook page: got %d, want %d", ol.Page, doc.PageAt(ol.Start))
	}
	if fs.ID != IDFinancialStatements || !strings.HasPrefix(text[fs.Start:], "Condensed Consolidated Statements of Income") || fs.End != len(text) {
		t.Errorf("financial statements: got %+v", fs)
	}
}

func TestFindEmpty(t *testing.T) {
	if got := Find(nil); got != nil {
		t.Errorf("Find(nil): got %v, want nil", got)
	}
	if got := Find(&schemas.Document{Text: "no headings here\n"}); len(got) != 0 {
		t.Errorf("Find without headings: got %v, want none", got)
	}
}

func TestFindShortItemAfterTOC(t *testing.T) {
	text := "Item 5.\tMarket\t20\nItem 6.\t[Reserved]\t21\nItem 7.\tMD&A\t22\n" +
		"Item 5. Market for Common Equity\n" + body + body +
		"Item 6. [Reserved]\n" +
		"Item 7. Management’s Discussion and Analysis\n" + body
	got := Find(&schemas.Document{Text: text})
	var ids []string
	for _, s := range got {
		ids = append(ids, s.ID)
	}
	if strings.Join(ids, " ") != "item_5 item_6 item_7" {
		t.Fatalf("IDs: got %q, want item_5 item_6 item_7", strings.Join(ids, " "))
	}
	if want := strings.Index(text, "Item 6. [Reserved]"); got[1].Start != want {
		t.Errorf("item_6 start: got %d, want %d (after the table of contents)", got[1].Start, want)
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		form string
		text string
		want []string
	}{
		{
			name: "annual report with both items",
			form: "10-K",
			text: "Item 1A. Risk Factors\n" + body + "Item 7. Management’s Discussion and Analysis\n" + body,
		},
		{
			name: "annual report without risk factors",
			form: "10-K",
			text: "Item 1. Business\n" + body + "Item 7. Management’s Discussion and Analysis\n" + body,
			want: []string{"sections: the 10-K has no Item 1A (Risk Factors)"},
		},
		{
			name: "risk factors not applicable",
			form: "10-K",
			text: "Item 1. Business\n" + body + "Item 1A. Risk Factors\nNot applicable.\n" + "Item 7. Management’s Discussion and Analysis\n" + body,
		},
		{
			name: "empty MD&A",
			form: "10-K",
			text: "Item 1A. Risk Factors\n" + body + "Item 7. Management’s Discussion and Analysis\nSee page 40.\n",
			want: []string{"sections: the 10-K Item 7 (Management's Discussion and Analysis) is empty"},
		},
		{
			name: "quarterly report without Part II Item 1A",
			form: "10-Q",
			text: "PART I\nItem 2. Management’s Discussion and Analysis\n" + body + "PART II\nItem 1. Legal Proceedings\n" + body,
			want: []string{"sections: the 10-Q has no Part II Item 1A (Risk Factors)"},
		},
		{
			name: "earnings release is not checked",
			form: "8-K",
			text: "Outlook\n" + body,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := &schemas.Document{Filing: schemas.Filing{Form: tt.form}, Text: tt.text}
			got := Check(doc, Find(doc))
			if len(got) != len(tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("warning %d: got %q, want prefix %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestFindCombinedItems(t *testing.T) {
	text := "Items 1 and 2. Business and Properties\n" + body +
		"Item 1A. Risk Factors\n" + body +
		"Items 7 & 7A. Management’s Discussion and Analysis and Market Risk\n" + body
	doc := &schemas.Document{Filing: schemas.Filing{Form: "10-K"}, Text: text}
	got := Find(doc)
	byID := map[string]schemas.Section{}
	for _, s := range got {
		byID[s.ID] = s
	}
	for _, pair := range [][2]string{{"item_1", "item_2"}, {"item_7", "item_7a"}} {
		a, okA := byID[pair[0]]
		b, okB := byID[pair[1]]
		if !okA || !okB {
			t.Fatalf("got sections %+v, want %s and %s", got, pair[0], pair[1])
		}
		if a.Start != b.Start || a.End != b.End {
			t.Errorf("%s %d-%d and %s %d-%d: want the same span", pair[0], a.Start, a.End, pair[1], b.Start, b.End)
		}
		if a.End <= a.Start {
			t.Errorf("%s is empty: %d-%d", pair[0], a.Start, a.End)
		}
	}
	if want := strings.Index(text, "Item 1A."); byID["item_1"].End != want {
		t.Errorf("item_1 end: got %d, want %d", byID["item_1"].End, want)
	}
}

func TestFindKeepsDocumentSections(t *testing.T) {
	text := "FORM 8-K\nItem 2.02 Results of Operations\n" + body + "Press release\n" + body
	press := strings.Index(text, "Press release")
	doc := &schemas.Document{Filing: schemas.Filing{Form: "8-K"}, Text: text, Sections: []schemas.Section{
		{ID: "document_8_k", Title: "8-K", Start: 0, End: press},
		{ID: "document_ex_99_1", Title: "EX-99.1", Start: press, End: len(text)},
		{ID: "item_7", Title: "stale", Start: 0, End: 1},
	}}
	got := Find(doc)
	ids := map[string]bool{}
	for _, s := range got {
		ids[s.ID] = true
	}
	for _, id := range []string{"document_8_k", "document_ex_99_1", "item_2_02"} {
		if !ids[id] {
			t.Errorf("got %+v, want a section %s", got, id)
		}
	}
	if ids["item_7"] {
		t.Errorf("got %+v, want the stale item_7 dropped", got)
	}
}
