package rules

import (
	"context"
	"regexp"
	"strings"
	"time"

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
		m.PeriodStart = periodStart(iso, headerMonths(x.headers.text, loc))
	}
}

// monthWords maps the length word of a period header to months.
var monthWords = map[string]int{"three": 3, "six": 6, "nine": 9, "twelve": 12}

// pairedLengthRe matches a length word and "and" right before another
// one: "three and " in "three and six months ended".
var pairedLengthRe = regexp.MustCompile(`(?i)\b(?:three|six|nine|twelve)\s+and\s+$`)

// headerMonths returns the length in months of the period header match
// loc of periodHeaderRe in text: group 1 names it ("three months ended"),
// group 3 is a year and group 4 a quarter.
func headerMonths(text string, loc []int) int {
	switch {
	case loc[2] >= 0 && pairedLengthRe.MatchString(text[max(loc[2]-16, 0):loc[2]]):
		// "the three and six months ended June 30, 2025" names two
		// lengths, and the figures follow in that order.
		return 0
	case loc[2] >= 0:
		return monthWords[asciiLower(text[loc[2]:loc[3]])]
	case loc[6] >= 0:
		return 12
	case loc[8] >= 0:
		return 3
	}
	return 0
}

// periodStart returns the ISO start of the period of the given months that
// ends on the ISO date end, or "" when months is 0 or end is invalid.
//
// NOTE: the start is computed from the calendar. A fiscal calendar of 52-53
// weeks starts its periods up to a few days off, which the XBRL check of
// the passes allows for.
func periodStart(end string, months int) string {
	if months <= 0 {
		return ""
	}
	t, err := time.Parse("2006-01-02", end)
	if err != nil {
		return ""
	}
	// The period after the end date's day, so that a quarter ending June
	// 30 starts April 1 and one ending September 28 starts June 29.
	return t.AddDate(0, 0, 1).AddDate(0, -months, 0).Format("2006-01-02")
}
