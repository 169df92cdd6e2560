package html

import (
	"bytes"
	"slices"

	"github.com/finx-dev/finx/extractors/numfmt"
	"github.com/finx-dev/finx/schemas"
)

const (
	// maxCaptionLines is how many non-empty lines above a table are
	// searched for a scale caption such as "(in millions)".
	maxCaptionLines = 3
	// maxCaptionRows is how many rows at the top of a table are searched
	// for a scale caption. Statement tables put it in a header row, often
	// under one or two rows of column headings.
	maxCaptionRows = 4
	// maxCaptionBytes bounds the text above a table that is searched, and
	// the length of a line that can be a caption: a longer line is a
	// paragraph that happens to say "in millions".
	maxCaptionBytes = 200
)

// tableBuilder collects the rows and cells of one open table while the
// text is written. A cell's span is known when it closes: its text is what
// the writer appended since the cell opened, less the one separator (tab,
// newline or space) that the writer puts before the first character.
type tableBuilder struct {
	rows    []schemas.TableRow
	row     []schemas.TableCell
	rowOpen bool
	// cellOpen is set between a td or th start tag and its end; cellAt is
	// the text length when the cell opened.
	cellOpen bool
	cellAt   int
	// cellHasTable is set when a table inside the open cell had rows. Such
	// a cell is dropped, so that no two cells of a document overlap: the
	// inner table carries its content.
	cellHasTable bool
}

// tableStart opens a table. A hidden table gets a nil entry, so that its
// end tag still pops one entry and no rows are recorded for it.
func (s *state) tableStart(hidden bool) {
	if hidden {
		s.tables = append(s.tables, nil)
		return
	}
	s.tables = append(s.tables, &tableBuilder{})
}

// openTable returns the innermost open table, or nil when there is none or
// it is hidden.
func (s *state) openTable() *tableBuilder {
	if len(s.tables) == 0 {
		return nil
	}
	return s.tables[len(s.tables)-1]
}

func (s *state) rowStart() {
	t := s.openTable()
	if t == nil {
		return
	}
	s.cellEnd()
	s.rowEnd()
	t.rowOpen = true
}

func (s *state) cellStart() {
	t := s.openTable()
	if t == nil {
		return
	}
	s.cellEnd()
	// A cell outside any tr starts a row of its own, as the HTML parser
	// inserts an implied tr.
	t.rowOpen = true
	t.cellOpen = true
	t.cellAt = s.w.len()
	t.cellHasTable = false
}

// cellEnd closes the open cell of the innermost table and keeps it when it
// has text.
func (s *state) cellEnd() {
	t := s.openTable()
	if t == nil || !t.cellOpen {
		return
	}
	t.cellOpen = false
	if t.cellHasTable {
		return
	}
	buf := s.w.buf
	start, end := t.cellAt, len(buf)
	if start < end && (buf[start] == '\t' || buf[start] == '\n' || buf[start] == ' ') {
		start++
	}
	if start >= end {
		return
	}
	// Text is filled in by finishTables from the final text, so that cells
	// share its memory instead of each holding a copy.
	t.row = append(t.row, schemas.TableCell{Start: start, End: end})
}

// rowEnd closes the open row of the innermost table and keeps it when it
// has a cell with text.
func (s *state) rowEnd() {
	t := s.openTable()
	if t == nil || !t.rowOpen {
		return
	}
	s.cellEnd()
	t.rowOpen = false
	if len(t.row) == 0 {
		return
	}
	t.rows = append(t.rows, schemas.TableRow{Cells: t.row})
	t.row = nil
}

// tableEnd closes the innermost table. A table with fewer than two cells
// is a layout box around a paragraph, not a table, and is dropped.
func (s *state) tableEnd() {
	if len(s.tables) == 0 {
		return
	}
	s.rowEnd()
	t := s.tables[len(s.tables)-1]
	s.tables = s.tables[:len(s.tables)-1]
	if t == nil || len(t.rows) == 0 {
		return
	}
	if outer := s.openTable(); outer != nil && outer.cellOpen {
		outer.cellHasTable = true
	}
	cells := 0
	for _, r := range t.rows {
		cells += len(r.Cells)
	}
	if cells < 2 {
		return
	}
	first := t.rows[0].Cells[0]
	lastRow := t.rows[len(t.rows)-1].Cells
	table := schemas.Table{
		Start: first.Start,
		End:   lastRow[len(lastRow)-1].End,
		Rows:  t.rows,
	}
	table.Caption = s.tableCaption(table)
	s.doneTables = append(s.doneTables, table)
}

// tableCaption returns the scale caption of a table: a cell of its first
// maxCaptionRows rows, or else the nearest of the lines just above it, that numfmt reads as
// a scale. The search above stops at the end of the previous table.
func (s *state) tableCaption(t schemas.Table) string {
	for _, r := range t.Rows[:min(len(t.Rows), maxCaptionRows)] {
		for _, c := range r.Cells {
			if text := s.w.buf[c.Start:c.End]; isCaption(text) {
				return string(text)
			}
		}
	}

	floor := 0
	for i := len(s.doneTables) - 1; i >= 0; i-- {
		// Tables nested in this one finished just before it, so the first
		// table that ends before this one starts is the previous one.
		if end := s.doneTables[i].End; end <= t.Start {
			floor = end
			break
		}
	}
	floor = max(floor, t.Start-maxCaptionBytes)

	above := s.w.buf[floor:t.Start]
	// The table's first line starts after the last newline before it.
	nl := bytes.LastIndexByte(above, '\n')
	if nl < 0 {
		return ""
	}
	lines := bytes.Split(above[:nl], []byte{'\n'})
	if floor > 0 && s.w.buf[floor-1] != '\n' {
		// The top line runs on above the search window.
		lines = lines[1:]
	}

	seen := 0
	for i := len(lines) - 1; i >= 0 && seen < maxCaptionLines; i-- {
		line := bytes.TrimSpace(lines[i])
		if len(line) == 0 {
			continue
		}
		seen++
		if isCaption(line) {
			return string(line)
		}
	}
	return ""
}

// isCaption reports whether text is short enough to be a caption and
// states a scale.
func isCaption(text []byte) bool {
	if len(text) > maxCaptionBytes || !hasScaleWord(text) {
		return false
	}
	_, ok := numfmt.ParseCaption(string(text))
	return ok
}

// hasScaleWord reports whether text contains "000" or, in any ASCII case,
// "illion" or "housand", which every scale phrase that numfmt.ParseCaption
// reads contains. It spares most cells and lines the regular expressions
// of ParseCaption, which took a tenth of the parse time of a filing laid
// out in tables before this check.
func hasScaleWord(text []byte) bool {
	if bytes.Contains(text, []byte("000")) {
		return true
	}
	for i := range text {
		c := text[i] | 0x20
		if c == 'i' && i+len("illion") <= len(text) && asciiEqualFold(text[i:i+len("illion")], "illion") ||
			c == 'h' && i+len("housand") <= len(text) && asciiEqualFold(text[i:i+len("housand")], "housand") {
			return true
		}
	}
	return false
}

// closeTables closes the tables left open at the end of the input.
func (s *state) closeTables() {
	for len(s.tables) > 0 {
		s.tableEnd()
	}
}

// finishTables sets each cell's Text to its span of the final text and
// returns the tables in text order.
func (s *state) finishTables(text string) []schemas.Table {
	for _, t := range s.doneTables {
		for _, r := range t.Rows {
			for i := range r.Cells {
				r.Cells[i].Text = text[r.Cells[i].Start:r.Cells[i].End]
			}
		}
	}
	slices.SortFunc(s.doneTables, func(a, b schemas.Table) int { return a.Start - b.Start })
	return s.doneTables
}
