package sections

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/finx-dev/finx/schemas"
)

// Section IDs that are not item numbers.
const (
	IDOutlook             = "outlook"
	IDFinancialStatements = "financial_statements"
)

// DocumentPrefix starts the IDs of the sections that the EDGAR .txt parser
// records for each document of a submission ("document_ex_99_1"). Find
// keeps such sections of the document it reads.
const DocumentPrefix = "document_"

// MinBody is the body length in bytes that makes an item heading the real one
// when the heading occurs more than once.
const MinBody = 400

// maxHeadingLine is the longest line, in bytes, that can be an item heading.
// Longer lines are sentences that start with a cross reference.
const maxHeadingLine = 160

// tocLookahead is how many following non-empty lines may not hold another
// item heading or a page number for a heading to count as real.
const tocLookahead = 3

var (
	// itemRe matches an item heading: group 1 is the part, 2 the item
	// number, 3 the two-digit 8-K sub-item ("Item 2.02", or "Item 2. 02"
	// in text that spaces the number out), 4 the letter, 5 and 6 the
	// number and letter of a second item under a combined heading ("Items
	// 1 and 2.", "Items 7 & 7A") and 7 the title.
	itemRe = regexp.MustCompile(`(?i)^(?:part\s*(iv|i{1,3})\s*[,.:;—–-]*\s*)?items?\s*(\d{1,2})(?:\s*\.\s*(0[1-9]|10)\b)?\s*([a-d])?\b(?:\s*(?:and|&|,)\s*(\d{1,2})\s*([a-d])?\b)?\s*[.:—–-]*\s*(.*)$`)
	partRe = regexp.MustCompile(`(?i)^part\s*(iv|i{1,3})\b\s*[.:—–-]*\s*(.*)$`)
	// pageNumberRe matches a line that is only a page number, such as "17"
	// or "Page 5".
	pageNumberRe   = regexp.MustCompile(`(?i)^(?:page\s*)?(?:[0-9]{1,3}|[ivx]{1,5})$`)
	trailingPageRe = regexp.MustCompile(`\s[0-9]{1,3}$`)
	form10QRe      = regexp.MustCompile(`(?i)form\s*10-?q\b|quarterly report pursuant`)
)

// line is one line of Document.Text without its terminator, trimmed of
// surrounding whitespace; Start and End are byte offsets of the trimmed text.
type line struct {
	Start, End int
	Text       string
}

// splitLines cuts text at "\n" and "\f" (the PDF page break).
func splitLines(text string) []line {
	var lines []line
	start := 0
	for i := 0; i <= len(text); i++ {
		if i < len(text) && text[i] != '\n' && text[i] != '\f' {
			continue
		}
		raw := text[start:i]
		trimmed := strings.TrimLeftFunc(raw, unicode.IsSpace)
		s := start + len(raw) - len(trimmed)
		trimmed = strings.TrimRightFunc(trimmed, unicode.IsSpace)
		if trimmed != "" {
			lines = append(lines, line{Start: s, End: s + len(trimmed), Text: trimmed})
		}
		start = i + 1
	}
	return lines
}

// heading is an item heading candidate.
type heading struct {
	id    string
	title string
	line  int // index into lines
	start int
	toc   bool
	body  int // bytes until the next real heading
}

// Find returns the sections of doc in text order. Items of a 10-K or 10-Q come
// first in the order they start; the outlook and financial statements
// sections of an earnings release follow. Items overlap only under a
// combined heading ("Items 1 and 2"), which gives both the same span, and an
// outlook section may lie inside an item.
func Find(doc *schemas.Document) []schemas.Section {
	secs, _ := FindContext(context.Background(), doc)
	return secs
}

// checkEvery is how many lines FindContext reads between checks of ctx.
const checkEvery = 4096

// FindContext is Find that checks ctx every checkEvery lines and returns
// ctx.Err() when ctx ends.
func FindContext(ctx context.Context, doc *schemas.Document) ([]schemas.Section, error) {
	if doc == nil || doc.Text == "" {
		return nil, ctx.Err()
	}
	lines := splitLines(doc.Text)
	quarterly := isQuarterly(doc)

	var out []schemas.Section
	items, err := findItems(ctx, doc.Text, lines, quarterly)
	if err != nil {
		return nil, err
	}
	out = append(out, items...)
	fs, ok, err := findStatements(ctx, doc.Text, lines, items)
	if err != nil {
		return nil, err
	}
	if ok {
		out = append(out, fs)
	}
	ol, ok, err := findOutlook(ctx, doc.Text, lines, out)
	if err != nil {
		return nil, err
	}
	if ok {
		out = append(out, ol)
	}
	for _, sec := range doc.Sections {
		if strings.HasPrefix(sec.ID, DocumentPrefix) {
			out = append(out, sec)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	for i := range out {
		out[i].Page = doc.PageAt(out[i].Start)
	}
	return out, nil
}

// stopped returns ctx.Err() on every checkEvery-th line i.
func stopped(ctx context.Context, i int) error {
	if i%checkEvery != 0 {
		return nil
	}
	return ctx.Err()
}

// isQuarterly reports whether doc is a 10-Q, whose items repeat in Part I and
// Part II: from the form type, else from the cover page.
func isQuarterly(doc *schemas.Document) bool {
	form := strings.ToUpper(doc.Form)
	if form != "" {
		return strings.HasPrefix(form, "10-Q")
	}
	head := doc.Text
	if len(head) > 5000 {
		head = head[:5000]
	}
	return form10QRe.MatchString(head)
}

func findItems(ctx context.Context, text string, lines []line, quarterly bool) ([]schemas.Section, error) {
	var cands []heading
	part := ""
	for i, ln := range lines {
		if err := stopped(ctx, i); err != nil {
			return nil, err
		}
		if len(ln.Text) > maxHeadingLine || !startsWithFold(ln.Text, "item") && !startsWithFold(ln.Text, "part") {
			// Both patterns below need the line to start with one of
			// these words.
			continue
		}
		if m := partRe.FindStringSubmatch(ln.Text); m != nil && !strings.Contains(strings.ToLower(m[2]), "item") {
			if validTitle(m[2]) {
				part = strings.ToLower(m[1])
			}
			continue
		}
		m := itemRe.FindStringSubmatch(ln.Text)
		if m == nil || !validTitle(m[7]) {
			continue
		}
		if m[1] != "" {
			part = strings.ToLower(m[1])
		}
		ids := []string{"item_" + m[2] + strings.ToLower(m[4])}
		if m[3] != "" {
			// An 8-K item such as 2.02 (results of operations).
			ids[0] = "item_" + m[2] + "_" + m[3]
		}
		if m[5] != "" {
			// A combined heading gives both items the same span.
			ids = append(ids, "item_"+m[5]+strings.ToLower(m[6]))
		}
		title := strings.TrimSpace(m[7])
		if title == "" {
			title = nextTitle(lines, i)
		}
		toc := isTOC(lines, i, m[7])
		for _, id := range ids {
			if quarterly {
				p := "1"
				if part == "ii" {
					p = "2"
				}
				id = "part" + p + "_" + id
			}
			cands = append(cands, heading{
				id:    id,
				title: strings.TrimSpace(ln.Text[:len(ln.Text)-len(m[7])]) + " " + title,
				line:  i,
				start: ln.Start,
				toc:   toc,
			})
		}
	}

	var real []heading
	for _, c := range cands {
		if !c.toc {
			real = append(real, c)
		}
	}
	for i := range real {
		real[i].body = nextStart(real, i, len(text)) - lines[real[i].line].End
	}

	// The last occurrence with a substantial body wins; without one, the last
	// occurrence does.
	chosen := map[string]heading{}
	for _, c := range real {
		prev, seen := chosen[c.id]
		if !seen || c.body >= MinBody || prev.body < MinBody {
			chosen[c.id] = c
		}
	}
	// A short item such as "Item 6. [Reserved]" is followed at once by the
	// next item heading, so it looks like a table-of-contents entry. After
	// the first real heading with a body there is no table of contents, so
	// such headings count there when their item has no other heading.
	tocEnd := len(text)
	for _, c := range chosen {
		if c.body >= MinBody && c.start < tocEnd {
			tocEnd = c.start
		}
	}
	late := map[string]heading{}
	for _, c := range cands {
		if _, ok := chosen[c.id]; !ok && c.toc && c.start > tocEnd {
			late[c.id] = c
		}
	}
	for id, c := range late {
		chosen[id] = c
	}

	picked := make([]heading, 0, len(chosen))
	for _, c := range chosen {
		picked = append(picked, c)
	}
	sort.SliceStable(picked, func(i, j int) bool {
		if picked[i].start != picked[j].start {
			return picked[i].start < picked[j].start
		}
		return picked[i].id < picked[j].id
	})

	out := make([]schemas.Section, 0, len(picked))
	for i, c := range picked {
		end := nextStart(picked, i, len(text))
		out = append(out, schemas.Section{
			ID:    c.id,
			Title: collapse(c.title),
			Start: c.start,
			End:   end,
		})
	}
	return out, nil
}

// nextStart returns the start of the first heading after hs[i] that
// starts later than it, skipping the other items of a combined heading,
// or end when there is none. hs is sorted by start.
func nextStart(hs []heading, i, end int) int {
	for j := i + 1; j < len(hs); j++ {
		if hs[j].start > hs[i].start {
			return hs[j].start
		}
	}
	return end
}

// startsWithFold reports whether s starts with prefix, ignoring ASCII case.
func startsWithFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// validTitle rejects the rest of a line that makes an item reference a
// sentence: quoted titles, trailing commas and lowercase continuations such as
// "of this report".
func validTitle(rest string) bool {
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return true
	}
	if len(rest) > 140 || strings.ContainsAny(rest, "“”\"") {
		return false
	}
	r, _ := utf8.DecodeRuneInString(rest)
	if unicode.IsLower(r) {
		return false
	}
	last := rest[len(rest)-1]
	return last != ',' && last != ';'
}

// nextTitle returns the following line when it looks like the item's title
// printed on a line of its own.
func nextTitle(lines []line, i int) string {
	if i+1 >= len(lines) {
		return ""
	}
	t := lines[i+1].Text
	if len(t) > 100 || itemRe.MatchString(t) || pageNumberRe.MatchString(t) {
		return ""
	}
	return strings.TrimSpace(strings.Split(t, "\t")[0])
}

// isTOC reports whether the heading on line i is a table-of-contents entry:
// it ends in a page number, a page number line follows within two lines, or
// another item heading follows within tocLookahead lines.
func isTOC(lines []line, i int, rest string) bool {
	rest = strings.TrimSpace(rest)
	if trailingPageRe.MatchString(rest) || pageNumberRe.MatchString(rest) {
		return true
	}
	for j := i + 1; j < len(lines) && j <= i+tocLookahead; j++ {
		t := lines[j].Text
		// A page number on a line of its own right after the heading (or
		// after its title line) marks an entry. Page numbers in later
		// cells may belong to the item's own index, as under Item 8.
		if j <= i+2 && pageNumberRe.MatchString(t) {
			return true
		}
		if itemRe.MatchString(t) && len(t) <= maxHeadingLine {
			return true
		}
		if len(t) > 200 || (len(strings.Fields(t)) >= 2 && strings.HasSuffix(t, ".")) {
			// Body text: the heading is real.
			return false
		}
	}
	return false
}

func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
