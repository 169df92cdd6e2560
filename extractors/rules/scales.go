package rules

import (
	"context"
	"regexp"
	"sort"

	"github.com/finx-dev/finx/extractors/numfmt"
	"github.com/finx-dev/finx/schemas"
)

var (
	// sectionScaleRe finds a scale that a heading states for the text under
	// it, such as "Item 7—Management's Discussion ... (amounts in millions,
	// except per share data)". Only "amounts" and "dollars" phrases count,
	// because a bare "(in millions)" is the caption of one table.
	sectionScaleRe = regexp.MustCompile(`(?i)\(\s*(?:all\s+)?(?:dollar\s+)?(?:amounts|dollars)\s+in\s+(thousands|millions|billions)\b`)
	// itemHeadingRe finds the start of an item, which ends the reach of a
	// scale stated above it.
	itemHeadingRe = regexp.MustCompile(`(?im)^[ \t]*item\s+\d{1,2}[a-c]?\s*[.:—–-]`)
)

// sectionScaleReach bounds, in bytes, how far below its heading a section's
// scale applies.
const sectionScaleReach = 256 << 10

// scaleIndex contains the scales of a document that lie outside the headers
// right above a table: the captions of Document.Tables and the scale
// phrases of section headings.
type scaleIndex struct {
	tables   []captionedTable
	sections matchIndex
	items    [][]int
}

// captionedTable is the span of a table with a scale caption.
type captionedTable struct {
	start, end, exponent int
}

// newScaleIndex reads the table captions of doc with numfmt.ParseCaption
// and finds the section scale phrases and item headings of its text. It
// returns ctx.Err() when ctx ends.
func newScaleIndex(ctx context.Context, doc *schemas.Document) (*scaleIndex, error) {
	x := &scaleIndex{}
	for _, t := range doc.Tables {
		if t.Caption == "" {
			continue
		}
		if c, ok := numfmt.ParseCaption(t.Caption); ok && c.Exponent > 0 {
			x.tables = append(x.tables, captionedTable{start: t.Start, end: t.End, exponent: c.Exponent})
		}
	}
	sections, err := findAll(ctx, sectionScaleRe, doc.Text)
	if err != nil {
		return nil, err
	}
	x.sections = matchIndex{text: doc.Text, matches: sections}
	if x.items, err = findAll(ctx, itemHeadingRe, doc.Text); err != nil {
		return nil, err
	}
	return x, nil
}

// caption returns the power of ten of the caption of the table that holds
// off, or 0 when no captioned table holds it.
func (x *scaleIndex) caption(off int) int {
	for _, t := range x.tables {
		if off >= t.start && off < t.end {
			return t.exponent
		}
	}
	return 0
}

// section returns the power of ten of the nearest section scale phrase
// before off, or 0 when there is none within sectionScaleReach bytes or an
// item heading starts between that phrase and off. The heading that
// carries the phrase ends before it, so it does not count.
func (x *scaleIndex) section(off int) int {
	matches := x.sections.matches
	i := sort.Search(len(matches), func(i int) bool { return matches[i][1] > off }) - 1
	if i < 0 || off-matches[i][0] > sectionScaleReach {
		return 0
	}
	at := matches[i][0]
	j := sort.Search(len(x.items), func(k int) bool { return x.items[k][1] > at })
	if j < len(x.items) && x.items[j][0] < off {
		return 0
	}
	return scaleWords[asciiLower(x.sections.group(matches[i], 1))]
}
