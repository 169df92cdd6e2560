package sections

import (
	"regexp"
	"strings"

	"github.com/finx-dev/finx/schemas"
)

// formHead is how many bytes at the start of the text Form reads. The
// cover page and the EDGAR header of a submission fit well within it.
const formHead = 8 << 10

var (
	// submissionTypeRe matches the EDGAR header line of a .txt submission,
	// "CONFORMED SUBMISSION TYPE:\t8-K".
	submissionTypeRe = regexp.MustCompile(`(?m)^[ \t]*CONFORMED SUBMISSION TYPE:[ \t]*(\d{1,2}-[A-Z]{1,2}[0-9A-Z]{0,3}(?:/A)?)[ \t]*\r?$`)
	// coverFormRe matches a cover page line that contains only the form
	// name, such as "FORM 10-K" or "Form 8-K/A". A line with more words
	// ("this Form 10-K filing") is a reference, not the cover.
	coverFormRe = regexp.MustCompile(`(?i)^form[\s\x{00a0}]*(10|8)[\s\x{00a0}]*[-‐‑–—][\s\x{00a0}]*(k|q)(/a)?$`)
)

// Form returns the form type that the first formHead bytes of doc.Text
// state, such as "10-K", "10-Q", "8-K" or "8-K/A", or "" when they state
// none. An EDGAR header line "CONFORMED SUBMISSION TYPE: ..." wins over a
// cover page line "FORM 10-K". Only 10-K, 10-Q and 8-K cover lines are
// read, and only lines that hold nothing but the form name, because the
// cover pages refer to other forms in running text. Form reads doc.Text
// only; the caller decides whether to trust it over doc.Form.
func Form(doc *schemas.Document) string {
	if doc == nil {
		return ""
	}
	head := doc.Text[:min(len(doc.Text), formHead)]
	if m := submissionTypeRe.FindStringSubmatch(head); m != nil {
		return m[1]
	}
	for _, ln := range splitLines(head) {
		if len(ln.Text) > 20 {
			continue
		}
		m := coverFormRe.FindStringSubmatch(ln.Text)
		if m == nil {
			continue
		}
		form := m[1] + "-" + strings.ToUpper(m[2]) + strings.ToUpper(m[3])
		if form == "8-Q" {
			continue
		}
		return form
	}
	return ""
}
