package rules

import (
	"context"
	"strings"

	"github.com/finx-dev/finx/extractors/passes"
)

// periodLookback bounds, in bytes, how far before a figure setPeriod looks
// for a "three months ended <date>" header.
const periodLookback = 4000

// Every alternative of periodHeaderRe contains the word "ended", so the
// pattern runs only on windows around that word: from periodBefore bytes
// before it ("twelve months " is 14 bytes) to periodAfter bytes after the
// whitespace that follows it (a date such as "September 30, 2026").
const (
	periodBefore = 16
	periodAfter  = 64
)

// periodIndex holds the matches of periodHeaderRe in Document.Text.
type periodIndex struct {
	headers matchIndex
}

// newPeriodIndex finds the period headers of text. It returns ctx.Err()
// when ctx ends.
//
// NOTE: a header with more than periodAfter bytes between the whitespace
// after "ended" and the end of its date is not found.
func newPeriodIndex(ctx context.Context, text string) (*periodIndex, error) {
	lower := asciiLower(text)
	var matches [][]int
	for n, at := 0, 0; ; n++ {
		if stopped(ctx, n) {
			return nil, ctx.Err()
		}
		i := strings.Index(lower[at:], "ended")
		if i < 0 {
			break
		}
		// Windows that overlap are merged, so that each header lies whole
		// in one window.
		p := at + i
		start := max(p-periodBefore, at, 0)
		end := windowEnd(text, p+len("ended"))
		for {
			j := strings.Index(lower[p+len("ended"):], "ended")
			if j < 0 {
				break
			}
			q := p + len("ended") + j
			if q-periodBefore > end {
				break
			}
			end = max(end, windowEnd(text, q+len("ended")))
			p = q
		}
		for _, m := range periodHeaderRe.FindAllStringSubmatchIndex(text[start:end], -1) {
			if m[0] == 0 && start > 0 && isWordByte(text[start-1]) && isWordByte(text[start]) {
				// The window cut a word, and "\b" matched at the cut.
				continue
			}
			for k := range m {
				if m[k] >= 0 {
					m[k] += start
				}
			}
			matches = append(matches, m)
		}
		at = end
	}
	return &periodIndex{headers: matchIndex{text: text, matches: matches}}, nil
}

// windowEnd returns the end of the period window for an "ended" that ends
// at from: past the whitespace after it, then periodAfter bytes further.
func windowEnd(text string, from int) int {
	for from < len(text) && strings.IndexByte(" \t\n\f\r", text[from]) >= 0 {
		from++
	}
	return min(from+periodAfter, len(text))
}

// isWordByte reports whether c is a word character of "\b" in Go's regexp:
// an ASCII letter, digit or underscore.
func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// setPeriod takes the period of the nearest "three months ended <date>"
// header that ends at or before off and starts within periodLookback bytes
// before it, but not before lo, which is the start of the text the figure
// was read from. Only the end date is known.
func (x *periodIndex) setPeriod(m *passes.MetricCandidate, lo, off int) {
	m.PeriodType = "unknown"
	// A header row names every column ("Three Months Ended September 30,
	// 2026\tThree Months Ended September 30, 2025"); the first column on
	// the line of the nearest header is the current period.
	loc := x.headers.nearestLine(lo, max(off-periodLookback, lo, 0), off)
	if loc == nil {
		return
	}
	// Group 1 is "three", "six" and so on; the date groups follow.
	if iso, ok := isoDate(x.headers.group(loc, 2)); ok {
		m.PeriodType, m.PeriodEnd = "duration", iso
	}
}
