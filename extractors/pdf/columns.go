package pdf

import (
	"math"
	"unicode"
)

// Two-column detection. A page is read as two columns when a vertical strip
// in the middle of the text, at least gutterMinWidth ems wide, is crossed by
// few rows, and both sides hold prose: enough rows of mostly letters.
// Financial statement pages have wide gaps between a label and its figures
// too, but their right side is mostly digits, which the prose test rejects.
const (
	// gutterMinWidth is the narrowest gutter, in ems of the body size.
	gutterMinWidth = 1.0
	// gutterBand is the share of the text width on each side of the middle
	// that a gutter may lie in: 0.2 allows 30% to 70% of the width.
	gutterBand = 0.2
	// maxSpanningShare is the share of rows that may cross the gutter, such
	// as a page header, a title or a footer above and below the columns.
	maxSpanningShare = 0.2
	// minColumnRows is how many prose rows each column needs.
	minColumnRows = 8
	// minProseLetters is the share of letters among the non-space
	// characters of a prose row side.
	minProseLetters = 0.6
	// minProseChars is the length of a row side that counts as prose.
	minProseChars = 15
	// columnFill is the distance, in ems, from the gutter within which a
	// line of the left column counts as filling the column.
	columnFill = 4.0
	// minAlignedShare is the share of prose lines that must fill the left
	// column, and the share that must start at the right column's edge.
	minAlignedShare = 0.7
)

// findGutter returns the x of the gutter of a two-column page, or false.
func findGutter(rows []row, body float64) (float64, bool) {
	if len(rows) < minColumnRows || body <= 0 {
		return 0, false
	}
	minX, maxX := math.Inf(1), math.Inf(-1)
	for _, r := range rows {
		for _, g := range r.glyphs {
			minX = min(minX, g.x)
			maxX = max(maxX, g.x+g.w)
		}
	}
	width := maxX - minX
	if width < 20*body || width > 5000 {
		return 0, false
	}

	// covered[i] counts the rows whose text covers the 1-point bin at
	// minX+i: a glyph or a gap narrower than one em, such as a word space.
	bins := int(width) + 1
	covered := make([]int, bins)
	for _, r := range rows {
		// next is the first bin this row has not marked, so that glyphs
		// that touch count the row once.
		next := 0
		mark := func(from, to float64) {
			i := max(next, int(from-minX))
			for ; i < bins && float64(i) <= to-minX; i++ {
				covered[i]++
			}
			next = max(next, i)
		}
		for i, g := range r.glyphs {
			end := g.x + g.w
			if i+1 < len(r.glyphs) && r.glyphs[i+1].x-end < gutterMinWidth*body {
				end = r.glyphs[i+1].x
			}
			mark(g.x, end)
		}
	}

	limit := int(maxSpanningShare * float64(len(rows)))
	lo := int(width * (0.5 - gutterBand))
	hi := int(width * (0.5 + gutterBand))
	bestStart, bestLen := -1, 0
	for i := lo; i <= hi && i < bins; {
		if covered[i] > limit {
			i++
			continue
		}
		j := i
		for j < bins && covered[j] <= limit {
			j++
		}
		if j-i > bestLen {
			bestStart, bestLen = i, j-i
		}
		i = j
	}
	if bestStart < 0 || float64(bestLen) < gutterMinWidth*body {
		return 0, false
	}
	gutter := minX + float64(bestStart) + float64(bestLen)/2

	// Wrapped prose fills its column: most left lines end near the gutter
	// and most right lines start at the same x. The cells of a text table
	// end and start wherever their content does.
	left, right, leftFilled := 0, 0, 0
	// twoSided counts rows with text on both sides of the gutter, and both
	// those of them that are prose on both sides. Table rows pair a label
	// with figures, so few of them are prose on both sides.
	twoSided, bothProse := 0, 0
	var rightStarts []float64
	for _, r := range rows {
		l, rt := splitAt(r.glyphs, gutter)
		if len(l) > 0 && len(rt) > 0 {
			twoSided++
			if isProse(l) && isProse(rt) {
				bothProse++
			}
		}
		if isProse(l) {
			left++
			last := l[len(l)-1]
			if gutter-(last.x+last.w) <= columnFill*body {
				leftFilled++
			}
		}
		if isProse(rt) {
			right++
			rightStarts = append(rightStarts, rt[0].x)
		}
	}
	if left < minColumnRows || right < minColumnRows || bothProse < minColumnRows || 2*bothProse < twoSided {
		return 0, false
	}
	rightEdge := math.Inf(1)
	for _, x := range rightStarts {
		rightEdge = min(rightEdge, x)
	}
	rightAligned := 0
	for _, x := range rightStarts {
		if x-rightEdge <= body {
			rightAligned++
		}
	}
	if float64(leftFilled) < minAlignedShare*float64(left) || float64(rightAligned) < minAlignedShare*float64(right) {
		return 0, false
	}
	return gutter, true
}

// splitAt splits a row's glyphs, sorted by x, at the gutter.
func splitAt(glyphs []glyph, gutter float64) ([]glyph, []glyph) {
	for i, g := range glyphs {
		if g.x >= gutter {
			return glyphs[:i], glyphs[i:]
		}
	}
	return glyphs, nil
}

// crosses reports whether a glyph of the row covers the gutter, as in a
// title or a footer set across both columns.
func crosses(glyphs []glyph, gutter float64) bool {
	for _, g := range glyphs {
		if g.x < gutter && g.x+g.w > gutter {
			return true
		}
	}
	return false
}

// isProse reports whether glyphs spell mostly letters and are long enough
// to be a line of running text.
func isProse(glyphs []glyph) bool {
	letters, chars := 0, 0
	for _, g := range glyphs {
		for _, r := range g.s {
			if unicode.IsSpace(r) {
				continue
			}
			chars++
			if unicode.IsLetter(r) {
				letters++
			}
		}
	}
	return chars >= minProseChars && float64(letters) >= minProseLetters*float64(chars)
}

// columnOrder reorders the rows of a two-column page for reading: the rows
// between two rows that cross the gutter form a band, and each band gives
// its left column, then its right column. A row that crosses the gutter
// stays whole. It returns the rows and, for each, whether it starts a new
// column, which layoutPage marks with a blank line.
func columnOrder(rows []row, gutter float64) ([]row, []bool) {
	out := make([]row, 0, 2*len(rows))
	starts := make([]bool, 0, 2*len(rows))
	var right []row
	flush := func() {
		for i, r := range right {
			out = append(out, r)
			starts = append(starts, i == 0)
		}
		right = right[:0]
	}
	for _, r := range rows {
		if crosses(r.glyphs, gutter) {
			flush()
			out = append(out, r)
			starts = append(starts, false)
			continue
		}
		l, rt := splitAt(r.glyphs, gutter)
		if len(l) > 0 {
			out = append(out, row{y: r.y, size: r.size, glyphs: l})
			starts = append(starts, false)
		}
		if len(rt) > 0 {
			right = append(right, row{y: r.y, size: r.size, glyphs: rt})
		}
	}
	flush()
	return out, starts
}
