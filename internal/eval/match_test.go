package eval

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/finx-dev/finx/schemas"
)

func num(s string) *json.Number { n := json.Number(s); return &n }
func page(n int) *int           { return &n }

const matchText = "Net sales were $1,234.5 million.\nCapital expenditures\t(87)\nFor fiscal 2026 we expect EPS of $2.10 to $2.20.\nRisks Related to Our Supply Chain\nWe depend on a few suppliers of widget parts."

func cite(quote string, pg int) schemas.Citation {
	i := strings.Index(matchText, quote)
	return schemas.Citation{Quote: quote, Start: i, End: i + len(quote), Page: pg, Match: schemas.MatchExact}
}

func matchDoc(res *schemas.Result) *Doc {
	return &Doc{File: "f", Result: res, Text: matchText}
}

func TestMatchNumber(t *testing.T) {
	sales := schemas.Metric{Value: "1234500000", Display: "1,234.5", Citation: cite("$1,234.5 million", 0), Status: schemas.StatusAccepted}
	capex := schemas.Metric{Value: "-87000000", Display: "(87)", Citation: cite("(87)", 0), Status: schemas.StatusNeedsReview}
	cases := []struct {
		name            string
		g               Gold
		m               schemas.Metric
		found, accepted bool
	}{
		{"same base value, overlapping quote", Gold{Kind: "number", Quote: "Net sales were $1,234.5", ValueBase: "1234500000"}, sales, true, true},
		{"value as 1234.50e6", Gold{Kind: "number", Quote: "1,234.5", ValueBase: "1234500000.00"}, sales, true, true},
		{"other value", Gold{Kind: "number", Quote: "1,234.5", ValueBase: "1234500"}, sales, false, false},
		{"quote elsewhere", Gold{Kind: "number", Quote: "Capital expenditures", ValueBase: "1234500000"}, sales, false, false},
		{"magnitude for parentheses", Gold{Kind: "number", Quote: "(87)", ValueBase: "87000000"}, capex, true, false},
		{"value from value and scale", Gold{Kind: "number", Quote: "1,234.5", Value: num("1234.5"), Scale: 6}, sales, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			found, accepted, _ := matchDoc(&schemas.Result{Metrics: []schemas.Metric{c.m}}).Match(c.g)
			if found != c.found || accepted != c.accepted {
				t.Errorf("got found %v accepted %v, want %v %v", found, accepted, c.found, c.accepted)
			}
		})
	}
}

func TestMatchSignMatters(t *testing.T) {
	m := schemas.Metric{Value: "-5000000", Display: "5.0", Citation: cite("$1,234.5 million", 0)}
	g := Gold{Kind: "number", Quote: "1,234.5", ValueBase: "5000000"}
	if found, _, _ := matchDoc(&schemas.Result{Metrics: []schemas.Metric{m}}).Match(g); found {
		t.Error("negative item printed without parentheses matched a positive gold value, want no match")
	}
}

func TestMatchPDFPage(t *testing.T) {
	m := schemas.Metric{Value: "1234500000", Display: "1,234.5", Citation: cite("$1,234.5 million", 7), Status: schemas.StatusAccepted}
	cases := []struct {
		name              string
		g                 Gold
		found, onGoldPage bool
	}{
		{"gold page", Gold{Kind: "number", Quote: "no overlap needed", ValueBase: "1234500000", Page: page(7)}, true, true},
		{"listed other page", Gold{Kind: "number", Quote: "x", ValueBase: "1234500000", Page: page(9), AlsoOnPages: []int{3, 7}}, true, false},
		{"other page", Gold{Kind: "number", Quote: "1,234.5", ValueBase: "1234500000", Page: page(9)}, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			found, _, onPage := matchDoc(&schemas.Result{Metrics: []schemas.Metric{m}}).Match(c.g)
			if found != c.found || onPage != c.onGoldPage {
				t.Errorf("got found %v on gold page %v, want %v %v", found, onPage, c.found, c.onGoldPage)
			}
		})
	}
}

func TestMatchGuidance(t *testing.T) {
	g := schemas.Guidance{Low: "2.10", High: "2.20", Scale: 0, Citation: cite("EPS of $2.10 to $2.20", 0), Status: schemas.StatusAccepted}
	cents := schemas.Guidance{Low: "210", High: "220", Scale: -2, Citation: cite("EPS of $2.10 to $2.20", 0)}
	cases := []struct {
		name  string
		gold  Gold
		item  schemas.Guidance
		found bool
	}{
		{"both ends", Gold{Kind: "guidance", Quote: "we expect EPS of $2.10", LowBase: "2.1", HighBase: "2.2"}, g, true},
		{"cents scale", Gold{Kind: "guidance", Quote: "$2.10 to $2.20", LowBase: "2.10", HighBase: "2.20"}, cents, true},
		{"one end differs", Gold{Kind: "guidance", Quote: "$2.10 to $2.20", LowBase: "2.10", HighBase: "2.30"}, g, false},
		{"no overlap", Gold{Kind: "guidance", Quote: "Net sales were", LowBase: "2.10", HighBase: "2.20"}, g, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			found, _, _ := matchDoc(&schemas.Result{Guidance: []schemas.Guidance{c.item}}).Match(c.gold)
			if found != c.found {
				t.Errorf("got %v, want %v", found, c.found)
			}
		})
	}
}

func TestMatchRisk(t *testing.T) {
	cases := []struct {
		name    string
		quote   string
		heading string
		found   bool
	}{
		{"heading contains quote", "We depend on a few suppliers", "We depend on a few suppliers of widget parts.", true},
		{"quote contains heading", "We depend on a few suppliers of widget parts. If any fails, we stop.", "We depend on a few suppliers of widget parts.", true},
		{"punctuation and case", "we depend on a few suppliers — of widget parts", "We depend on a few suppliers of widget parts.", true},
		{"joined sentences in a PDF", "We depend on a few suppliers of widget parts.", "We depend on a few suppliers of widget parts.If any fails", true},
		{"short heading inside a quote", "Risks Related to Our Supply Chain and more", "Supply Chain", false},
		{"different", "Cyberattacks could harm us.", "We depend on a few suppliers of widget parts.", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := schemas.Risk{Heading: c.heading, Citation: schemas.Citation{Quote: c.heading}}
			found, _, _ := matchDoc(&schemas.Result{Risks: []schemas.Risk{r}}).Match(Gold{Kind: "risk", Quote: c.quote})
			if found != c.found {
				t.Errorf("got %v, want %v", found, c.found)
			}
		})
	}
}

func TestEvaluateReport(t *testing.T) {
	text := matchText
	res := &schemas.Result{
		Filing: schemas.Filing{Form: "10-K", MediaType: schemas.MediaHTML},
		Metrics: []schemas.Metric{
			{ID: "m1", Value: "1234500000", Display: "1,234.5", Citation: cite("$1,234.5 million", 0), Status: schemas.StatusAccepted, Source: "text", XBRLCheck: "agree"},
			// Accepted, but the quote does not equal the text at its offsets.
			{ID: "m2", Value: "87000000", Display: "87", Citation: schemas.Citation{Quote: "(88)", Start: strings.Index(text, "(87)"), End: strings.Index(text, "(87)") + 4, Match: schemas.MatchExact}, Status: schemas.StatusAccepted, Source: "table", XBRLCheck: "disagree"},
		},
	}
	gold := []Gold{
		{File: "f", Kind: "number", Quote: "1,234.5", ValueBase: "1234500000"},
		{File: "f", Kind: "number", Quote: "missing", ValueBase: "1"},
		{File: "absent", Kind: "risk", Quote: "x"},
	}

	rep := Evaluate(gold, []*Doc{{File: "f", Result: res, Text: text, HasFacts: true}})

	n := rep.Kinds[GoldNumber]
	if n.Gold != 2 || n.Found != 1 || n.Recall != 0.5 {
		t.Errorf("number recall: got %d/%d = %.2f, want 1/2 = 0.50", n.Found, n.Gold, n.Recall)
	}
	if n.Accepted != 2 || n.Verified != 1 || n.VerifiedCitationShare != 0.5 {
		t.Errorf("verified: got %d of %d = %.2f, want 1 of 2", n.Verified, n.Accepted, n.VerifiedCitationShare)
	}
	if n.XBRLAccepted != 2 || n.XBRLAgree != 1 || n.XBRLDisagree != 1 || n.XBRLAgreeShare != 0.5 {
		t.Errorf("xbrl: got accepted %d agree %d disagree %d share %.2f, want 2, 1, 1, 0.50", n.XBRLAccepted, n.XBRLAgree, n.XBRLDisagree, n.XBRLAgreeShare)
	}
	if n.NotInGold != 1 || len(rep.NotInGold) != 1 || rep.NotInGold[0].ID != "m2" {
		t.Errorf("not in gold: got %d %+v, want m2 only", n.NotInGold, rep.NotInGold)
	}
	if r := rep.Kinds[GoldRisk]; r.Gold != 1 || r.Found != 0 {
		t.Errorf("risk of an absent file: got %d/%d, want 0/1", r.Found, r.Gold)
	}
	if len(rep.Missed) != 2 {
		t.Errorf("missed: got %d rows, want 2", len(rep.Missed))
	}
	if s := rep.ByForm["10-K"][GoldNumber]; s == nil || s.Gold != 2 {
		t.Errorf("by form 10-K: got %+v, want 2 gold numbers", s)
	}
	if s := rep.ByMedia["html"][GoldNumber]; s == nil || s.Found != 1 {
		t.Errorf("by media html: got %+v, want 1 found", s)
	}
}

func TestFormAndMediaClass(t *testing.T) {
	forms := map[string]string{"10-K": "10-K", "10-K/A": "10-K", "10-Q": "10-Q", "8-K": "8-K/EX-99", "EX-99.1": "8-K/EX-99", "": "other"}
	for form, want := range forms {
		if got := FormClass(form); got != want {
			t.Errorf("FormClass(%q): got %q, want %q", form, got, want)
		}
	}
	media := map[string]string{schemas.MediaPDF: "pdf", schemas.MediaIXBRL: "html", schemas.MediaHTML: "html", schemas.MediaText: "text"}
	for mt, want := range media {
		if got := MediaClass(mt); got != want {
			t.Errorf("MediaClass(%q): got %q, want %q", mt, got, want)
		}
	}
}
