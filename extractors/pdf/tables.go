package pdf

import (
	"math"
	"strings"

	"github.com/finx-dev/finx/extractors/numfmt"
	"github.com/finx-dev/finx/schemas"
)

// Table detection. A row is split into cells at gaps wider than cellGap
// ems. A run of rows is a table when at least minTableRows of them have a
// figure after their first cell. The right edges of their last figures must
// also line up within one em, as right-aligned amount columns do.
const (
	// cellGap is the gap, as a multiple of the font size, that separates
	// two cells of a row. A word space is about 0.25 em and justified text
	// stretches it to well under one em.
	cellGap = 1.0
	// minTableRows is how many rows with figures, aligned on one column, a
	// table needs.
	minTableRows = 2
	// maxLabelRun is how many rows without a second cell may follow each
	// other inside a table, such as "Current assets:" or a blank label.
	// A longer run is prose after the table.
	maxLabelRun = 3
	// maxLabelBytes is the longest single-cell row that can be a label
	// inside a table; a longer one is a line of prose.
	maxLabelBytes = 80
	// maxCaptionLines, maxCaptionRows and maxCaptionBytes bound the caption
	// search, as in package html: the non-empty lines above the table, the
	// rows at its top, and the length of a caption line.
	maxCaptionLines = 3
	maxCaptionRows  = 4
	maxCaptionBytes = 200
)

// cellSpan is one cell of a rendered row: its byte span in the page text
// and its horizontal extent on the page.
type cellSpan struct {
	start, end int
	x0, x1     float64
}

// lineCells is one rendered row and its cells. Cells is nil for a row that
// cannot be part of a table, such as a run-in heading split from its text.
type lineCells struct {
	cells []cellSpan
	size  float64
}

// currencyCell reports a cell that is only a currency sign, which
// statements set apart from the figure it belongs to.
func currencyCell(s string) bool {
	switch s {
	case "$", "€", "£", "¥":
		return true
	}
	return false
}

// isFigure reports whether a cell's whole text is a number, such as
// "$ 1,184.6", "(702.4)", "12.5%" or a dash.
func isFigure(s string) bool {
	_, err := numfmt.Parse(s)
	return err == nil
}

// findTables finds the tables among the rendered rows of one page. The
// cell spans of rows, and the spans of the returned tables, are offsets in
// the page text. Page is left for the caller to set.
func findTables(text string, rows []lineCells) []schemas.Table {
	var tables []schemas.Table
	prevEnd := 0
	i := 0
	for i < len(rows) {
		if !hasFigure(text, rows[i]) {
			i++
			continue
		}
		// Grow the run from this row: rows with two or more cells join it,
		// and up to maxLabelRun short single-cell rows in between.
		start, end := i, i+1
		labels := 0
		for j := i + 1; j < len(rows); j++ {
			r := rows[j]
			if r.cells == nil {
				break
			}
			if len(r.cells) >= 2 {
				end = j + 1
				labels = 0
				continue
			}
			c := r.cells[0]
			if labels++; labels > maxLabelRun || c.end-c.start > maxLabelBytes {
				break
			}
		}
		// Header rows of two or more cells just above the first figure
		// row, such as "Q3 2026 Q3 2025", belong to the table.
		for start > 0 && len(rows[start-1].cells) >= 2 && rows[start-1].cells[0].start >= prevEnd {
			start--
		}
		if t, ok := buildTable(text, rows[start:end], prevEnd); ok {
			tables = append(tables, t)
			prevEnd = t.End
		}
		i = end
	}
	return tables
}

// hasFigure reports whether a row has a figure after its first cell.
func hasFigure(text string, r lineCells) bool {
	for _, c := range r.cells[min(1, len(r.cells)):] {
		if isFigure(text[c.start:c.end]) {
			return true
		}
	}
	return false
}

// buildTable makes a table of the rows when enough of them have figures
// that line up. prevEnd is where the previous table of the page ends.
func buildTable(text string, rows []lineCells, prevEnd int) (schemas.Table, bool) {
	// Right edges of the last cell of each figure row, in points.
	var edges []float64
	var size float64
	for _, r := range rows {
		if hasFigure(text, r) {
			edges = append(edges, r.cells[len(r.cells)-1].x1)
			size = max(size, r.size)
		}
	}
	if alignedCount(edges, max(size, 1)) < minTableRows {
		return schemas.Table{}, false
	}
	var t schemas.Table
	for _, r := range rows {
		var row schemas.TableRow
		for _, c := range r.cells {
			row.Cells = append(row.Cells, schemas.TableCell{Text: text[c.start:c.end], Start: c.start, End: c.end})
		}
		t.Rows = append(t.Rows, row)
	}
	t.Start = t.Rows[0].Cells[0].Start
	last := t.Rows[len(t.Rows)-1].Cells
	t.End = last[len(last)-1].End
	t.Caption = pdfCaption(text, t, prevEnd)
	return t, true
}

// alignedCount returns the size of the largest group of edges that lie
// within tolerance of one of them.
func alignedCount(edges []float64, tolerance float64) int {
	best := 0
	for _, e := range edges {
		n := 0
		for _, f := range edges {
			if math.Abs(e-f) <= tolerance {
				n++
			}
		}
		best = max(best, n)
	}
	return best
}

// pdfCaption returns the scale caption of a table: a cell of its first
// rows, or else the nearest of the non-empty lines just above it that
// numfmt reads as a scale, not reaching into the previous table.
func pdfCaption(text string, t schemas.Table, prevEnd int) string {
	for _, r := range t.Rows[:min(len(t.Rows), maxCaptionRows)] {
		for _, c := range r.Cells {
			if isCaption(c.Text) {
				return c.Text
			}
		}
	}
	above := text[prevEnd:t.Start]
	nl := strings.LastIndexByte(above, '\n')
	if nl < 0 {
		return ""
	}
	lines := strings.Split(above[:nl], "\n")
	if prevEnd > 0 {
		// The first piece is the rest of the previous table's last line.
		lines = lines[1:]
	}
	seen := 0
	for i := len(lines) - 1; i >= 0 && seen < maxCaptionLines; i-- {
		line := strings.TrimSpace(lines[i])
		if line == "" {
			continue
		}
		seen++
		if isCaption(line) {
			return line
		}
	}
	return ""
}

// isCaption reports whether text is short enough to be a caption and
// states a scale.
func isCaption(text string) bool {
	if len(text) > maxCaptionBytes || !hasScaleWord(text) {
		return false
	}
	_, ok := numfmt.ParseCaption(text)
	return ok
}

// hasScaleWord reports whether text contains "000" or, in any case,
// "illion" or "housand", which every scale phrase that numfmt.ParseCaption
// reads contains. It spares most lines the regular expressions of
// ParseCaption.
func hasScaleWord(text string) bool {
	if strings.Contains(text, "000") {
		return true
	}
	lower := strings.ToLower(text)
	return strings.Contains(lower, "illion") || strings.Contains(lower, "housand")
}
