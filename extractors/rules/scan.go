package rules

import (
	"context"
	"regexp"
	"strings"
)

// scanSegment is the length in bytes of the pieces of text that findAll
// scans between checks of ctx; Go's regexp reads a few MB per second with
// the case-insensitive patterns of this package, so a piece takes
// milliseconds.
const scanSegment = 32 << 10

// scanOverlap is the longest match, in bytes, that findAll finds across the
// end of a segment.
const scanOverlap = 1024

// findAll returns what re.FindAllStringSubmatchIndex returns on text, but
// scans segments of about scanSegment bytes and returns ctx.Err() when ctx
// ends. A segment ends after a line break, or after a space when the text
// has no line break near the cut, so that "^" and "\b" at a segment start
// read as they do in the whole text.
//
// NOTE: a match longer than scanOverlap that spans a segment end is cut
// short or missed. The patterns that findAll serves match headers of under
// 200 bytes unless a run of whitespace inside them is longer.
func findAll(ctx context.Context, re *regexp.Regexp, text string) ([][]int, error) {
	var out [][]int
	for start := 0; start < len(text); {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		end := segmentEnd(text, start)
		hi := min(end+scanOverlap, len(text))
		next := end
		for _, m := range re.FindAllStringSubmatchIndex(text[start:hi], -1) {
			if start+m[0] >= end {
				break
			}
			for k := range m {
				if m[k] >= 0 {
					m[k] += start
				}
			}
			out = append(out, m)
			next = max(next, m[1])
		}
		start = next
	}
	return out, nil
}

// segmentEnd returns where the segment that starts at start ends: after
// the first line break at or past start+scanSegment, else after the first
// space within scanSegment bytes past it, else at start+2*scanSegment or the
// end of text.
func segmentEnd(text string, start int) int {
	end := start + scanSegment
	if end >= len(text) {
		return len(text)
	}
	limit := min(end+scanSegment, len(text))
	if i := strings.IndexByte(text[end:limit], '\n'); i >= 0 {
		return end + i + 1
	}
	if i := strings.IndexByte(text[end:limit], ' '); i >= 0 {
		return end + i + 1
	}
	return limit
}
