package pdf

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/finx-dev/finx/schemas"
)

const (
	// rowTolerance is the baseline difference, as a fraction of the font
	// size, within which glyphs share a row.
	rowTolerance = 0.35
	// spaceGap is the horizontal gap, as a fraction of the font size, above
	// which a space is inserted between two glyphs. Kerning and tracking
	// stay well below it, and a word space is about 0.25 em (250/1000 in
	// Times, 278/1000 in Helvetica).
	spaceGap = 0.15
	// paragraphGap is the distance between baselines, as a multiple of the
	// larger font size, above which a blank line is put between two rows.
	// Body text is usually set with 1.1 to 1.4 times its size.
	paragraphGap = 1.75
	// duplicateGap is the offset, as a fraction of the glyph's advance width,
	// below which a repeated glyph is taken as overprinting (a fake bold) and
	// dropped. A real double letter sits one full advance further on.
	duplicateGap = 0.25
	// headingSize is the font size, as a multiple of the page's body size,
	// from which a row counts as a heading even when it is not bold.
	headingSize = 1.2
)

// ligatures maps presentation-form ligatures to their letters, and a
// no-break space to a space.
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
// glyphs left to right, each row ended by a newline. Text that runs in
// another direction than most of the page follows in drawing order. It
// also returns the tables found in the rows (see findTables), with spans
// in the page text and Page unset.
func layoutPage(glyphs []glyph) (string, []schemas.Table) {
	orient(glyphs)
	rows := groupRows(glyphs)
	body := bodySize(rows)
	var columnStart []bool
	if gutter, ok := findGutter(rows, body); ok {
		rows, columnStart = columnOrder(rows, gutter)
	}
	heading := func(r row) bool {
		return rowIsBold(r.glyphs) || minSize(r.glyphs) >= headingSize*body
	}
	var b strings.Builder
	lines := make([]lineCells, 0, len(rows))
	for i, r := range rows {
		line, cells := renderRow(r.glyphs)
		if line == "" {
			continue
		}
		newColumn := columnStart != nil && columnStart[i]
		if i > 0 && (newColumn || rows[i-1].y-r.y > paragraphGap*max(r.size, rows[i-1].size)) && !strings.HasSuffix(b.String(), "\n\n") {
			b.WriteByte('\n')
		}
		lineStart := b.Len()
		for k := range cells {
			cells[k].start += lineStart
			cells[k].end += lineStart
		}
		lines = append(lines, lineCells{cells: cells, size: r.size})
		b.WriteString(line)
		b.WriteByte('\n')
		if heading(r) && (i+1 == len(rows) || !heading(rows[i+1])) {
			// A blank line ends a heading, so that it does not run into the
			// sentence below it.
			b.WriteByte('\n')
		}
	}
	writeRotated(&b, glyphs)
	text := b.String()
	return text, findTables(text, lines)
}

// orient turns the page so that the direction most glyphs run in, in
// quarter turns, reads left to right. A landscape table drawn sideways on a
// portrait page is then laid out in rows like upright text. Glyphs that
// still do not run left to right are marked rot.
func orient(glyphs []glyph) {
	var quarters [4]int
	for _, g := range glyphs {
		if !isBlank(g.s) && finite(g.dx, g.dy) {
			quarters[quarterTurn(g.dx, g.dy)]++
		}
	}
	turn := 0
	for q := range quarters {
		if quarters[q] > quarters[turn] {
			turn = q
		}
	}
	sin, cos := math.Sincos(float64(turn) * math.Pi / 2)
	for i := range glyphs {
		g := &glyphs[i]
		if turn != 0 {
			g.x, g.y = g.x*cos+g.y*sin, -g.x*sin+g.y*cos
			g.dx, g.dy = g.dx*cos+g.dy*sin, -g.dx*sin+g.dy*cos
		}
		g.rot = !(g.dx > 0 && math.Abs(g.dy) <= 0.1*g.dx)
	}
}

// quarterTurn returns the direction (dx, dy) rounded to quarter turns
// counterclockwise from left to right: 0, 1 (up), 2 or 3 (down).
func quarterTurn(dx, dy float64) int {
	a := math.Atan2(dy, dx)
	return (int(math.Round(a/(math.Pi/2))) + 4) % 4
}

// groupRows sorts glyphs top to bottom and puts glyphs whose baselines are
// within rowTolerance of a row's first baseline into that row.
func groupRows(glyphs []glyph) []row {
	sorted := make([]glyph, 0, len(glyphs))
	for _, g := range glyphs {
		// Space glyphs are dropped: the gap they leave decides where a space
		// goes, and producers sometimes place them out of order, such as
		// just before a period that closes the previous word.
		if g.rot || isBlank(g.s) || !finite(g.x, g.y, g.w, g.size) {
			continue
		}
		sorted = append(sorted, g)
	}
	slices.SortStableFunc(sorted, func(a, b glyph) int { return cmp.Compare(b.y, a.y) })

	// Rows are contiguous runs of the sorted glyphs, so each row is a
	// sub-slice of sorted.
	var rows []row
	start := 0
	for i, g := range sorted {
		if n := len(rows); n > 0 {
			r := &rows[n-1]
			tol := rowTolerance * max(1, min(r.size, g.size))
			if r.y-g.y <= tol {
				r.glyphs = sorted[start : i+1]
				r.size = max(r.size, g.size)
				continue
			}
		}
		start = i
		rows = append(rows, row{y: g.y, size: g.size, glyphs: sorted[i : i+1]})
	}
	for i := range rows {
		slices.SortStableFunc(rows[i].glyphs, func(a, b glyph) int { return cmp.Compare(a.x, b.x) })
	}
	return rows
}

// renderRow writes a row's glyphs, left to right, with spaces at gaps. A
// run-in heading, a bold or italic run from the start of the row that ends
// a sentence ("Supply risk. We buy..."), is split from the regular text
// after it by a blank line.
//
// It also returns the row's cells, split at gaps wider than cellGap ems,
// with byte spans in the returned line. A cell that is only a currency
// sign runs on into the next one. The cells are nil when a run-in heading
// was split off, because such a row is prose.
func renderRow(glyphs []glyph) (string, []cellSpan) {
	var b strings.Builder
	var prev *glyph
	var cells []cellSpan
	split := false
	allEmphasis := true
	for i := range glyphs {
		g := &glyphs[i]
		emphasis := g.bold || g.italic
		if prev != nil {
			if overprints(prev, g) {
				continue
			}
			switch {
			case allEmphasis && !emphasis && endsSentence(b.String()) && startsUpper(g.s):
				b.WriteString("\n\n")
				split = true
			case needsSpace(prev, g):
				b.WriteByte(' ')
			}
		}
		allEmphasis = allEmphasis && emphasis
		last := len(cells) - 1
		newCell := prev == nil || g.x-(prev.x+prev.w) > cellGap*max(prev.size, g.size, 1) &&
			!currencyCell(b.String()[cells[last].start:cells[last].end])
		if newCell {
			cells = append(cells, cellSpan{start: b.Len(), x0: g.x})
			last++
		}
		b.WriteString(g.s)
		cells[last].end = b.Len()
		cells[last].x1 = g.x + g.w
		prev = g
	}
	if split {
		cells = nil
	}
	return b.String(), cells
}

// overprints reports a glyph drawn again almost on top of the previous one,
// which producers do to fake a bold face.
func overprints(prev, g *glyph) bool {
	size := max(prev.size, g.size, 1)
	return g.s == prev.s && math.Abs(g.x-prev.x) < duplicateGap*prev.w && math.Abs(g.y-prev.y) < duplicateGap*size
}

// needsSpace reports whether the gap between two glyphs is a word space.
// NOTE: a percent sign set apart from its number stays apart ("21.9 %"),
// as pdftotext writes it, because quotes are checked against pdftotext.
func needsSpace(prev, g *glyph) bool {
	size := max(prev.size, g.size, 1)
	return g.x-(prev.x+prev.w) > spaceGap*size
}

// bodySize returns the most common font size on the page, counted per glyph
// and rounded to half a point.
func bodySize(rows []row) float64 {
	counts := make(map[int]int)
	best, bestCount := 0, 0
	for _, r := range rows {
		for _, g := range r.glyphs {
			k := int(math.Round(g.size * 2))
			counts[k]++
			if counts[k] > bestCount {
				best, bestCount = k, counts[k]
			}
		}
	}
	return float64(best) / 2
}

func minSize(glyphs []glyph) float64 {
	m := math.Inf(1)
	for _, g := range glyphs {
		m = min(m, g.size)
	}
	return m
}

// rowIsBold reports whether every glyph of a row is bold.
func rowIsBold(glyphs []glyph) bool {
	for _, g := range glyphs {
		if !g.bold {
			return false
		}
	}
	return len(glyphs) > 0
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

// writeRotated appends rotated glyphs (such as a sideways margin note) in
// drawing order, after a blank line. A space goes where a glyph does not
// start at the end of the previous one's advance or a space glyph came
// between them, and a newline where it starts more than two ems away.
func writeRotated(b *strings.Builder, glyphs []glyph) {
	var prev *glyph
	space := false
	for i := range glyphs {
		g := &glyphs[i]
		if !g.rot || !finite(g.x, g.y, g.w, g.dx, g.dy) {
			continue
		}
		if isBlank(g.s) {
			space = prev != nil
			continue
		}
		if prev == nil {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
		} else {
			size := max(prev.size, g.size, 1)
			d := math.Hypot(g.x-(prev.x+prev.w*prev.dx), g.y-(prev.y+prev.w*prev.dy))
			if d > 2*size {
				b.WriteByte('\n')
			} else if space || d > spaceGap*size {
				b.WriteByte(' ')
			}
		}
		b.WriteString(g.s)
		prev = g
		space = false
	}
	if prev != nil {
		b.WriteByte('\n')
	}
}

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
