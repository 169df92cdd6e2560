package sections

import (
	"regexp"
	"strings"

	"github.com/finx-dev/finx/schemas"
)

// Cover contains the facts a filing states about itself on its cover page
// or, for an earnings release, in its opening lines and its "About
// <Company>" paragraph. An empty field means the document does not state
// it in a form that ReadCover reads.
type Cover struct {
	// Company is the registrant's name as printed, such as "BEST BUY CO.,
	// INC." or "Netflix, Inc.".
	Company string
	// CIK is the value of dei:EntityCentralIndexKey. Text never sets it.
	CIK string
	// PeriodEnd is the ISO date of the end of the period the document
	// reports on: dei:DocumentPeriodEndDate, else "For the fiscal year
	// ended <date>" or "For the quarterly period ended <date>" on the
	// cover, else the first "quarter ended <date>" of a release's opening.
	PeriodEnd string
}

// coverHead is how many bytes at the start of the text ReadCover searches
// for the cover page and a release's dateline. The 10-K and 10-Q cover
// pages in the test corpus, with a table-of-contents link or an EDGAR
// header before them, end within the first 10 KiB.
const coverHead = 16 << 10

var (
	// registrantNoteRe matches the caption printed under the registrant's
	// name on a 10-K, 10-Q or 8-K cover page.
	registrantNoteRe = regexp.MustCompile(`(?i)\(?[ \t]*exact[ \t]+name[ \t]+of[ \t]+(?:the[ \t]+)?registrants?[ \t]+as[ \t]+specified[ \t]+in[ \t]+(?:its|their)[ \t]+charters?[ \t]*\)?`)

	// fileNumberRe matches the cover page line "Commission file number
	// 1-3285", which the registrant's name follows on covers that print no
	// caption under the name.
	fileNumberRe = regexp.MustCompile(`(?i)^commission[ \t]+file[ \t]+(?:number|no\.?)[ \t:]*[0-9][0-9-]*$`)

	// ruleLineRe matches a line of underscores, dashes or equals signs that
	// a cover page prints between its blocks.
	ruleLineRe = regexp.MustCompile(`^[-_=‐‑–—\s]+$`)

	// companyWords is a run of up to six capitalised words, the shape of a
	// company name in running text: "PepsiCo, Inc.", "Ulta Beauty, Inc.".
	companyWords = `((?:[A-Z][\w.&'’-]*,?[ \t]+){0,5}[A-Z][\w.&'’-]*)`

	// tickerRe matches a company name followed by its listing, "PepsiCo,
	// Inc. (NASDAQ: PEP)" or "Amcor (NYSE: AMCR; ASX: AMC)", the way a
	// release's dateline or "About" paragraph names the issuer.
	tickerRe = regexp.MustCompile(companyWords + `[ \t]*\((?:NYSE|NASDAQ|Nasdaq|AMEX|OTC|TSX|LSE|ASX)(?:[ \t][A-Za-z]+)?:[ \t]*[A-Z][A-Z.]{0,6}[);,]`)

	// reportedRe matches "Intel Corporation today reported", a dateline
	// that names the issuer without a listing.
	reportedRe = regexp.MustCompile(companyWords + `,?[ \t]+today[ \t]+(?:reported|announced)\b`)

	// aboutRe matches the heading of the boilerplate paragraph at the end of
	// a release, "About Ulta Beauty". The name must start with a capital.
	aboutRe = regexp.MustCompile(`^About[ \t]+([A-Z][\w.&'’-]*(?:[ \t]+[A-Z][\w.&'’-]*){0,4})$`)

	// coverPeriodRe matches the period a 10-K or 10-Q cover page states:
	// "For the fiscal year ended December 31, 2024", "For the quarterly
	// period ended June 30, 2025".
	coverPeriodRe = regexp.MustCompile(`(?i)\bfor[ \t]+the[ \t]+(?:fiscal[ \t]+)?(?:year|quarter|quarterly[ \t]+period)[ \t]+ended[ \t]+` + dateExpr)

	// releasePeriodRe matches the period in a release's opening: "for the
	// fiscal quarter ended November 2, 2024", "first quarter fiscal 2024
	// ended April 30, 2023", "period (“fiscal year”) ended January 28, 2023".
	releasePeriodRe = regexp.MustCompile(`(?i)\b(?:quarter|year|period|weeks|months)\b[^.\n]{0,40}?\bended[ \t\n]+` + dateExpr)

	// dateExpr is "Month D, YYYY" with its three parts as submatches.
	dateExpr = `([a-z]+)[ \t\n]+(\d{1,2}),?[ \t\n]+((?:19|20)\d\d)\b`

	// isoDateRe matches a date already in ISO form, as some filers tag
	// dei:DocumentPeriodEndDate.
	isoDateRe = regexp.MustCompile(`^(?:19|20)\d\d-\d\d-\d\d$`)
	// textDateRe matches "September 28, 2024".
	textDateRe = regexp.MustCompile(`(?i)^` + dateExpr + `$`)
)

var monthNumbers = map[string]string{
	"january": "01", "february": "02", "march": "03", "april": "04", "may": "05", "june": "06",
	"july": "07", "august": "08", "september": "09", "october": "10", "november": "11", "december": "12",
}

// ReadCover reads the registrant's name, its CIK and the period of report
// from doc. Inline XBRL cover facts (dei:EntityRegistrantName,
// dei:EntityCentralIndexKey, dei:DocumentPeriodEndDate) win over the text.
// In the text, the line before "(Exact name of registrant as specified in
// its charter)" names the registrant, or without that caption the line
// after "Commission file number ...". ReadCover reads a document as a
// release when its form is not a 10-K or 10-Q and it has no caption. A
// release's name is the one before a listing such as "(NYSE: BKE)" or
// before "today reported" in the opening. Without either, it is the name
// in an "About <Company>" heading whose paragraph repeats it. A 10-K or 10-Q takes its period from the cover line "For the fiscal
// year ended ...", any other document from a "quarter ended <date>" in
// its first releaseOpening bytes.
//
// ReadCover reads doc, including doc.Form, and never changes it; the
// caller decides whether the values beat what EDGAR states.
func ReadCover(doc *schemas.Document) Cover {
	if doc == nil {
		return Cover{}
	}
	var c Cover
	for _, f := range doc.Facts {
		switch f.Concept {
		case "dei:EntityRegistrantName":
			if c.Company == "" {
				c.Company = normalizeSpace(f.Display)
			}
		case "dei:EntityCentralIndexKey":
			if c.CIK == "" {
				c.CIK = strings.TrimSpace(f.Display)
			}
		case "dei:DocumentPeriodEndDate":
			if c.PeriodEnd == "" {
				c.PeriodEnd = factDate(f)
			}
		}
	}

	head := doc.Text[:min(len(doc.Text), coverHead)]
	fromCover := coverRegistrant(head)
	if c.Company == "" {
		c.Company = fromCover
	}
	annualOrQuarterly := strings.HasPrefix(doc.Form, "10-")
	if c.Company == "" && !annualOrQuarterly {
		c.Company = releaseIssuer(doc.Text, head)
	}

	// A 10-K or 10-Q states its period on the cover, and its opening pages
	// also mention comparison periods. Other documents, 8-K releases above
	// all, state theirs in the opening paragraph, and their later text
	// "for the fiscal year ended" may be guidance or a comparison.
	switch {
	case c.PeriodEnd != "":
	case annualOrQuarterly || doc.Form == "" && fromCover != "":
		c.PeriodEnd = firstDate(coverPeriodRe, head)
	default:
		c.PeriodEnd = firstDate(releasePeriodRe, head[:min(len(head), releaseOpening)])
	}
	return c
}

// releaseOpening is how many bytes of a release ReadCover searches for the
// period: the headline, the dateline and the first paragraph. Later
// paragraphs compare with earlier periods.
const releaseOpening = 3 << 10

// coverRegistrant returns the name printed before the first registrant
// caption in head, or "". The name is on the caption's line before it or,
// more often, on the closest line above that is not a rule. Without a
// caption, a short line right after "Commission file number ..." is the
// name.
func coverRegistrant(head string) string {
	loc := registrantNoteRe.FindStringIndex(head)
	if loc == nil {
		return nameAfterFileNumber(head)
	}
	lineStart := strings.LastIndexByte(head[:loc[0]], '\n') + 1
	if name := cleanName(head[lineStart:loc[0]]); name != "" {
		return name
	}
	lines := splitLines(head[:lineStart])
	for i := len(lines) - 1; i >= 0 && i >= len(lines)-3; i-- {
		if ruleLineRe.MatchString(lines[i].Text) {
			continue
		}
		return cleanName(lines[i].Text)
	}
	return ""
}

// nameAfterFileNumber returns the first line after the cover's commission
// file number line when it reads as a name: at most maxUncaptionedName
// bytes, no colon (as in "State of Incorporation: Delaware") and no
// leading parenthesis (a caption).
func nameAfterFileNumber(head string) string {
	lines := splitLines(head)
	for i, ln := range lines {
		if !fileNumberRe.MatchString(ln.Text) {
			continue
		}
		for _, next := range lines[i+1 : min(len(lines), i+3)] {
			if ruleLineRe.MatchString(next.Text) {
				continue
			}
			if len(next.Text) > maxUncaptionedName || strings.ContainsAny(next.Text, ":(") {
				return ""
			}
			return cleanName(next.Text)
		}
		return ""
	}
	return ""
}

// maxUncaptionedName bounds a name read without its caption, which is
// less certain than one above a caption.
const maxUncaptionedName = 80

// cleanName collapses white space and strips rules and stray punctuation
// around a name, and returns "" for text that cannot be one: no letter, or
// longer than a registrant name plausibly is.
func cleanName(s string) string {
	s = normalizeSpace(strings.Trim(s, " \t_-=|*"))
	if s == "" || len(s) > maxNameBytes || !strings.ContainsFunc(s, isLetter) {
		return ""
	}
	return s
}

// maxNameBytes is the maximum length of a registrant name, so that a line
// of running text is not taken for one.
//
// NOTE: 160 is an estimate, not a limit that EDGAR sets.
const maxNameBytes = 160

func isLetter(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' }

// releaseIssuer returns the issuer that a release names in its dateline
// (head) or in its "About" heading (anywhere in text), or "".
func releaseIssuer(text, head string) string {
	for _, re := range []*regexp.Regexp{tickerRe, reportedRe} {
		if m := re.FindStringSubmatch(head); m != nil {
			if name := cleanName(strings.TrimSuffix(m[1], ",")); name != "" {
				return name
			}
		}
	}
	lines := splitLines(text)
	for i, ln := range lines {
		m := aboutRe.FindStringSubmatch(ln.Text)
		if m == nil || i+1 == len(lines) {
			continue
		}
		// The paragraph under a real "About" heading starts by naming the
		// company; "About Market Risk" in a table of contents does not.
		para := text[lines[i+1].Start:min(len(text), lines[i+1].Start+aboutParagraph)]
		if !strings.Contains(para, m[1]) {
			continue
		}
		// "About Pericom" heads "Pericom Semiconductor Corporation
		// (NASDAQ: PSEM)": the listed name is the fuller one.
		if t := tickerRe.FindStringSubmatch(para); t != nil && strings.HasPrefix(t[1], m[1]) {
			return cleanName(strings.TrimSuffix(t[1], ","))
		}
		return m[1]
	}
	return ""
}

// aboutParagraph is how many bytes after an "About" heading must repeat
// the name.
const aboutParagraph = 300

// factDate returns the ISO date that a dei:DocumentPeriodEndDate fact
// prints, else the end of its context, or "".
func factDate(f schemas.Fact) string {
	display := normalizeSpace(f.Display)
	if isoDateRe.MatchString(display) {
		return display
	}
	if m := textDateRe.FindStringSubmatch(display); m != nil {
		if d := isoDate(m[1], m[2], m[3]); d != "" {
			return d
		}
	}
	if f.Instant != "" {
		return f.Instant
	}
	return f.PeriodEnd
}

// firstDate returns the ISO form of the first date that re matches in s,
// or "". re ends in dateExpr.
func firstDate(re *regexp.Regexp, s string) string {
	for _, m := range re.FindAllStringSubmatch(s, 4) {
		if d := isoDate(m[1], m[2], m[3]); d != "" {
			return d
		}
	}
	return ""
}

// isoDate returns "YYYY-MM-DD" for a month name, day and year, or "" when
// the month is not a month name or the day is out of range.
func isoDate(month, day, year string) string {
	mm, ok := monthNumbers[strings.ToLower(month)]
	if !ok || day == "0" || day == "00" || len(day) == 2 && day > "31" {
		return ""
	}
	if len(day) == 1 {
		day = "0" + day
	}
	return year + "-" + mm + "-" + day
}

// normalizeSpace collapses runs of white space, including no-break spaces,
// to one space and trims the ends.
func normalizeSpace(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}
