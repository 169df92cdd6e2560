package sections

import (
	"context"
	"regexp"
	"strings"

	"github.com/finx-dev/finx/schemas"
)

// maxOutlook bounds an outlook section, in bytes, when no later heading ends
// it. Outlook sections of earnings releases run from a paragraph to a page.
const maxOutlook = 8000

var (
	outlookWordRe = regexp.MustCompile(`(?i)\b(outlook|guidance)\b`)
	// outlookHeadingRe lists the only words an outlook heading may hold
	// besides "outlook" or "guidance": period names, years and connectives.
	outlookHeadingRe = regexp.MustCompile(`(?i)^(?:(?:outlook|guidance|business|financial|fiscal|full|year|full-year|annual|quarter|quarterly|forward|looking|forward-looking|updated|and|&|first|second|third|fourth|q[1-4]|fy\s?\d{2,4}|\d{4}|20\d\d)[\s:]*)+$`)
	// stopHeadingRe matches the headings that usually follow an outlook
	// section in an earnings release.
	stopHeadingRe = regexp.MustCompile(`(?i)\b(conference call|webcast|about [a-z]|forward-looking statements|cautionary|safe harbor|non-gaap|contacts?\b|investor relations|use of non)`)
	// statementRe runs on the line with its spaces removed, because PDF text
	// may split a word ("Consolidated Statement of Incom e").
	statementRe = regexp.MustCompile(`(?i)(consolidated|condensed|combined).{0,40}(statements?of(income|operations|earnings|cashflows?|comprehensive|financialposition)|balancesheets?)`)
)

// findOutlook returns the first outlook or guidance heading that body text
// follows. The section ends at the next closing heading (conference call,
// forward-looking statements, about the company), at the next section, or
// after maxOutlook bytes.
func findOutlook(ctx context.Context, text string, lines []line, others []schemas.Section) (schemas.Section, bool, error) {
	for i, ln := range lines {
		if err := stopped(ctx, i); err != nil {
			return schemas.Section{}, false, err
		}
		if len(ln.Text) > 60 || !containsFold(ln.Text, "outlook") && !containsFold(ln.Text, "guidance") {
			continue
		}
		if !outlookWordRe.MatchString(ln.Text) || !outlookHeadingRe.MatchString(ln.Text) {
			continue
		}
		if i+1 >= len(lines) {
			break
		}
		if i > 0 {
			prev := lines[i-1].Text
			if len(prev) > 40 && !strings.ContainsAny(prev[len(prev)-1:], ".:;!?)") {
				// The end of a wrapped title: "...; Raises Full-Year" /
				// "Guidance".
				continue
			}
		}
		next := lines[i+1].Text
		if len(next) < 30 && !strings.HasSuffix(next, ":") && !strings.HasSuffix(next, ".") {
			// A wrapped title line such as "...; Raises Full-Year" / "Guidance".
			continue
		}
		end := ln.Start + maxOutlook
		for j := i + 1; j < len(lines) && lines[j].Start < end; j++ {
			t := lines[j].Text
			if len(t) <= 90 && !strings.HasSuffix(t, ".") && stopHeadingRe.MatchString(t) {
				end = lines[j].Start
				break
			}
		}
		for _, s := range others {
			if s.Start > ln.Start && s.Start < end {
				end = s.Start
			}
		}
		if end > len(text) {
			end = len(text)
		}
		return schemas.Section{ID: IDOutlook, Title: collapse(ln.Text), Start: ln.Start, End: end}, true, nil
	}
	return schemas.Section{}, false, nil
}

// containsFold reports whether s contains the lowercase ASCII string sub,
// ignoring ASCII case.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// findStatements returns the section from the first financial statement
// heading (statement of income or operations, balance sheet, cash flows) to
// the next item heading or the end of the text. In a 10-K or 10-Q it looks
// only after the start of Item 8 (or Part I Item 1) when that item exists.
func findStatements(ctx context.Context, text string, lines []line, items []schemas.Section) (schemas.Section, bool, error) {
	from := 0
	for _, s := range items {
		if s.ID == "item_8" || s.ID == "part1_item_1" {
			from = s.Start
		}
	}
	for i, ln := range lines {
		if err := stopped(ctx, i); err != nil {
			return schemas.Section{}, false, err
		}
		if ln.Start < from || len(ln.Text) > 120 || !statementRe.MatchString(strings.ReplaceAll(ln.Text, " ", "")) {
			continue
		}
		if trailingPageRe.MatchString(ln.Text) || (i+1 < len(lines) && pageNumberRe.MatchString(lines[i+1].Text)) {
			continue
		}
		end := len(text)
		for _, s := range items {
			if s.Start > ln.Start && s.Start < end {
				end = s.Start
			}
		}
		return schemas.Section{ID: IDFinancialStatements, Title: collapse(ln.Text), Start: ln.Start, End: end}, true, nil
	}
	return schemas.Section{}, false, nil
}
