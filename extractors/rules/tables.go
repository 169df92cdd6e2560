package rules

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/finx-dev/finx/extractors/passes"
)

// headerLookback bounds, in bytes, how far above a table row the scale,
// years and period headers are looked for.
const headerLookback = 4000

// headerLines is how many lines above the years row a table header's
// "Years ended September 28" line may sit.
const headerLines = 3

var (
	// numberTokenRe finds the number cells of a row.
	numberTokenRe = regexp.MustCompile(`\(?-?[0-9][0-9,]*(?:\.[0-9]+)?\)?%?`)
	// rowLabelRe splits a row printed on one line into its label and the
	// rest, which must hold only numbers, dollar signs and dashes.
	rowLabelRe = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9 ,.'’&()/\-—–]*?[A-Za-z)])[\s.:]*((?:[\s$]*(?:\(?-?[0-9][0-9,]*(?:\.[0-9]+)?\)?%?|—|–|-))+)\s*$`)
	// scaleRe finds "(in millions", "(Dollars in millions", "(Millions,",
	// "in thousands" and "$ million".
	// Header words wrap onto the next line in PDF text ("(in\nmillions)"),
	// so any whitespace separates them.
	scaleRe = regexp.MustCompile(`(?i)\(\s*(?:dollars\s+|amounts\s+|\$\s+)?(?:in\s+)?(thousands|millions|billions)\b|\bin\s+(thousands|millions|billions)\b|(?:^|[\s(])\$\s?(thousand|million|billion)s?\b`)
	// segmentHeaderRe matches a column header that names segments or
	// geographic areas and ends with their total, such as "Compute &
	// Networking\tGraphics\tTotal" or "States Pacific & Africa Canada
	// Unallocated Worldwide".
	segmentHeaderRe = regexp.MustCompile(`^[^0-9]*\S\s+(?:Total|Worldwide|Consolidated)$`)
	// monthDayOnlyRe matches a column header of dates without years, one
	// per quarter: "December 31 September 30 June 30 March 31".
	monthDayOnlyRe = regexp.MustCompile(`(?i)^(?:(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+\d{1,2}(?:\s+|\s*,\s*|$))+$`)
	// soleYearRe matches a line that is only a year, which opens the rows
	// of that year in a table of quarters.
	soleYearRe = regexp.MustCompile(`^(19[89][0-9]|20[0-9][0-9])$`)
	// percentOfRe finds "expressed as a percentage of revenue" and "% of
	// net sales" above a table of ratios.
	// segmentRowRe matches a sub-heading row inside a table that opens one
	// segment's rows, such as "Automotive segment".
	segmentRowRe = regexp.MustCompile(`(?i)^[a-z ,&-]{2,60} segment:?$`)
	restatedRe   = regexp.MustCompile(`(?i)\bas previously reported\b|\bas restated\b`)
	partialRe    = regexp.MustCompile(`(?i)variable interest entit|\bguarantor\b|non-guarantor|\bparent company\b|information of (?:the )?registrant|equity method investee`)
	percentOfRe  = regexp.MustCompile(`(?i)(?:percentage|percent|%) of (?:total |net )?(?:revenues?|sales)\b`)
	yearTokenRe  = regexp.MustCompile(`\b(19[89][0-9]|20[0-9][0-9])\b`)
	// monthDayRe finds "December 31" and "July 29, 2023" in headers.
	monthDayRe  = regexp.MustCompile(`(?i)\b(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+(\d{1,2})\b(?:,?\s+((?:19|20)\d\d))?`)
	bigNumberRe = regexp.MustCompile(`[0-9],[0-9]{3}`)
)

// instantMetrics are balance-sheet figures, measured at a date.
var instantMetrics = map[string]bool{
	passes.MetricCash: true, passes.MetricTotalAssets: true, passes.MetricTotalLiabilities: true,
	passes.MetricCurrentLiabilities: true, passes.MetricTotalDebt: true, passes.MetricSharesOutstanding: true,
}

// cell is a number of a table row; Start is its byte offset in the text.
type cell struct {
	Text  string
	Start int
}

// rowCells returns the label and number cells of a table row:
// "Net sales\t32,765\t31,657" or "Net sales $ 32,765 $ 31,657".
func rowCells(ln line) (string, []cell) {
	var label, rest string
	restAt := 0
	if i := strings.IndexByte(ln.Text, '\t'); i >= 0 {
		label, rest, restAt = strings.TrimSpace(ln.Text[:i]), ln.Text[i+1:], i+1
		if strings.TrimSpace(strings.NewReplacer("$", "", "\t", "", "—", "", "–", "", " ", "", "%", "").Replace(numberTokenRe.ReplaceAllString(rest, ""))) != "" {
			return "", nil
		}
	} else {
		m := rowLabelRe.FindStringSubmatchIndex(ln.Text)
		if m == nil {
			return "", nil
		}
		label, rest, restAt = ln.Text[m[2]:m[3]], ln.Text[m[4]:m[5]], m[4]
	}
	var cells []cell
	for _, loc := range numberTokenRe.FindAllStringIndex(rest, -1) {
		cells = append(cells, cell{Text: rest[loc[0]:loc[1]], Start: ln.Start + restAt + loc[0]})
	}
	return label, cells
}

// tableHeader is the scale, years and dates of a table, read from the lines
// above a row.
type tableHeader struct {
	scale int
	// years are the column years in print order, such as [2017 2018 2019].
	years []int
	// monthDay is "12-31" from "Years ended December 31", or "".
	monthDay string
	// dates are the full header dates in print order, ISO formatted.
	dates []string
	// percentOf is set when the table's caption states that its figures are
	// percentages of revenue.
	percentOf bool
	// restated is set when the columns compare reported and restated
	// figures ("As Previously Reported", "As Adjusted").
	restated bool
	// partial is set when the table covers part of the company, such as
	// its variable interest entities or guarantor subsidiaries.
	partial bool
	// segments is set when the table names segment columns followed by
	// their total, or a row opens one segment's rows.
	segments bool
	// columnDays are the month and day of each column of a table of
	// quarters, whose header prints dates without years ("December 31
	// September 30 June 30 March 31").
	columnDays []string
	// soleYear is the year of the nearest line above the row that holds
	// only a year, which opens that year's rows in a table of quarters.
	soleYear int
	// months is the period length in months that every length header of
	// the table names ("Twelve Months Ended June 30,"), -1 when they name
	// two lengths, or 0 when they name none. firstMonths is the length
	// that the first of those lines names first, over the first columns.
	months, firstMonths int
}

// columnMonths returns the period length of column col: the length that
// all headers name, or the first length named for a column in the first
// half of the year columns, as in "Three Months Ended June 30, Twelve
// Months Ended June 30," over "2022 2023 2022 2023". It returns 0 when not
// known.
//
// NOTE: a header that names three lengths is read as if it named two.
func (h tableHeader) columnMonths(col int) int {
	switch {
	case h.months > 0:
		return h.months
	case h.months < 0 && col == 0:
		return h.firstMonths
	case h.months < 0 && len(h.years) >= 2 && len(h.years)%2 == 0 && col < len(h.years)/2:
		return h.firstMonths
	}
	return 0
}

// current returns the index of the cell of the latest year: the column of
// the maximum header year when the row has a cell per year, else the last
// cell when years ascend and the first otherwise.
func (h tableHeader) current(cells int) int {
	if len(h.years) < 2 || cells == 0 {
		return 0
	}
	best := 0
	for i, y := range h.years {
		if y > h.years[best] {
			best = i
		}
	}
	if cells >= len(h.years) {
		// Extra cells (change columns, percentages) follow the year columns.
		return best
	}
	if h.years[len(h.years)-1] > h.years[0] {
		return cells - 1
	}
	return 0
}

// latestDayColumn returns the column of the latest quarter of a table of
// quarters: the first when the dates descend, else the last.
//
// NOTE: a fiscal year that ends in another month than December, printed
// from its first quarter on ("September 30 December 31 March 31 June 30"),
// makes the last column the latest although its date is not the maximum.
func (h tableHeader) latestDayColumn() int {
	if h.columnDays[len(h.columnDays)-1] > h.columnDays[0] {
		return len(h.columnDays) - 1
	}
	return 0
}

// latestYear returns the maximum header year, or 0 without years.
func (h tableHeader) latestYear() int {
	latest := 0
	for _, y := range h.years {
		latest = max(latest, y)
	}
	return latest
}

// periodEnd returns the ISO end date of the current column, or "".
func (h tableHeader) periodEnd() string {
	if len(h.dates) > 0 {
		latest := h.dates[0]
		for _, d := range h.dates {
			if d > latest {
				latest = d
			}
		}
		return latest
	}
	if len(h.years) == 0 || h.monthDay == "" {
		return ""
	}
	year := h.years[0]
	for _, y := range h.years {
		year = max(year, y)
	}
	return strconv.Itoa(year) + "-" + h.monthDay
}
