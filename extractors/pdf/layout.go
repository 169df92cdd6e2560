package pdf

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	// rowTolerance is the baseline difference, as a fraction of the font
	// size, within which glyphs share a row.
	rowTolerance = 0.35
	// spaceGap is the horizontal gap, as a fraction of the font size, above
	// which a space is inserted between two glyphs. Kerning and tracking
	// stay well below it; a word space in common text faces is 0.25 em.
	spaceGap = 0.15
	// paragraphGap is the distance between baselines, as a multiple of the
	// larger font size, above which a blank line is put between two rows.
	// Body text is set with 1.1 to 1.4 times its size.
	paragraphGap = 1.75
	// duplicateGap is the offset, as a fraction of the glyph's advance width,
	// below which a repeated glyph is taken as overprinting (a fake bold) and
	// dropped. A real double letter sits one full advance further on.
	duplicateGap = 0.25
)

// ligatures maps presentation-form ligatures to their letters.
var ligatures = strings.NewReplacer(
	"\uFB00", "ff", "\uFB01", "fi", "\uFB02", "fl", "\uFB03", "ffi",
	"\uFB04", "ffl", "\uFB05", "st", "\uFB06", "st",
	"\u00A0", " ",
)

type row struct {
	y      float64
	size   float64
	glyphs []glyph
}

// layoutPage returns a page's text in reading order: rows top to bottom,
// glyphs left to right, each row ended by a newline.
func layoutPage(glyphs []glyph) string {
	rows := groupRows(glyphs)
	var b strings.Builder
	for i, r := range rows {
		line, boldPrefix := renderRow(r.glyphs)
		if line == "" {
			continue
		}
		if i > 0 && rows[i-1].y-r.y > paragraphGap*max(r.size, rows[i-1].size) && !strings.HasSuffix(b.String(), "\n\n") {
			b.WriteByte('\n')
		}
		b.WriteString(line)
		b.WriteByte('\n')
		bold := boldPrefix == len(line)
		nextBold := i+1 < len(rows) && rowIsBold(rows[i+1].glyphs)
		if bold && !nextBold {
			// A blank line ends a heading, so that it does not run into the
			// sentence below it.
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// groupRows sorts glyphs top to bottom and puts glyphs whose baselines are
// within rowTolerance of a row's first baseline into that row.
func groupRows(glyphs []glyph) []row {
	sorted := make([]glyph, 0, len(glyphs))
	for _, g := range glyphs {
		// Space glyphs are dropped: the gap they leave decides where a space
		// goes, and producers sometimes place them out of order, such as
		// just before a period that closes the previous word.
		if isBlank(g.s) || math.IsNaN(g.x) || math.IsNaN(g.y) || math.IsInf(g.x, 0) || math.IsInf(g.y, 0) {
			continue
		}
		sorted = append(sorted, g)
	}
	slices.SortStableFunc(sorted, func(a, b glyph) int { return cmp.Compare(b.y, a.y) })

	var rows []row
	for _, g := range sorted {
		if n := len(rows); n > 0 {
			r := &rows[n-1]
			tol := rowTolerance * max(1, min(r.size, g.size))
			if r.y-g.y <= tol {
				r.glyphs = append(r.glyphs, g)
				r.size = max(r.size, g.size)
				continue
			}
		}
		rows = append(rows, row{y: g.y, size: g.size, glyphs: []glyph{g}})
	}
	for i := range rows {
		slices.SortStableFunc(rows[i].glyphs, func(a, b glyph) int { return cmp.Compare(a.x, b.x) })
	}
	return rows
}

// renderRow writes a row's glyphs with spaces at gaps. It returns the text
// and the length of its bold prefix; when the bold part ends a sentence and
// regular text follows on the same row, a blank line is put between them.
func renderRow(glyphs []glyph) (string, int) {
	var b strings.Builder
	boldPrefix := 0
	inPrefix := true
	var prev *glyph
	for i := range glyphs {
		g := &glyphs[i]
		s := cleanGlyph(g.s)
		if s == "" {
			continue
		}
		if prev != nil {
			size := max(prev.size, g.size, 1)
			if g.s == prev.s && math.Abs(g.x-prev.x) < duplicateGap*prev.w && math.Abs(g.y-prev.y) < duplicateGap*size {
				continue
			}
			gap := g.x - (prev.x + prev.w)
			text := b.String()
			endsSpace := strings.HasSuffix(text, " ")
			if inPrefix && !g.bold && !isBlank(s) {
				inPrefix = false
				trimmed := strings.TrimRight(text, " ")
				if boldPrefix > 0 && endsSentence(trimmed) && startsUpper(s) {
					b.Reset()
					b.WriteString(trimmed)
					b.WriteString("\n\n")
					boldPrefix = 0
					prev = g
					b.WriteString(s)
					continue
				}
			}
			if gap > spaceGap*size && !endsSpace && !strings.HasPrefix(s, " ") {
				b.WriteByte(' ')
			}
		}
		if isBlank(s) && (b.Len() == 0 || strings.HasSuffix(b.String(), " ")) {
			prev = g
			continue
		}
		b.WriteString(s)
		if inPrefix && (g.bold || isBlank(s)) {
			boldPrefix = b.Len()
		}
		prev = g
	}
	line := strings.TrimRight(b.String(), " ")
	if !strings.Contains(line, "\n") && boldPrefix >= len(strings.TrimRight(line, " ")) {
		boldPrefix = len(line)
	} else if strings.Contains(line, "\n") {
		boldPrefix = 0
	}
	return line, boldPrefix
}

// rowIsBold reports whether every visible glyph of a row is bold.
func rowIsBold(glyphs []glyph) bool {
	seen := false
	for _, g := range glyphs {
		if isBlank(g.s) {
			continue
		}
		if !g.bold {
			return false
		}
		seen = true
	}
	return seen
}

// cleanGlyph maps ligatures and drops control characters.
func cleanGlyph(s string) string {
	s = ligatures.Replace(s)
	return strings.Map(func(r rune) rune {
		if r == '\t' {
			return ' '
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

func endsSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r == '.' || r == ':' || r == '?' || r == '!'
}

func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}
