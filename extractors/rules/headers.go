package rules

import (
	"context"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// matchIndex holds the matches of a pattern in a text, found in one scan,
// so that the match nearest before each of many offsets is a binary search
// instead of a scan of the bytes before every offset.
type matchIndex struct {
	text string
	// matches are submatch indexes in text order. They do not overlap, so
	// both their starts and their ends ascend.
	matches [][]int
}

// nearestLine returns the first match on the line of the last match that
// starts at or after from and ends at or before off, or nil without one.
// The line starts no earlier than floor.
func (x *matchIndex) nearestLine(floor, from, off int) []int {
	last := sort.Search(len(x.matches), func(i int) bool { return x.matches[i][1] > off }) - 1
	if last < 0 || x.matches[last][0] < from {
		return nil
	}
	// The search stops at floor, because a text without line breaks would
	// make it scan back to the start of the text for every offset.
	lineStart := floor + strings.LastIndexByte(x.text[floor:x.matches[last][0]], '\n') + 1
	first := sort.Search(last, func(i int) bool { return x.matches[i][0] >= lineStart })
	return x.matches[first]
}

// group returns the first non-empty submatch of loc from group g on.
func (x *matchIndex) group(loc []int, g int) string {
	for ; 2*g+1 < len(loc); g++ {
		if loc[2*g] >= 0 && loc[2*g+1] > loc[2*g] {
			return x.text[loc[2*g]:loc[2*g+1]]
		}
	}
	return ""
}

// headerLine is the record of one line of text as headerAbove reads it.
type headerLine struct {
	prose bool
	// scale is set when the line contains a scale header on its own, such as
	// "(in millions)".
	scale bool
	// titleBreak is set when the line cannot be part of a table title: it
	// is empty or long, or contains a tab or a number with thousands
	// separators.
	titleBreak bool
	segments   bool
	percentOf  bool
	restated   bool
	partial    bool
	bigNumber  bool
	// years and dates are the column years and full dates of a line with
	// two or more years and no big number.
	years []int
	dates []string
	// monthDay is "12-31" from a short line such as "Years ended December
	// 31", or "".
	monthDay string
	// columnDays are the month and day of each column ("12-31", "09-30")
	// of a line that holds two or more such dates and nothing else.
	columnDays []string
	// soleYear is the year of a line that holds only a year, or 0.
	soleYear int
	// months is the period length that the line names ("Twelve Months
	// Ended"), -1 when it names two lengths, or 0. firstMonths is the
	// length it names first, which heads its first columns.
	months, firstMonths int
}

// minQuarterMonths is how many different months a header of dates
// without years must name to head a table of quarters.
const minQuarterMonths = 3

// readHeaderLine reads one line. Each pattern runs only on lines that
// contain a word or character that it needs, because most lines of a statement are
// rows that match none of them.
func readHeaderLine(raw string) headerLine {
	t := strings.TrimSpace(raw)
	lower := asciiLower(t)
	digits := strings.ContainsAny(t, "0123456789")
	h := headerLine{
		prose:     isProse(t),
		scale:     hasAny(lower, "thousand", "million", "billion") && scaleRe.MatchString(t),
		bigNumber: digits && strings.Contains(t, ",") && bigNumberRe.MatchString(t),
		segments: hasAnySuffix(t, "Total", "Worldwide", "Consolidated") && segmentHeaderRe.MatchString(t) ||
			strings.Contains(lower, "segment") && segmentRowRe.MatchString(t),
		percentOf: strings.Contains(lower, " of ") && percentOfRe.MatchString(t),
		restated:  hasAny(lower, "reported", "restated") && restatedRe.MatchString(t),
		partial:   hasAny(lower, "variable interest", "guarantor", "parent company", "registrant", "equity method") && partialRe.MatchString(t),
	}
	h.titleBreak = t == "" || len(t) > 80 || strings.Contains(t, "\t") || h.bigNumber
	if hasAny(lower, "ended", "ending") && len(t) < 200 {
		h.months, h.firstMonths = lineMonths(t)
	}
	if soleYearRe.MatchString(t) {
		h.soleYear, _ = strconv.Atoi(t)
	}
	if digits && len(t) < 120 && monthDayOnlyRe.MatchString(t) {
		for _, m := range monthDayRe.FindAllStringSubmatch(t, -1) {
			if iso, ok := isoDate(m[1] + " " + m[2] + " 2000"); ok {
				h.columnDays = append(h.columnDays, iso[5:])
			}
		}
		months := map[string]bool{}
		for _, d := range h.columnDays {
			months[d[:2]] = true
		}
		if len(months) < minQuarterMonths {
			// "August 29, August 30," heads two fiscal year ends of a
			// 52-53 week calendar, with the years on the next line.
			h.columnDays = nil
		}
	}
	if h.bigNumber || !digits {
		// Years, dates and days need digits.
		return h
	}
	if ys := yearTokenRe.FindAllString(t, -1); len(ys) >= 2 {
		for _, y := range ys {
			n, _ := strconv.Atoi(y)
			h.years = append(h.years, n)
		}
		for _, m := range monthDayRe.FindAllStringSubmatch(t, -1) {
			if iso, ok := isoDate(m[0]); ok {
				h.dates = append(h.dates, iso)
			}
		}
	}
	if len(t) < 200 {
		if m := monthDayRe.FindStringSubmatch(t); m != nil {
			if iso, ok := isoDate(m[1] + " " + m[2] + " 2000"); ok {
				h.monthDay = iso[5:]
			}
		}
	}
	return h
}

// periodLengthRe finds the period length words of a column header:
// "Three Months Ended", "Twelve months ended", "Years Ended", "Quarter
// Ended".
var periodLengthRe = regexp.MustCompile(`(?i)\b(three|six|nine|twelve)\s+months\s+end(?:ed|ing)\b|\b(?:fiscal\s+)?(years?)\s+end(?:ed|ing)\b|\b(quarters?)\s+end(?:ed|ing)\b`)

// lineMonths returns the period length in months that line t names, -1
// when it names two different lengths, or 0 when it names none, and the
// length it names first.
func lineMonths(t string) (months, first int) {
	for _, m := range periodLengthRe.FindAllStringSubmatch(t, -1) {
		n := 3
		switch {
		case m[1] != "":
			n = monthWords[asciiLower(m[1])]
		case m[2] != "":
			n = 12
		}
		if first == 0 {
			first = n
		}
		if months != 0 && months != n {
			months = -1
		} else if months == 0 {
			months = n
		}
	}
	return months, first
}

// asciiLower lowers the ASCII letters of s and keeps every other byte, so
// that offsets in the result are offsets in s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func hasAnySuffix(s string, suffixes ...string) bool {
	for _, suffix := range suffixes {
		if strings.HasSuffix(s, suffix) {
			return true
		}
	}
	return false
}

func hasAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// headerIndex reads the table headers of Document.Text. Each line is read
// once, on first use, so that reading the header above every row of a
// table costs a walk over line records instead of pattern scans of the
// headerLookback bytes above each row.
type headerIndex struct {
	text   string
	scales matchIndex
	// lineStarts are the offsets of the lines of text, cut at "\n" only.
	lineStarts []int
	lines      []headerLine
	read       []bool
}

func newHeaderIndex(ctx context.Context, text string) (*headerIndex, error) {
	scales, err := findAll(ctx, scaleRe, text)
	if err != nil {
		return nil, err
	}
	x := &headerIndex{text: text, scales: matchIndex{text: text, matches: scales}}
	x.lineStarts = append(x.lineStarts, 0)
	for i := 0; i < len(text); {
		j := strings.IndexByte(text[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		x.lineStarts = append(x.lineStarts, i)
	}
	x.lines = make([]headerLine, len(x.lineStarts))
	x.read = make([]bool, len(x.lineStarts))
	return x, nil
}

// lineAt returns the index of the line holding off.
func (x *headerIndex) lineAt(off int) int {
	return sort.Search(len(x.lineStarts), func(i int) bool { return x.lineStarts[i] > off }) - 1
}

// lineEnd returns the offset of the "\n" that ends line i, or len(text).
func (x *headerIndex) lineEnd(i int) int {
	if i+1 < len(x.lineStarts) {
		return x.lineStarts[i+1] - 1
	}
	return len(x.text)
}

// headerWindow is the text [from, off) above a row as lines, the first and
// the last of which may be cut by the window's edges.
type headerWindow struct {
	x           *headerIndex
	first, last int
	from, off   int
	cut         map[int]*headerLine
}

// len returns the number of lines of the window.
func (w *headerWindow) len() int { return w.last - w.first + 1 }

// line returns the record of the window's line k.
func (w *headerWindow) line(k int) *headerLine {
	i := w.first + k
	start, end := w.x.lineStarts[i], w.x.lineEnd(i)
	if start >= w.from && end <= w.off {
		if !w.x.read[i] {
			w.x.lines[i], w.x.read[i] = readHeaderLine(w.x.text[start:end]), true
		}
		return &w.x.lines[i]
	}
	if h, ok := w.cut[k]; ok {
		return h
	}
	h := readHeaderLine(w.x.text[max(start, w.from):min(end, w.off)])
	if w.cut == nil {
		w.cut = map[int]*headerLine{}
	}
	w.cut[k] = &h
	return &h
}

// headerAbove reads the headers in the headerLookback bytes above off.
func (x *headerIndex) headerAbove(off int) tableHeader {
	from := max(off-headerLookback, 0)
	var h tableHeader
	// The first scale of the nearest header line counts, because a header
	// such as "(In millions, except shares, which are in thousands)" names
	// the figures' scale first.
	if loc := x.scales.nearestLine(from, from, off); loc != nil {
		h.scale = scaleWords[strings.ToLower(x.scales.group(loc, 1))]
	}

	w := &headerWindow{x: x, first: x.lineAt(from), last: x.lineAt(off), from: from, off: off}
	start := tableStart(w)
	daysAt := -1
	for k := titleStart(w, start); k < w.len(); k++ {
		ln := w.line(k)
		h.segments = h.segments || ln.segments
		h.percentOf = h.percentOf || ln.percentOf
		h.restated = h.restated || ln.restated
		h.partial = h.partial || ln.partial
		if ln.columnDays != nil {
			h.columnDays, daysAt = ln.columnDays, k
		}
		if ln.soleYear != 0 {
			h.soleYear = ln.soleYear
		}
		switch {
		case ln.months == 0:
		case h.months == 0:
			h.months, h.firstMonths = ln.months, ln.firstMonths
		case h.months != ln.months:
			h.months = -1
		}
	}

	yearsAt := -1
	for k := w.len() - 1; k >= 0 && (h.years == nil || h.monthDay == ""); k-- {
		if yearsAt >= 0 && k < yearsAt-headerLines {
			// The month and day belong to the header block of the years.
			break
		}
		ln := w.line(k)
		if h.years == nil && ln.years != nil {
			h.years, h.dates = ln.years, ln.dates
			yearsAt = k
		}
		if h.monthDay == "" && ln.monthDay != "" {
			h.monthDay = ln.monthDay
		}
	}
	if daysAt >= 0 && yearsAt > daysAt && yearsAt-daysAt < headerLines {
		// The years line under the dates completes them ("Sep 30 Jul 1
		// Oct 1" over "2006 2006 2005"), so the columns have full dates.
		h.columnDays = nil
	}
	return h
}

// maxTableLines bounds how many lines above a row tableStart looks for
// the table's caption.
const maxTableLines = 60

// tableStart returns the index of the first header line of the table that
// ends with the last line of w: the nearest prose line, which is its
// caption, or the nearest scale line such as "(in millions)" with up to
// headerLines-1 column header lines above it. Without either it returns the
// index maxTableLines above the end.
func tableStart(w *headerWindow) int {
	n := w.len()
	for i := n - 1; i >= 0 && i >= n-maxTableLines; i-- {
		ln := w.line(i)
		if ln.prose {
			return i
		}
		if ln.scale {
			start := i
			for j := i - 1; j >= 0 && j > i-headerLines && !w.line(j).prose; j-- {
				start = j
			}
			return start
		}
	}
	return max(n-maxTableLines, 0)
}

// maxTitleLines bounds how many short title lines above a table's first
// header line titleStart includes, such as "CONDENSED FINANCIAL INFORMATION
// OF THE REGISTRANT" and "(PARENT COMPANY)" over a balance sheet.
const maxTitleLines = 6

// titleStart returns the index of the first of the short lines without
// tabs or numbers right above line start of w.
func titleStart(w *headerWindow, start int) int {
	i := start
	for j := start - 1; j >= 0 && j >= start-maxTitleLines; j-- {
		if w.line(j).titleBreak {
			break
		}
		i = j
	}
	return i
}

// isProse reports whether a line is running text: long, without a tab and
// not ending with a number.
func isProse(t string) bool {
	return len(t) > 80 && !strings.Contains(t, "\t") && !endsWithNumber(t)
}

// endsWithNumber reports whether t ends with a digit, ")" or "%" before any
// trailing ASCII whitespace.
func endsWithNumber(t string) bool {
	t = strings.TrimRight(t, " \t\n\f\r")
	return t != "" && strings.IndexByte("0123456789)%", t[len(t)-1]) >= 0
}
