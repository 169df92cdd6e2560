package passes

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/finx-dev/finx/schemas"
)

// Guidance directions, as stored in Guidance.Direction.
const (
	DirectionInitiated   = "initiated"
	DirectionRaised      = "raised"
	DirectionLowered     = "lowered"
	DirectionMaintained  = "maintained"
	DirectionWithdrawn   = "withdrawn"
	DirectionUnspecified = "unspecified"
)

// headingSimilarity is the smallest Dice coefficient of the content words of
// two headings that makes a factor reworded rather than new, and
// minSharedWords the smallest count of content words they share. Swapping
// two of five content words keeps a coefficient of 0.6. Unrelated headings
// seldom share more than one word once the stop words are removed.
const (
	headingSimilarity = 0.6
	minSharedWords    = 2
)

// riskStopWords are dropped before headings are compared, because nearly
// every risk heading uses them.
var riskStopWords = set("a", "an", "the", "and", "or", "of", "in", "on", "to", "for", "with", "by", "as", "at", "from", "our", "we", "us", "its", "it", "is", "are", "be", "been", "could", "may", "might", "can", "will", "would", "adversely", "adverse", "materially", "material", "affect", "affects", "impact", "harm", "negatively", "business", "results", "operations", "financial", "condition", "company", "company's", "that", "which", "if", "any")

// snapshot builds the record of the result that later filings compare with.
func snapshot(doc *schemas.Document, res *schemas.Result) Snapshot {
	s := Snapshot{
		DocID:      doc.DocID,
		Company:    doc.Company,
		CIK:        doc.CIK,
		Form:       doc.Form,
		FilingDate: doc.FilingDate,
		Period:     documentPeriod(doc),
		Risks:      []RiskRecord{},
		Guidance:   []GuidanceRecord{},
	}
	for _, rk := range res.Risks {
		s.Risks = append(s.Risks, RiskRecord{ID: rk.ID, Heading: rk.Heading, BodyHash: bodyHash(doc.Text, rk.BodyStart, rk.BodyEnd)})
	}
	for _, g := range res.Guidance {
		if g.Status != schemas.StatusAccepted || g.Direction == DirectionWithdrawn {
			continue
		}
		s.Guidance = append(s.Guidance, GuidanceRecord{ID: g.ID, Metric: g.Metric, Period: g.Period, Basis: g.Basis, Unit: g.Unit, Low: g.Low, High: g.High, Scale: g.Scale})
	}
	return s
}

// documentPeriod returns the period end that the filer tagged with
// dei:DocumentPeriodEndDate, else the one the cover page states, or "".
func documentPeriod(doc *schemas.Document) string {
	for _, f := range doc.Facts {
		if !strings.EqualFold(f.Concept, "dei:DocumentPeriodEndDate") {
			continue
		}
		if f.Instant != "" {
			return f.Instant
		}
		if f.PeriodEnd != "" {
			return f.PeriodEnd
		}
	}
	return coverPeriod(doc.Text)
}

// coverBytes is how much of the text coverPeriod reads: the cover page of a
// 10-K or 10-Q, or the headline and first paragraph of a release.
const coverBytes = 8000

// coverPeriodRe matches the period a cover page states: "For the fiscal
// year ended December 31, 2024", "for the quarterly period ended June 30,
// 2025".
var coverPeriodRe = regexp.MustCompile(`(?i)\bfor\s+the\s+(?:fiscal\s+)?(?:year|quarter|quarterly\s+period|(?:three|six|nine|twelve)\s+months)\s+ended\s+([a-z]+)\s+(\d{1,2}),?\s+((?:19|20)\d\d)\b`)

var months = map[string]string{
	"january": "01", "february": "02", "march": "03", "april": "04", "may": "05", "june": "06",
	"july": "07", "august": "08", "september": "09", "october": "10", "november": "11", "december": "12",
}

// coverPeriod returns the ISO date of the first period stated near the
// start of text, or "".
func coverPeriod(text string) string {
	m := coverPeriodRe.FindStringSubmatch(text[:min(len(text), coverBytes)])
	if m == nil {
		return ""
	}
	month, ok := months[strings.ToLower(m[1])]
	if !ok {
		return ""
	}
	day := m[2]
	if len(day) == 1 {
		day = "0" + day
	}
	return m[3] + "-" + month + "-" + day
}

// pageFurnitureRe matches the lines that a page break inserts into a risk
// factor's body in PDF text: a page number ("12", "Page 12", "- 12 -") or a
// "Table of Contents" link. They change from one year's filing to the next
// without the factor changing.
var pageFurnitureRe = regexp.MustCompile(`(?im)^[ \t]*(?:(?:page[ \t]+)?-?[ \t]*\d{1,4}[ \t]*-?|table of contents)[ \t]*$`)

// bodyHash returns the hex sha256 of a risk body without page furniture,
// lowercased and with whitespace, quote marks and dashes normalised.
func bodyHash(text string, start, end int) string {
	start, end = clampRange(start, end, len(text))
	body := strings.ReplaceAll(text[start:end], "\f", "\n")
	body = pageFurnitureRe.ReplaceAllString(body, "")
	sum := sha256.Sum256([]byte(keyText(body)))
	return hex.EncodeToString(sum[:])
}

// applyHistory compares res with the company's earlier filings in h and
// records res for later ones. It sets each risk's Change and PreviousID,
// res.RemovedRisks and res.PreviousDocID, and the direction of guidance
// whose direction the document does not state, and turns withdrawals into
// withdrawn items.
func applyHistory(ctx context.Context, h History, doc *schemas.Document, res *schemas.Result, ws []withdrawal) error {
	for i := range res.Risks {
		res.Risks[i].Change = schemas.ChangeUnknown
	}
	directFromStatedPrior(res.Guidance)
	key := CompanyKey(doc.Filing)
	if h == nil || key == "" {
		if len(ws) > 0 {
			res.Warnings = append(res.Warnings, fmt.Sprintf("passes: %d guidance withdrawals dropped: no history of the company's earlier guidance", len(ws)))
		}
		return nil
	}
	// NOTE: the lookup and the record below are two calls, so two filings
	// of one company extracted at the same moment may not see each other.
	all, err := h.Snapshots(ctx, key)
	if err != nil {
		return err
	}
	cur := snapshot(doc, res)
	earlier := earlierSnapshots(all, cur)
	family := FormFamily(doc.Form)
	for _, s := range earlier {
		if FormFamily(s.Form) == family {
			compareRisks(res, cur, s)
			break
		}
	}
	directFromHistory(res.Guidance, earlier)
	res.Warnings = append(res.Warnings, expandWithdrawals(doc, res, ws, earlier)...)
	return h.Record(ctx, cur)
}

// compareRisks matches the risks of res with those of the previous filing
// prev: same heading first, then similar headings, then the same body.
// cur.Risks[i] is the record of res.Risks[i].
func compareRisks(res *schemas.Result, cur, prev Snapshot) {
	res.PreviousDocID = prev.DocID
	if len(res.Risks) == 0 {
		// A document without a risk section (an amendment, a failed parse)
		// cannot show which factors were removed.
		return
	}
	used := make([]bool, len(prev.Risks))
	matched := make([]bool, len(res.Risks))
	byKey := map[string]int{}
	for j, p := range prev.Risks {
		if _, dup := byKey[riskKey(p.Heading)]; !dup {
			byKey[riskKey(p.Heading)] = j
		}
	}
	for i := range res.Risks {
		rk := &res.Risks[i]
		j, ok := byKey[riskKey(rk.Heading)]
		if !ok || used[j] {
			continue
		}
		used[j], matched[i] = true, true
		rk.PreviousID = prev.Risks[j].ID
		rk.Change = schemas.ChangeReworded
		if prev.Risks[j].BodyHash == cur.Risks[i].BodyHash {
			rk.Change = schemas.ChangeUnchanged
		}
	}

	type pair struct {
		i, j  int
		score float64
	}
	var pairs []pair
	for i := range res.Risks {
		if matched[i] {
			continue
		}
		a := contentWords(res.Risks[i].Heading)
		for j := range prev.Risks {
			if used[j] {
				continue
			}
			if score, shared := dice(a, contentWords(prev.Risks[j].Heading)); score >= headingSimilarity && shared >= minSharedWords {
				pairs = append(pairs, pair{i, j, score})
			}
		}
	}
	sort.SliceStable(pairs, func(x, y int) bool { return pairs[x].score > pairs[y].score })
	for _, p := range pairs {
		if matched[p.i] || used[p.j] {
			continue
		}
		matched[p.i], used[p.j] = true, true
		res.Risks[p.i].Change = schemas.ChangeReworded
		res.Risks[p.i].PreviousID = prev.Risks[p.j].ID
	}

	byBody := map[string]int{}
	for j, p := range prev.Risks {
		if !used[j] && p.BodyHash != "" {
			byBody[p.BodyHash] = j
		}
	}
	for i := range res.Risks {
		if matched[i] {
			continue
		}
		rk := &res.Risks[i]
		if j, ok := byBody[cur.Risks[i].BodyHash]; ok && !used[j] {
			matched[i], used[j] = true, true
			rk.Change = schemas.ChangeReworded
			rk.PreviousID = prev.Risks[j].ID
			continue
		}
		rk.Change = schemas.ChangeNew
	}
	for j, p := range prev.Risks {
		if !used[j] {
			res.RemovedRisks = append(res.RemovedRisks, schemas.RemovedRisk{Heading: p.Heading, PreviousID: p.ID, PreviousDocID: prev.DocID})
		}
	}
}

// contentWords returns the lowercased words of a heading without stop words.
func contentWords(heading string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(normalize(heading).text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	}) {
		w = strings.Trim(w, "'")
		if w != "" && !riskStopWords[w] {
			out[w] = true
		}
	}
	return out
}

// dice returns 2|a∩b|/(|a|+|b|) and |a∩b|.
func dice(a, b map[string]bool) (float64, int) {
	if len(a)+len(b) == 0 {
		return 0, 0
	}
	shared := 0
	for w := range a {
		if b[w] {
			shared++
		}
	}
	return 2 * float64(shared) / float64(len(a)+len(b)), shared
}

// directFromStatedPrior sets the direction of guidance whose provider left
// it unspecified but found the prior range in the text.
func directFromStatedPrior(gs []schemas.Guidance) {
	for i := range gs {
		g := &gs[i]
		if g.Direction != DirectionUnspecified || g.PriorLow == "" || g.PriorHigh == "" {
			continue
		}
		if d := compareRanges(g.Low, g.High, g.Scale, g.PriorLow, g.PriorHigh, g.Scale); d != "" {
			g.Direction = d
		}
	}
}

// directFromHistory sets the direction of guidance that the document leaves
// unspecified. It compares the item with the latest earlier guidance for the
// same metric, period, basis and unit: raised, lowered or maintained, with
// the prior range stored in PriorLow and PriorHigh at the item's scale.
// Without such guidance, but with an earlier filing that has guidance, the
// guidance is initiated. Earlier filings without guidance, such as a 10-K,
// say nothing about what the company guided, so they do not count. earlier
// is ordered latest first.
func directFromHistory(gs []schemas.Guidance, earlier []Snapshot) {
	guided := false
	for _, s := range earlier {
		guided = guided || len(s.Guidance) > 0
	}
	if !guided {
		return
	}
	for i := range gs {
		g := &gs[i]
		if g.Direction != DirectionUnspecified {
			continue
		}
		prior, ok := findPriorGuidance(g, earlier)
		if !ok {
			g.Direction = DirectionInitiated
			continue
		}
		if d := compareRanges(g.Low, g.High, g.Scale, prior.Low, prior.High, prior.Scale); d != "" {
			g.Direction = d
			g.PriorLow = rescale(prior.Low, prior.Scale, g.Scale)
			g.PriorHigh = rescale(prior.High, prior.Scale, g.Scale)
		}
	}
}

func findPriorGuidance(g *schemas.Guidance, earlier []Snapshot) (GuidanceRecord, bool) {
	period := periodKey(g.Period)
	for _, s := range earlier {
		for _, p := range s.Guidance {
			if p.Metric == g.Metric && p.Basis == g.Basis && p.Unit == g.Unit && periodKey(p.Period) == period {
				return p, true
			}
		}
	}
	return GuidanceRecord{}, false
}

// compareRanges compares the midpoints of two ranges in base units: raised,
// lowered, maintained, or "" when a value is not a decimal.
func compareRanges(low, high string, scale int, priorLow, priorHigh string, priorScale int) string {
	cur, ok1 := midpoint(low, high, scale)
	prev, ok2 := midpoint(priorLow, priorHigh, priorScale)
	if !ok1 || !ok2 {
		return ""
	}
	switch cur.Cmp(prev) {
	case 1:
		return DirectionRaised
	case -1:
		return DirectionLowered
	}
	return DirectionMaintained
}

func midpoint(low, high string, scale int) (*big.Rat, bool) {
	l, ok1 := new(big.Rat).SetString(low)
	h, ok2 := new(big.Rat).SetString(high)
	if !ok1 || !ok2 {
		return nil, false
	}
	m := new(big.Rat).Add(l, h)
	m.Quo(m, big.NewRat(2, 1))
	return m.Mul(m, pow10(scale)), true
}

func pow10(exp int) *big.Rat {
	r := big.NewRat(1, 1)
	ten := big.NewRat(10, 1)
	for ; exp > 0; exp-- {
		r.Mul(r, ten)
	}
	for ; exp < 0; exp++ {
		r.Quo(r, ten)
	}
	return r
}

// rescale converts an unscaled decimal at scale from to scale to, exactly.
func rescale(v string, from, to int) string {
	if from == to {
		return v
	}
	x, ok := new(big.Rat).SetString(v)
	if !ok {
		return v
	}
	x.Mul(x, pow10(from-to))
	return ratString(x)
}

// ratString formats x as a plain decimal; every x here has a power of ten
// denominator, so the result is exact.
func ratString(x *big.Rat) string {
	if x.IsInt() {
		return x.Num().String()
	}
	digits := 0
	for d := new(big.Int).Set(x.Denom()); d.Cmp(big.NewInt(1)) > 0; d.Quo(d, big.NewInt(10)) {
		digits++
	}
	s := x.FloatString(digits)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

var (
	yearRe      = regexp.MustCompile(`(?:^|[^0-9])((?:19|20)\d\d)(?:[^0-9]|$)`)
	shortYearRe = regexp.MustCompile(`(?i)\bf(?:iscal\s*)?y?\s*'?(\d\d)\b`)
	quarterRe   = regexp.MustCompile(`(?i)\b(?:q([1-4])|(first|second|third|fourth)[\s-]+quarter)\b`)
	halfRe      = regexp.MustCompile(`(?i)\b(?:h([12])|(first|second)[\s-]+half)\b`)
)

// periodKey reduces a printed period to year and part, so that "fiscal
// 2024", "FY24" and "full year 2024" compare equal, and "Q2 2024" equals
// "second quarter of fiscal 2024". A period without a year keeps its
// normalised words.
func periodKey(p string) string {
	year := ""
	if m := yearRe.FindStringSubmatch(p); m != nil {
		year = m[1]
	}
	if year == "" {
		if m := shortYearRe.FindStringSubmatch(p); m != nil {
			year = "20" + m[1]
		}
	}
	if year == "" {
		return keyText(p)
	}
	part := ""
	if m := quarterRe.FindStringSubmatch(p); m != nil {
		part = "q" + m[1]
		if m[1] == "" {
			part = "q" + map[string]string{"first": "1", "second": "2", "third": "3", "fourth": "4"}[strings.ToLower(m[2])]
		}
	} else if m := halfRe.FindStringSubmatch(p); m != nil {
		part = "h" + m[1]
		if m[1] == "" {
			part = "h" + map[string]string{"first": "1", "second": "2"}[strings.ToLower(m[2])]
		}
	}
	return year + part
}
