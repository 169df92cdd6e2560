package passes

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/finx-dev/finx/extractors/sections"
	"github.com/finx-dev/finx/schemas"
)

// Section IDs that each kind reads.
var (
	riskSections = []string{"item_1a", "part2_item_1a"}
	// metricSections are read in this order; the statements come first
	// because their tables carry the reported figures. Item 8 holds the
	// statements of a 10-K, and the financial statements section found
	// inside it may start after the first statement.
	metricSections = []string{"item_8", sections.IDFinancialStatements, "part1_item_1", "item_7", "part1_item_2"}
)

// forwardRe matches the words that mark a forward-looking statement in an
// earnings release.
var forwardRe = regexp.MustCompile(`(?i)\b(expects?|expected to|expecting|outlook|guidance|forecast(?:s|ing)?|reiterat(?:es|ed|ing)|raises|raised|now expects|anticipates?|projects?|targets?|plans to)\b`)

// Select returns the chunks that a pass of kind reads in doc, given its
// sections:
//
//   - risk: Item 1A of a 10-K, Part II Item 1A of a 10-Q;
//   - metric: the financial statements, Item 8 and MD&A of a 10-K or 10-Q;
//     the whole text of a document without items, such as an earnings
//     release;
//   - guidance: the outlook section, and in a document without items every
//     chunk holding a forward-looking word.
//
// Chunks are at most chunkBytes long (default when zero) and cut at line
// breaks.
func Select(doc *schemas.Document, secs []schemas.Section, kind Kind, chunkBytes int) []Chunk {
	if chunkBytes <= 0 {
		chunkBytes = defaultChunkBytes
	}
	hasItems := false
	for _, s := range secs {
		if strings.Contains(s.ID, "item_") {
			hasItems = true
			break
		}
	}
	var out []Chunk
	switch kind {
	case KindRisk:
		for _, id := range riskSections {
			if s := findSection(secs, id); s != nil {
				out = append(out, split(doc.Text, *s, chunkBytes)...)
			}
		}
	case KindMetric:
		if !hasItems {
			return split(doc.Text, schemas.Section{Start: 0, End: len(doc.Text)}, chunkBytes)
		}
		covered := [][2]int{}
		for _, id := range metricSections {
			s := findSection(secs, id)
			if s == nil || overlaps(covered, s.Start, s.End) {
				continue
			}
			covered = append(covered, [2]int{s.Start, s.End})
			out = append(out, split(doc.Text, *s, chunkBytes)...)
		}
	case KindGuidance:
		if s := findSection(secs, sections.IDOutlook); s != nil {
			out = append(out, split(doc.Text, *s, chunkBytes)...)
		}
		if hasItems {
			// NOTE: a 10-K or 10-Q yields guidance only from an outlook
			// section; forward-looking figures in MD&A are not read.
			return out
		}
		for _, c := range split(doc.Text, schemas.Section{Start: 0, End: len(doc.Text)}, chunkBytes) {
			if forwardRe.MatchString(c.Text) && !insideAny(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

func findSection(secs []schemas.Section, id string) *schemas.Section {
	for i := range secs {
		if secs[i].ID == id {
			return &secs[i]
		}
	}
	return nil
}

func overlaps(spans [][2]int, start, end int) bool {
	for _, s := range spans {
		if start < s[1] && s[0] < end {
			return true
		}
	}
	return false
}

func insideAny(chunks []Chunk, c Chunk) bool {
	for _, o := range chunks {
		if c.Offset >= o.Offset && c.End() <= o.End() {
			return true
		}
	}
	return false
}

// split cuts the section's text into chunks of at most size bytes, at the
// last line break before the limit when there is one.
func split(text string, s schemas.Section, size int) []Chunk {
	start, end := max(s.Start, 0), min(s.End, len(text))
	var out []Chunk
	for start < end {
		stop := min(start+size, end)
		if stop < end {
			if nl := strings.LastIndexAny(text[start:stop], "\n\f"); nl > 0 {
				stop = start + nl + 1
			}
			for stop > start+1 && !utf8.RuneStart(text[stop]) {
				stop--
			}
		}
		out = append(out, Chunk{Section: s.ID, Offset: start, Text: text[start:stop]})
		start = stop
	}
	return out
}
