package eval

import (
	"math/big"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/finx-dev/finx/schemas"
)

// Gold kinds, as spelled in gold.jsonl.
const (
	GoldRisk     = "risk"
	GoldNumber   = "number"
	GoldGuidance = "guidance"
)

// GoldKinds lists the gold kinds in report order.
var GoldKinds = []string{GoldNumber, GoldRisk, GoldGuidance}

// Doc is one extracted document: its result and the parsed text that the
// result's citations point into.
type Doc struct {
	File   string
	Result *schemas.Result
	// Text is the parsed Document.Text, and PageOf maps a byte offset in it
	// to its 1-based PDF page (0 outside PDFs). Without Text, span overlap
	// falls back to comparing quotes.
	Text   string
	PageOf func(offset int) int
	// HasFacts is set when the document carries inline XBRL facts.
	HasFacts bool

	// spans caches, per gold quote, its occurrences in Text.
	spans map[string][][2]int
}

// NewDoc returns the Doc of a parsed document and its result.
func NewDoc(file string, doc *schemas.Document, res *schemas.Result) *Doc {
	return &Doc{File: file, Result: res, Text: doc.Text, PageOf: doc.PageAt, HasFacts: len(doc.Facts) > 0}
}

// MinContainedWords is the fewest words that a risk heading must have for a
// gold quote containing it to count as a match, so that a heading such as
// "Risk Factors" does not match every gold row.
const MinContainedWords = 4

// Match reports whether an item of d matches the gold row g, whether an
// accepted item does, and whether a matching item's citation is on the
// gold row's own page (always true outside PDFs):
//
//   - number: a metric whose value in base units equals value_base. Its
//     citation is on the gold page or on a page that the row lists in
//     quote_also_on_pages (PDF), or overlaps an occurrence of the gold
//     quote in the text (HTML, text);
//   - guidance: a guidance item whose low and high in base units equal
//     low_base and high_base, cited in the same way;
//   - risk: a risk whose heading or quote contains the gold quote, or whose
//     heading of at least MinContainedWords words the gold quote contains,
//     after normalising case, whitespace and punctuation.
//
// Values compare as exact decimals. A number also matches in magnitude when
// the gold quote or the item's display prints it in parentheses or with a
// minus sign, because filings print outflows such as capital expenditures
// in parentheses while gold rows record them as positive amounts.
//
// The other pages count because the passes keep one item per metric and
// period: a figure printed in two statements, such as net income in the
// income and cash flow statements, is cited where it is read first.
func (d *Doc) Match(g Gold) (found, accepted, onGoldPage bool) {
	if d == nil || d.Result == nil {
		return false, false, false
	}
	hit := func(status string, c schemas.Citation) {
		found = true
		accepted = accepted || status == schemas.StatusAccepted
		onGoldPage = onGoldPage || g.Page == nil || c.Page == *g.Page
	}
	switch g.Kind {
	case GoldRisk:
		for _, r := range d.Result.Risks {
			if riskMatches(g.Quote, r) {
				hit(r.Status, r.Citation)
			}
		}
	case GoldNumber:
		want := g.ValueBase
		if want == "" && g.Value != nil {
			want = scaleDecimal(g.Value.String(), g.Scale)
		}
		for _, m := range d.Result.Metrics {
			if numberEqual(want, m.Value, signFree(g.Quote) || signFree(m.Display)) && d.cited(g, m.Citation) {
				hit(m.Status, m.Citation)
			}
		}
	case GoldGuidance:
		low, high := g.LowBase, g.HighBase
		if low == "" && g.Low != nil {
			low = scaleDecimal(g.Low.String(), g.Scale)
		}
		if high == "" && g.High != nil {
			high = scaleDecimal(g.High.String(), g.Scale)
		}
		for _, x := range d.Result.Guidance {
			if decimalEqual(low, scaleDecimal(x.Low, x.Scale)) && decimalEqual(high, scaleDecimal(x.High, x.Scale)) && d.cited(g, x.Citation) {
				hit(x.Status, x.Citation)
			}
		}
	}
	return found, accepted, onGoldPage
}

// cited reports whether the citation is where the gold row points: on its
// page for a PDF row, else overlapping an occurrence of its quote.
func (d *Doc) cited(g Gold, c schemas.Citation) bool {
	if g.Page != nil {
		return c.Page == *g.Page || slices.Contains(g.AlsoOnPages, c.Page)
	}
	if d.Text == "" {
		return Overlap(g.Quote, c.Quote)
	}
	for _, sp := range d.occurrences(g.Quote) {
		if c.Start < sp[1] && sp[0] < c.End {
			return true
		}
	}
	return false
}

// occurrences returns the byte spans in d.Text where quote occurs after
// collapsing whitespace and mapping curly quotes and dashes to ASCII.
func (d *Doc) occurrences(quote string) [][2]int {
	if sp, ok := d.spans[quote]; ok {
		return sp
	}
	if d.spans == nil {
		d.spans = map[string][][2]int{}
	}
	var out [][2]int
	needle := Normalize(quote)
	if needle != "" {
		norm, starts, ends := normalizeWithOffsets(d.Text)
		for from := 0; ; {
			i := strings.Index(norm[from:], needle)
			if i < 0 {
				break
			}
			at := from + i
			out = append(out, [2]int{starts[at], ends[at+len(needle)-1]})
			from = at + 1
		}
	}
	d.spans[quote] = out
	return out
}

// normalizeWithOffsets is Normalize that also returns, for each byte of the
// result, the byte span of the text it came from.
func normalizeWithOffsets(s string) (string, []int, []int) {
	var b strings.Builder
	starts := make([]int, 0, len(s))
	ends := make([]int, 0, len(s))
	space := true // drop leading whitespace
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			if !space {
				b.WriteByte(' ')
				starts = append(starts, i)
				ends = append(ends, i+size)
				space = true
			} else if len(ends) > 0 {
				ends[len(ends)-1] = i + size
			}
			i += size
			continue
		}
		space = false
		out := normReplacer.Replace(s[i : i+size])
		b.WriteString(out)
		for range len(out) {
			starts = append(starts, i)
			ends = append(ends, i+size)
		}
		i += size
	}
	return b.String(), starts, ends
}

func riskMatches(quote string, r schemas.Risk) bool {
	q := normalizeWords(quote)
	if q == "" {
		return false
	}
	for _, s := range []string{r.Heading, r.Citation.Quote} {
		if h := normalizeWords(s); h != "" && strings.Contains(h, q) {
			return true
		}
	}
	h := normalizeWords(r.Heading)
	return len(strings.Fields(h)) >= MinContainedWords && strings.Contains(q, h)
}

// normalizeWords lowercases s, drops punctuation and collapses whitespace,
// so that "conditions.The" in a PDF and "conditions. The" compare equal up
// to the join.
func normalizeWords(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(normReplacer.Replace(s)) {
		switch {
		case unicode.IsPunct(r) || unicode.IsSymbol(r):
			continue
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// Overlap reports whether one quote contains the other after normalising.
func Overlap(a, b string) bool {
	na, nb := Normalize(a), Normalize(b)
	if na == "" || nb == "" {
		return false
	}
	return strings.Contains(na, nb) || strings.Contains(nb, na)
}

var normReplacer = strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`, "–", "-", "—", "-", "‐", "-", "−", "-", "\u00a0", " ")

// Normalize collapses whitespace and maps curly quotes and dashes to ASCII.
func Normalize(s string) string {
	return strings.Join(strings.Fields(normReplacer.Replace(s)), " ")
}

// signFree reports whether a printed figure carries its sign in the print
// (parentheses or a minus sign), so that its magnitude is what compares.
func signFree(printed string) bool {
	p := strings.TrimSpace(printed)
	return strings.HasPrefix(p, "(") || strings.HasPrefix(p, "-") || strings.HasPrefix(p, "$(") || strings.HasPrefix(p, "−")
}

// numberEqual compares two exact decimals, in magnitude when magnitude is
// set.
func numberEqual(want, got string, magnitude bool) bool {
	if magnitude {
		return decimalEqual(strings.TrimPrefix(want, "-"), strings.TrimPrefix(got, "-"))
	}
	return decimalEqual(want, got)
}

func decimalEqual(a, b string) bool {
	x, ok1 := new(big.Rat).SetString(a)
	y, ok2 := new(big.Rat).SetString(b)
	return ok1 && ok2 && x.Cmp(y) == 0
}

// scaleDecimal returns v × 10^scale as an exact decimal, or "" when v is
// not a decimal.
func scaleDecimal(v string, scale int) string {
	x, ok := new(big.Rat).SetString(v)
	if !ok {
		return ""
	}
	x.Mul(x, scaled(big.NewRat(1, 1), scale))
	if x.IsInt() {
		return x.Num().String()
	}
	return x.FloatString(max(-scale, 0) + decimalsOf(v))
}

func decimalsOf(v string) int {
	if i := strings.IndexByte(v, '.'); i >= 0 {
		return len(v) - i - 1
	}
	return 0
}
