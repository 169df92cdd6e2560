package html

import (
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/finx-dev/finx/schemas"
)

// checkInvariants asserts what every parsed document must satisfy. When
// src is not nil, each segment must point inside it, and a segment of
// visible ASCII text must equal its source bytes.
func checkInvariants(t testing.TB, doc *schemas.Document, src []byte) {
	t.Helper()
	if !utf8.ValidString(doc.Text) {
		t.Errorf("text is not valid UTF-8")
	}
	prevEnd := 0
	var prevSource int64 = -1
	for i, s := range doc.Segments {
		if s.Len <= 0 {
			t.Fatalf("segment %d: length %d", i, s.Len)
		}
		if s.TextStart < prevEnd {
			t.Fatalf("segment %d starts at %d, before the end %d of the previous one", i, s.TextStart, prevEnd)
		}
		if s.TextStart+s.Len > len(doc.Text) {
			t.Fatalf("segment %d ends at %d, after the text end %d", i, s.TextStart+s.Len, len(doc.Text))
		}
		if s.SourceStart <= prevSource {
			t.Fatalf("segment %d source %d is not after the previous source %d", i, s.SourceStart, prevSource)
		}
		prevEnd, prevSource = s.TextStart+s.Len, s.SourceStart
		if src == nil {
			continue
		}
		if s.SourceStart < 0 || s.SourceStart >= int64(len(src)) {
			t.Fatalf("segment %d source %d outside the file of %d bytes", i, s.SourceStart, len(src))
		}
		text := doc.Text[s.TextStart : s.TextStart+s.Len]
		if src[s.SourceStart] == '&' || text == " " {
			// Decoded references and non-breaking spaces differ from
			// their source bytes.
			continue
		}
		if !isPlainASCII(text) {
			// A transcoded character has more text bytes than source bytes.
			continue
		}
		end := s.SourceStart + int64(s.Len)
		if end > int64(len(src)) {
			t.Fatalf("segment %d: source end %d outside the file of %d bytes", i, end, len(src))
		}
		if spaced(src[s.SourceStart:end]) != text {
			t.Fatalf("segment %d: text %q, source %q", i, text, src[s.SourceStart:end])
		}
	}
	checkTables(t, doc)
	for i, f := range doc.Facts {
		if f.Start < 0 || f.End < f.Start || f.End > len(doc.Text) {
			t.Fatalf("fact %d %s: span [%d,%d) outside text of %d bytes", i, f.Concept, f.Start, f.End, len(doc.Text))
		}
		if src != nil && (f.SourceOffset < 0 || f.SourceOffset >= int64(len(src)) || src[f.SourceOffset] != '<') {
			t.Fatalf("fact %d %s: source offset %d is not at a tag", i, f.Concept, f.SourceOffset)
		}
		if f.End > f.Start {
			// The printed value starts with a character from the source,
			// after the fact's start tag.
			if got := doc.SourceOffset(f.Start); got < f.SourceOffset {
				t.Fatalf("fact %d %s: SourceOffset(Start) = %d, before its tag at %d", i, f.Concept, got, f.SourceOffset)
			}
		}
	}
}

// spaced replaces the whitespace bytes that collapse to a space.
func spaced(b []byte) string {
	out := []byte(string(b))
	for i, c := range out {
		if c == '\n' || c == '\t' || c == '\r' || c == '\f' {
			out[i] = ' '
		}
	}
	return string(out)
}

func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// checkTables asserts that every table cell's Text is its span of
// Document.Text and that each table spans its cells in text order. No two
// cells of the document overlap, because a cell that holds a nested table
// is left out.
func checkTables(t testing.TB, doc *schemas.Document) {
	t.Helper()
	type span struct{ start, end int }
	var cells []span
	for i, tb := range doc.Tables {
		if len(tb.Rows) == 0 {
			t.Fatalf("table %d has no rows", i)
		}
		prev := tb.Start
		for r, row := range tb.Rows {
			if len(row.Cells) == 0 {
				t.Fatalf("table %d row %d has no cells", i, r)
			}
			for c, cell := range row.Cells {
				if cell.Start < prev || cell.End <= cell.Start || cell.End > tb.End || tb.End > len(doc.Text) {
					t.Fatalf("table %d [%d,%d) row %d cell %d: span [%d,%d) out of order or outside the table (previous end %d)", i, tb.Start, tb.End, r, c, cell.Start, cell.End, prev)
				}
				if got := doc.Text[cell.Start:cell.End]; got != cell.Text {
					t.Fatalf("table %d row %d cell %d: text %q, want Text[%d:%d] = %q", i, r, c, cell.Text, cell.Start, cell.End, got)
				}
				prev = cell.End
				cells = append(cells, span{cell.Start, cell.End})
			}
		}
		if i > 0 && tb.Start < doc.Tables[i-1].Start {
			t.Fatalf("table %d starts at %d, before table %d at %d", i, tb.Start, i-1, doc.Tables[i-1].Start)
		}
	}
	slices.SortFunc(cells, func(a, b span) int { return a.start - b.start })
	for i := 1; i < len(cells); i++ {
		if cells[i].start < cells[i-1].end {
			t.Fatalf("cells [%d,%d) and [%d,%d) overlap", cells[i-1].start, cells[i-1].end, cells[i].start, cells[i].end)
		}
	}
}
