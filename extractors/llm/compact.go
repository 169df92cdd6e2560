package llm

import (
	"regexp"
	"strings"

	"github.com/finx-dev/finx/extractors/passes"
)

// span is a byte range [start, end) of a chunk's text.
type span struct{ start, end int }

// gapMarker marks text left out of a chunk in a prompt, in a line or as a
// line of its own. The system prompt forbids quoting across it.
const gapMarker = "[...]"

const (
	// maxOpening caps the opening of a risk factor paragraph that a prompt
	// carries, in bytes; headings are shorter.
	maxOpening = 400
	// maxRunIn caps the opening of a long paragraph, in bytes: a heading
	// printed as the first sentence of its paragraph is shorter.
	maxRunIn = 250
	// minSentence is the least length of a first sentence, in bytes, so
	// that "Inc." or "U.S." does not end it.
	minSentence = 40
	// maxHeader is the longest line taken for a table's unit or period
	// header, in bytes; a longer one is running text.
	maxHeader = 120
	// headerReach is how many lines a unit or period header may stand
	// above the first figure line it serves.
	headerReach = 12
)

var (
	// sentenceEndRe finds the end of a sentence: a stop and a space before
	// a capital, quote or bracket.
	sentenceEndRe = regexp.MustCompile(`[.!?][”"’]?\s+[A-Z“"(]`)
	// metricWordRe finds the words of the metric taxonomy in a lowercase
	// line.
	metricWordRe = regexp.MustCompile(`\b(net sales|revenues?|net (income|earnings|loss)|per (diluted |basic )?(common )?share|diluted|basic|operating (income|loss)|income from operations|gross (profit|margin)|cash flows?|operating activities|capital expenditures|purchases? of property|cash and cash equivalents|total assets|total liabilities|current liabilities|debt|borrowings|notes payable|shares outstanding|dividends?|ebitda|free cash flow)\b`)
	// scaleHeaderRe finds the lines that state units or periods of a table.
	scaleHeaderRe = regexp.MustCompile(`(?i)\bin (millions|thousands|billions)\b|except (per[- ]share|share)|\b(years?|quarters?|months|weeks) ended\b|^\W*(19|20)\d\d(\W+(19|20)\d\d)+\W*$`)
)

// excerpts returns the spans of a chunk's text that a prompt of kind
// carries, in order and without overlap: for risks the opening sentence of
// every paragraph, where headings are printed; for metrics the lines that name
// a metric next to a figure, and the lines that state a table's units and
// periods. Guidance chunks go whole, because they are short and a target
// may sit anywhere in a paragraph. Items only in the left-out text are for
// the recall pass, which the fallback serves by default.
func excerpts(kind passes.Kind, text string) []span {
	switch kind {
	case passes.KindRisk:
		return openings(text)
	case passes.KindMetric:
		return figureLines(text)
	}
	return []span{{0, len(text)}}
}

// lines returns the spans of the lines of text, without line breaks.
func lines(text string) []span {
	var out []span
	start := 0
	for start <= len(text) {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			if start < len(text) {
				out = append(out, span{start, len(text)})
			}
			break
		}
		out = append(out, span{start, start + end})
		start += end + 1
	}
	return out
}

// openings returns the opening sentence of every paragraph. A paragraph
// starts after a blank line, after a line that ends a sentence, or after a
// line clearly shorter than the longest, as wrapped PDF text shows.
func openings(text string) []span {
	ls := lines(text)
	width := 0
	for _, l := range ls {
		width = max(width, l.end-l.start)
	}
	var out []span
	paragraphStart := true
	// underHeading is set after a line that reads as a heading of its own:
	// short and ending with a stop. The long paragraphs after it are its
	// body, so their openings are left out until the next short line.
	underHeading := false
	for _, l := range ls {
		line := text[l.start:l.end]
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			paragraphStart = true
			continue
		}
		last := trimmed[len(trimmed)-1:]
		long := l.end-l.start > maxOpening
		if paragraphStart && !(long && underHeading) {
			end := l.end
			if loc := sentenceEndRe.FindStringIndex(line[min(minSentence, len(line)):]); loc != nil {
				end = l.start + min(minSentence, len(line)) + loc[0] + 1
			}
			limit := maxOpening
			if long {
				// A long line is a body paragraph, or a heading run in
				// with its body.
				limit = maxRunIn
			}
			if end-l.start > limit {
				end = l.start + lastSpace(line[:limit])
			}
			out = appendSpan(out, span{l.start, end})
		}
		if paragraphStart && !long {
			underHeading = strings.ContainsAny(last, ".?!")
		}
		// A line that ends a sentence, or a short line without a trailing
		// comma such as a heading printed without a stop, ends its
		// paragraph. A wrapped line that happens to end a sentence only
		// adds one more opening.
		short := l.end-l.start < width*85/100
		paragraphStart = strings.ContainsAny(last, ".:;!?”\"") || (short && len(trimmed) < 200 && last != ",")
	}
	return out
}

// lastSpace returns the index of the last space in s, or len(s).
func lastSpace(s string) int {
	if i := strings.LastIndexByte(s, ' '); i > 0 {
		return i
	}
	return len(s)
}

// figureLines returns the lines holding a metric word and a digit, and
// the short lines above them that state units or periods. Of a long line,
// which is running text, it returns only the sentences holding a metric
// word and a digit.
func figureLines(text string) []span {
	ls := lines(text)
	var out []span
	// header is the index of the first unit or period line above the
	// current line that no figure line has claimed yet, or -1.
	header := -1
	for i, l := range ls {
		line := text[l.start:l.end]
		switch {
		case strings.TrimSpace(line) == "":
		case l.end-l.start <= maxHeader && scaleHeaderRe.MatchString(line):
			if header < 0 || i-header > headerReach {
				header = i
			}
		case !hasFigure(line):
		default:
			if header >= 0 && i-header <= headerReach {
				for _, h := range ls[header:i] {
					if hl := text[h.start:h.end]; len(hl) <= maxHeader && scaleHeaderRe.MatchString(hl) {
						out = appendSpan(out, h)
					}
				}
			}
			header = -1
			if l.end-l.start <= maxOpening {
				out = appendSpan(out, l)
				continue
			}
			for _, s := range sentences(line) {
				if hasFigure(line[s.start:s.end]) {
					out = appendSpan(out, span{l.start + s.start, l.start + s.end})
				}
			}
		}
	}
	return out
}

// hasFigure reports whether s holds a digit and a metric word. The digit
// test goes first because it is cheap and most prose has no digit.
func hasFigure(s string) bool {
	return strings.ContainsAny(s, "0123456789") && metricWordRe.MatchString(strings.ToLower(s))
}

// sentences splits a line at sentence ends; each span ends after its stop.
func sentences(line string) []span {
	var out []span
	start := 0
	for _, loc := range sentenceEndRe.FindAllStringIndex(line, -1) {
		end := loc[0] + 1
		if end-start < minSentence {
			continue
		}
		out = append(out, span{start, end})
		start = end + 1
		for start < len(line) && line[start] == ' ' {
			start++
		}
	}
	if start < len(line) {
		out = append(out, span{start, len(line)})
	}
	return out
}

// appendSpan appends s, merging it into the last span when they touch.
func appendSpan(out []span, s span) []span {
	if s.end <= s.start {
		return out
	}
	if n := len(out); n > 0 && s.start <= out[n-1].end+1 {
		out[n-1].end = max(out[n-1].end, s.end)
		return out
	}
	return append(out, s)
}

// renderChunk returns the text of a chunk as a prompt carries it: the
// whole text when full is set, else the excerpts with gap marks where text
// was left out. Text left out of a line becomes " [...]" in the line, and
// whole lines left out become one "[...]" line.
func renderChunk(kind passes.Kind, text string, full bool) string {
	if full {
		return text
	}
	var b strings.Builder
	pos := 0
	for _, s := range excerpts(kind, text) {
		writeGap(&b, text[pos:s.start])
		b.WriteString(text[s.start:s.end])
		pos = s.end
	}
	writeGap(&b, text[pos:])
	return b.String()
}

// writeGap writes the left-out text gap, or gap itself when it is only
// white space.
func writeGap(b *strings.Builder, gap string) {
	if strings.TrimSpace(gap) == "" {
		b.WriteString(gap)
		return
	}
	first := strings.IndexByte(gap, '\n')
	if first < 0 {
		b.WriteString(" " + gapMarker + " ")
		return
	}
	last := strings.LastIndexByte(gap, '\n')
	if strings.TrimSpace(gap[:first]) != "" {
		b.WriteString(" " + gapMarker)
	}
	b.WriteString("\n")
	if strings.TrimSpace(gap[first:last]) != "" {
		b.WriteString(gapMarker + "\n")
	}
	if strings.TrimSpace(gap[last+1:]) != "" {
		b.WriteString(gapMarker + " ")
	}
}
