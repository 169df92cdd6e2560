package review

import (
	"fmt"
	"html/template"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/finx-dev/finx/schemas"
)

// placement is the span of an item's citation in the document text.
type placement struct {
	item       *Item
	start, end int
	// clipped is set when the span overlapped the end of an enclosing span
	// and was cut there, so that the marks nest.
	clipped bool
}

// unplaced is an item whose citation could not be highlighted, and why.
type unplaced struct {
	Item   *Item
	Reason string
}

// placeCitations returns the items whose citation span is valid in text,
// sorted for rendering (start ascending, longer spans first), and the items
// that cannot be highlighted.
func placeCitations(text string, items []Item) ([]placement, []unplaced) {
	var placed []placement
	var missing []unplaced
	for i := range items {
		it := &items[i]
		c := it.Citation()
		switch {
		case c.Start < 0 || c.End > len(text) || c.Start >= c.End:
			missing = append(missing, unplaced{it, fmt.Sprintf("span %d-%d is outside the parsed text (%d bytes)", c.Start, c.End, len(text))})
		case !utf8.RuneStart(text[c.Start]) || (c.End < len(text) && !utf8.RuneStart(text[c.End])):
			missing = append(missing, unplaced{it, fmt.Sprintf("span %d-%d splits a character", c.Start, c.End)})
		case text[c.Start:c.End] != c.Quote:
			missing = append(missing, unplaced{it, "the parsed text at the span differs from the quote; the source file may have changed or be parsed by another finx version"})
		default:
			placed = append(placed, placement{item: it, start: c.Start, end: c.End})
		}
	}
	sort.SliceStable(placed, func(i, j int) bool {
		a, b := placed[i], placed[j]
		if a.start != b.start {
			return a.start < b.start
		}
		if a.end != b.end {
			return a.end > b.end
		}
		return a.item.Anchor() < b.item.Anchor()
	})
	return placed, missing
}

// highlight renders text as escaped HTML with one <mark> per placed item and
// a marker at the start of each PDF page. Marks nest; a span that overlaps
// the end of an enclosing one is cut at that end.
func highlight(text string, pages []schemas.Page, placed []placement) template.HTML {
	var b strings.Builder
	b.Grow(len(text) + len(text)/8)
	pos := 0
	next := 0 // index of the next page marker to write

	marker := func() {
		fmt.Fprintf(&b, `<span class="page-break" id="page-%d">page %d</span>`, pages[next].Number, pages[next].Number)
		next++
	}

	// emit writes the text up to to, with the markers of pages that start
	// before to. With markersAtEnd it also writes those starting at to,
	// which suits a mark opening there but not one closing there.
	emit := func(to int, markersAtEnd bool) {
		for {
			for next < len(pages) && (pages[next].Start < to || markersAtEnd && pages[next].Start == to) && pages[next].Start <= pos {
				marker()
			}
			if pos >= to {
				return
			}
			end := to
			if next < len(pages) && pages[next].Start < end {
				end = pages[next].Start
			}
			// A form feed separates PDF pages; the page marker replaces it.
			b.WriteString(template.HTMLEscapeString(strings.ReplaceAll(text[pos:end], "\f", "\n")))
			pos = end
		}
	}

	var open []placement
	for _, p := range placed {
		for len(open) > 0 && open[len(open)-1].end <= p.start {
			emit(open[len(open)-1].end, false)
			b.WriteString("</mark>")
			open = open[:len(open)-1]
		}
		if len(open) > 0 && p.end > open[len(open)-1].end {
			p.end = open[len(open)-1].end
			p.clipped = true
		}
		emit(p.start, true)
		it := p.item
		class := "hl " + it.Kind + " status-" + it.Status()
		title := it.Kind + ": " + it.Title()
		if p.clipped {
			class += " clipped"
			title += " (overlaps another quote; the highlight ends early)"
		}
		fmt.Fprintf(&b, `<mark id="%s" class="%s" title="%s">`,
			template.HTMLEscapeString(it.Anchor()), template.HTMLEscapeString(class), template.HTMLEscapeString(title))
		open = append(open, p)
	}

	for len(open) > 0 {
		emit(open[len(open)-1].end, false)
		b.WriteString("</mark>")
		open = open[:len(open)-1]
	}
	emit(len(text), true)
	// Pages with no text at the end of the document still get their marker.
	for next < len(pages) {
		marker()
	}
	return template.HTML(b.String())
}
