package eval

import (
	"fmt"
	"sort"
	"strings"

	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/schemas"
)

// Score is the evaluation of one kind over a set of documents.
type Score struct {
	// Gold counts gold rows; Found those that some item matches, and
	// AcceptedFound those that an accepted item matches.
	Gold           int     `json:"gold"`
	Found          int     `json:"found"`
	Recall         float64 `json:"recall"`
	AcceptedFound  int     `json:"accepted_found"`
	AcceptedRecall float64 `json:"accepted_recall"`
	// OnGoldPage counts the found rows whose matching citation is on the
	// gold row's own page rather than another page with the same figure.
	// Rows outside PDFs always count.
	OnGoldPage int `json:"found_on_gold_page"`
	// Items counts the extracted items of the kind, Accepted those accepted.
	Items    int `json:"items"`
	Accepted int `json:"accepted"`
	// Verified counts accepted items whose citation checks out against the
	// parsed text: the quote equals the text at its offsets, the match is
	// exact, and a PDF citation names the page of its start.
	Verified              int     `json:"verified"`
	VerifiedCitationShare float64 `json:"verified_citation_share"`
	// XBRLAccepted counts the accepted numbers of documents that carry
	// inline XBRL facts. XBRLAgree counts those that agree with a fact:
	// read from a fact (FromXBRL of them), or read from a table or text and
	// equal to the fact of the same metric and period. XBRLAgreeShare is
	// XBRLAgree / XBRLAccepted; the rest had no fact to compare with.
	// XBRLDisagree counts the numbers of any status that differ from their
	// fact, which the passes hold for review.
	XBRLAccepted   int     `json:"xbrl_accepted,omitempty"`
	XBRLAgree      int     `json:"xbrl_agree,omitempty"`
	FromXBRL       int     `json:"from_xbrl,omitempty"`
	XBRLAgreeShare float64 `json:"xbrl_agree_share,omitempty"`
	XBRLDisagree   int     `json:"xbrl_disagree,omitempty"`
	// NotInGold counts items of documents with gold rows of the kind that
	// match no gold row. They are listed, not counted as errors, because
	// the gold rows are a sample.
	NotInGold int `json:"not_in_gold"`
}

func (s *Score) finish() {
	s.Recall = ratio(s.Found, s.Gold)
	s.AcceptedRecall = ratio(s.AcceptedFound, s.Gold)
	s.VerifiedCitationShare = ratio(s.Verified, s.Accepted)
	s.XBRLAgreeShare = ratio(s.XBRLAgree, s.XBRLAccepted)
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// Report is the evaluation of a set of documents against gold rows.
type Report struct {
	Documents int `json:"documents"`
	// Kinds maps each gold kind (number, risk, guidance) to its score.
	Kinds map[string]*Score `json:"kinds"`
	// ByForm maps a form class (10-K, 10-Q, 8-K/EX-99, other) and ByMedia a
	// media class (pdf, html, text) to the scores of their documents.
	ByForm  map[string]map[string]*Score `json:"by_form"`
	ByMedia map[string]map[string]*Score `json:"by_media"`
	// Missed lists the gold rows that no item matches.
	Missed []Gold `json:"missed"`
	// NotInGold lists the items that match no gold row, in documents with
	// gold rows of their kind.
	NotInGold []Item `json:"not_in_gold"`
}

// FormClass returns the form class of a filing's form: 10-K, 10-Q,
// 8-K/EX-99 (an 8-K or its EX-99 exhibit, such as an earnings release), or
// other when the form is unknown.
func FormClass(form string) string {
	switch passes.FormFamily(form) {
	case "10-K":
		return "10-K"
	case "10-Q":
		return "10-Q"
	case "8-K":
		return "8-K/EX-99"
	}
	return "other"
}

// MediaClass returns pdf, html (with inline XBRL) or text for a media type.
func MediaClass(mediaType string) string {
	switch mediaType {
	case schemas.MediaPDF:
		return "pdf"
	case schemas.MediaHTML, schemas.MediaIXBRL:
		return "html"
	case schemas.MediaText:
		return "text"
	}
	return "other"
}

// Evaluate scores docs against the gold rows. A gold row whose file has no
// Doc counts as missed. Form and media classes come from each result's
// filing.
func Evaluate(gold []Gold, docs []*Doc) *Report {
	rep := &Report{
		Documents: len(docs),
		Kinds:     map[string]*Score{},
		ByForm:    map[string]map[string]*Score{},
		ByMedia:   map[string]map[string]*Score{},
	}
	for _, k := range GoldKinds {
		rep.Kinds[k] = &Score{}
	}
	byFile := map[string]*Doc{}
	for _, d := range docs {
		byFile[d.File] = d
	}
	scores := func(d *Doc, kind string) []*Score {
		out := []*Score{rep.Kinds[kind]}
		if d == nil || d.Result == nil {
			return out
		}
		for _, m := range []struct {
			to  map[string]map[string]*Score
			key string
		}{
			{rep.ByForm, FormClass(d.Result.Filing.Form)},
			{rep.ByMedia, MediaClass(d.Result.Filing.MediaType)},
		} {
			if m.to[m.key] == nil {
				m.to[m.key] = map[string]*Score{}
			}
			if m.to[m.key][kind] == nil {
				m.to[m.key][kind] = &Score{}
			}
			out = append(out, m.to[m.key][kind])
		}
		return out
	}

	goldKinds := map[string]map[string]bool{}
	for _, g := range gold {
		if goldKinds[g.File] == nil {
			goldKinds[g.File] = map[string]bool{}
		}
		goldKinds[g.File][g.Kind] = true
		if rep.Kinds[g.Kind] == nil {
			rep.Kinds[g.Kind] = &Score{}
		}
		d := byFile[g.File]
		found, accepted, onPage := d.Match(g)
		for _, s := range scores(d, g.Kind) {
			s.Gold++
			if found {
				s.Found++
			}
			if onPage {
				s.OnGoldPage++
			}
			if accepted {
				s.AcceptedFound++
			}
		}
		if !found {
			rep.Missed = append(rep.Missed, g)
		}
	}

	for _, d := range docs {
		if d.Result == nil {
			continue
		}
		for _, it := range d.items() {
			for _, s := range scores(d, it.gold) {
				s.count(it, d.HasFacts)
			}
			if !goldKinds[d.File][it.gold] || it.matched(gold, d) {
				continue
			}
			for _, s := range scores(d, it.gold) {
				s.NotInGold++
			}
			rep.NotInGold = append(rep.NotInGold, it.Item)
		}
	}

	for _, s := range rep.Kinds {
		s.finish()
	}
	for _, m := range []map[string]map[string]*Score{rep.ByForm, rep.ByMedia} {
		for _, byKind := range m {
			for _, s := range byKind {
				s.finish()
			}
		}
	}
	sort.SliceStable(rep.NotInGold, func(i, j int) bool {
		a, b := rep.NotInGold[i], rep.NotInGold[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Kind < b.Kind
	})
	return rep
}

func (s *Score) count(it scoredItem, hasFacts bool) {
	s.Items++
	if it.xbrl == "disagree" {
		s.XBRLDisagree++
	}
	if it.status != schemas.StatusAccepted {
		return
	}
	s.Accepted++
	if it.verified {
		s.Verified++
	}
	if !hasFacts || it.gold != GoldNumber {
		return
	}
	s.XBRLAccepted++
	switch {
	case it.fromXBRL:
		s.FromXBRL++
		s.XBRLAgree++
	case it.xbrl == "agree":
		s.XBRLAgree++
	}
}

// scoredItem is an extracted item with what Evaluate needs to know of it.
type scoredItem struct {
	Item
	// gold is the gold kind of the item: number for metrics.
	gold     string
	status   string
	verified bool
	xbrl     string
	fromXBRL bool
	// single is a result holding this item alone, for matching.
	single *schemas.Result
}

func (it scoredItem) matched(gold []Gold, d *Doc) bool {
	if d.spans == nil {
		d.spans = map[string][][2]int{}
	}
	one := &Doc{File: d.File, Result: it.single, Text: d.Text, PageOf: d.PageOf, spans: d.spans}
	for _, g := range gold {
		if g.File != d.File || g.Kind != it.gold {
			continue
		}
		if found, _, _ := one.Match(g); found {
			return true
		}
	}
	return false
}

func (d *Doc) items() []scoredItem {
	res := d.Result
	var out []scoredItem
	for _, r := range res.Risks {
		out = append(out, scoredItem{
			Item:     Item{File: d.File, Kind: "risk", ID: r.ID, Status: r.Status, Summary: "risk heading", Quote: r.Heading},
			gold:     GoldRisk,
			status:   r.Status,
			verified: d.verified(r.Citation),
			single:   &schemas.Result{Risks: []schemas.Risk{r}},
		})
	}
	for _, m := range res.Metrics {
		out = append(out, scoredItem{
			Item:     Item{File: d.File, Kind: "metric", ID: m.ID, Status: m.Status, Summary: fmt.Sprintf("%s %s=%s %s %s end %s", m.Source, m.Metric, m.Value, m.Unit, m.PeriodType, m.PeriodEnd), Quote: m.Citation.Quote, Source: m.Source},
			gold:     GoldNumber,
			status:   m.Status,
			verified: d.verified(m.Citation),
			xbrl:     m.XBRLCheck,
			fromXBRL: m.Source == "ixbrl",
			single:   &schemas.Result{Metrics: []schemas.Metric{m}},
		})
	}
	for _, g := range res.Guidance {
		out = append(out, scoredItem{
			Item:     Item{File: d.File, Kind: "guidance", ID: g.ID, Status: g.Status, Summary: fmt.Sprintf("%s %q %s..%s e%d %s %s", g.Metric, g.Period, g.Low, g.High, g.Scale, g.Unit, g.Direction), Quote: g.Citation.Quote},
			gold:     GoldGuidance,
			status:   g.Status,
			verified: d.verified(g.Citation),
			single:   &schemas.Result{Guidance: []schemas.Guidance{g}},
		})
	}
	return out
}

// verified reports whether a citation checks out against the parsed text.
// Without the text, nothing can be checked and it reports false.
func (d *Doc) verified(c schemas.Citation) bool {
	if d.Text == "" || c.Start < 0 || c.End > len(d.Text) || c.Start >= c.End {
		return false
	}
	if d.Text[c.Start:c.End] != c.Quote || c.Match != schemas.MatchExact {
		return false
	}
	if d.PageOf != nil && c.Page != d.PageOf(c.Start) {
		return false
	}
	return strings.TrimSpace(c.Quote) != ""
}
