package passes

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/finx-dev/finx/schemas"
)

// maxOccurrences bounds how many occurrences of one quote the locator weighs
// against the offset hint, so that a short number in a long filing costs
// little.
const maxOccurrences = 4096

// runeBlock is the block size, in bytes, of the code point index.
const runeBlock = 1024

// locator finds quotes in one document's text and builds citations.
type locator struct {
	doc  *schemas.Document
	text string

	// runeIndex[i] counts the code points that start before byte i*runeBlock.
	runeIndex []int

	// norm is the normalised text, built on first use. normStart[i] and
	// normEnd[i] are the byte span in text that produced norm[i].
	norm      string
	normStart []int32
	normEnd   []int32
	normBuilt bool
}

func newLocator(doc *schemas.Document) *locator {
	l := &locator{doc: doc, text: doc.Text}
	l.runeIndex = make([]int, len(l.text)/runeBlock+1)
	n := 0
	for i := 0; i < len(l.text); i++ {
		if i%runeBlock == 0 {
			l.runeIndex[i/runeBlock] = n
		}
		if l.text[i]&0xC0 != 0x80 {
			n++
		}
	}
	return l
}

// charOffset converts a byte offset in the text to a code point offset.
func (l *locator) charOffset(off int) int {
	b := off / runeBlock
	n := l.runeIndex[b]
	for i := b * runeBlock; i < off; i++ {
		if l.text[i]&0xC0 != 0x80 {
			n++
		}
	}
	return n
}

// Locate finds quote in the text, preferring an occurrence inside
// [lo, hi) and, among those, the one nearest to hint (-1: the first).
// It returns the byte span and the match kind, or ok false.
func (l *locator) Locate(quote string, lo, hi, hint int) (start, end int, match string, ok bool) {
	quote = strings.TrimSpace(quote)
	if quote == "" {
		return 0, 0, "", false
	}
	lo, hi = clampRange(lo, hi, len(l.text))
	if i, found := nearest(l.text, quote, lo, hi, hint); found {
		return i, i + len(quote), schemas.MatchExact, true
	}
	// NOTE: this search reads the whole text, so a run whose candidates'
	// quotes are mostly missing from their chunks costs the text length
	// times the number of such candidates.
	if i, found := nearest(l.text, quote, 0, len(l.text), hint); found {
		return i, i + len(quote), schemas.MatchExact, true
	}

	nq := normalize(quote)
	if strings.TrimSpace(nq.text) == "" {
		return 0, 0, "", false
	}
	l.buildNorm()
	needle := strings.TrimSpace(nq.text)
	nlo, nhi := l.normOffset(lo), l.normOffset(hi)
	nhint := -1
	if hint >= 0 {
		nhint = l.normOffset(hint)
	}
	i, found := nearest(l.norm, needle, nlo, nhi, nhint)
	if !found {
		i, found = nearest(l.norm, needle, 0, len(l.norm), nhint)
	}
	if !found {
		return 0, 0, "", false
	}
	return int(l.normStart[i]), int(l.normEnd[i+len(needle)-1]), schemas.MatchNormalized, true
}

// Cite builds the citation of the span [start, end).
func (l *locator) Cite(start, end int, match string) schemas.Citation {
	return schemas.Citation{
		Quote:        l.text[start:end],
		Start:        start,
		End:          end,
		CharStart:    l.charOffset(start),
		CharEnd:      l.charOffset(end),
		Page:         l.doc.PageAt(start),
		SourceOffset: l.sourceOffset(start),
		Match:        match,
	}
}

func (l *locator) sourceOffset(off int) int64 {
	if len(l.doc.Pages) > 0 || l.doc.MediaType == schemas.MediaPDF {
		return -1
	}
	return l.doc.SourceOffset(off)
}

// normOffset maps a byte offset in the text to the first normalised byte
// produced at or after it.
func (l *locator) normOffset(off int) int {
	return sort.Search(len(l.normStart), func(i int) bool { return int(l.normStart[i]) >= off })
}

func (l *locator) buildNorm() {
	if l.normBuilt {
		return
	}
	n := normalize(l.text)
	l.norm, l.normStart, l.normEnd = n.text, n.start, n.end
	l.normBuilt = true
}

func clampRange(lo, hi, n int) (int, int) {
	lo = max(lo, 0)
	hi = min(hi, n)
	if lo > hi {
		lo = hi
	}
	return lo, hi
}

// nearest returns the index in s of the occurrence of sub within [lo, hi)
// nearest to hint, or the first one when hint is negative.
func nearest(s, sub string, lo, hi, hint int) (int, bool) {
	if hi-lo < len(sub) {
		return 0, false
	}
	best, bestDist := -1, 0
	from := lo
	for n := 0; n < maxOccurrences; n++ {
		j := strings.Index(s[from:hi], sub)
		if j < 0 {
			break
		}
		at := from + j
		if hint < 0 {
			return at, true
		}
		d := at - hint
		if d < 0 {
			d = -d
		}
		if best < 0 || d < bestDist {
			best, bestDist = at, d
		}
		if at > hint {
			// Later occurrences are further away.
			break
		}
		from = at + 1
	}
	return best, best >= 0
}

// normalized is text after normalize, with the source span of each byte.
type normalized struct {
	text       string
	start, end []int32
}

// normalize collapses every run of whitespace to one space, drops zero-width
// characters and soft hyphens, maps curly quotes to ' and ", dashes and minus
// signs to -, and expands ligatures such as "ﬁ" to "fi".
func normalize(s string) normalized {
	var b strings.Builder
	b.Grow(len(s))
	start := make([]int32, 0, len(s))
	end := make([]int32, 0, len(s))
	emit := func(out string, from, to int) {
		b.WriteString(out)
		for range len(out) {
			start = append(start, int32(from))
			end = append(end, int32(to))
		}
	}
	inSpace := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		j := i + size
		if unicode.IsSpace(r) {
			if inSpace {
				end[len(end)-1] = int32(j)
			} else {
				emit(" ", i, j)
				inSpace = true
			}
			i = j
			continue
		}
		if r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u00ad' || r == '\ufeff' {
			// Zero-width characters and soft hyphens print nothing.
			i = j
			continue
		}
		inSpace = false
		switch r {
		case '‘', '’', '‚', '‛', '′':
			emit("'", i, j)
		case '“', '”', '„', '‟', '″':
			emit(`"`, i, j)
		case '‐', '‑', '‒', '–', '—', '―', '−':
			emit("-", i, j)
		case 'ﬀ':
			emit("ff", i, j)
		case 'ﬁ':
			emit("fi", i, j)
		case 'ﬂ':
			emit("fl", i, j)
		case 'ﬃ':
			emit("ffi", i, j)
		case 'ﬄ':
			emit("ffl", i, j)
		case 'ﬅ', 'ﬆ':
			emit("st", i, j)
		default:
			emit(s[i:j], i, j)
		}
		i = j
	}
	return normalized{text: b.String(), start: start, end: end}
}
