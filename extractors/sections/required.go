package sections

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/finx-dev/finx/schemas"
)

// minRequiredBody is the body length, in bytes of text after the heading
// line, below which a required section counts as empty. A one-sentence
// reference ("See the Annual Report.") is shorter; a real item is pages.
const minRequiredBody = 200

// requiredSection is a section that a form must contain.
type requiredSection struct {
	id, name string
	// item is the item number as printed, for the not-applicable search.
	item string
}

var requiredByForm = map[string][]requiredSection{
	"10-K": {
		{"item_1a", "Item 1A (Risk Factors)", "1a"},
		{"item_7", "Item 7 (Management's Discussion and Analysis)", "7"},
	},
	"10-Q": {
		{"part1_item_2", "Part I Item 2 (Management's Discussion and Analysis)", "2"},
		{"part2_item_1a", "Part II Item 1A (Risk Factors)", "1a"},
	},
}

// notApplicableRe matches the words with which a filing states that an item
// does not apply to it.
var notApplicableRe = regexp.MustCompile(`(?i)\bnot\s+applicable\b|\bomitted\b|\[\s*reserved\s*\]|\bnot\s+required\b|^\s*none\.?\s*$`)

// Check returns a warning for each section that a 10-K or 10-Q must have
// and secs lacks or has empty: Item 1A and Item 7 of a 10-K, Part I
// Item 2 and Part II Item 1A of a 10-Q. An item gives no warning when its
// heading or body, or a line anywhere in the text that starts with its
// heading, states that it is not applicable, omitted, not required,
// reserved or "None". Other forms, amendments included, give none. secs
// is the output of Find for doc.
func Check(doc *schemas.Document, secs []schemas.Section) []string {
	if doc == nil {
		return nil
	}
	form := strings.ToUpper(strings.TrimSpace(doc.Form))
	required := requiredByForm[form]
	var warnings []string
	for _, r := range required {
		sec := findID(secs, r.id)
		if sec == nil {
			if !statesNotApplicable(doc.Text, r.item) {
				warnings = append(warnings, fmt.Sprintf("sections: the %s has no %s", form, r.name))
			}
			continue
		}
		start, end := max(0, sec.Start), min(len(doc.Text), sec.End)
		if start >= end {
			warnings = append(warnings, fmt.Sprintf("sections: the %s %s is empty", form, r.name))
			continue
		}
		body := doc.Text[start:end]
		headingEnd := strings.IndexAny(body, "\n\f")
		if headingEnd < 0 {
			headingEnd = len(body)
		}
		rest := strings.TrimSpace(body[headingEnd:])
		if len(rest) >= minRequiredBody {
			continue
		}
		if notApplicableRe.MatchString(sec.Title) || notApplicableRe.MatchString(rest) {
			continue
		}
		warnings = append(warnings, fmt.Sprintf("sections: the %s %s is empty (%d bytes after its heading at byte %d)", form, r.name, len(rest), sec.Start))
	}
	return warnings
}

func findID(secs []schemas.Section, id string) *schemas.Section {
	for i := range secs {
		if secs[i].ID == id {
			return &secs[i]
		}
	}
	return nil
}

// statesNotApplicable reports whether a line that starts with the item's
// heading states that the item does not apply, such as "Item 1A. Risk Factors.
// Not applicable." in a smaller reporting company's 10-K.
func statesNotApplicable(text, item string) bool {
	re := regexp.MustCompile(`(?im)^[ \t]*(?:part\s*(?:i|ii)\s*[,.:;—–-]*\s*)?item\s*` + regexp.QuoteMeta(item) + `\b[^\n]{0,200}`)
	for _, m := range re.FindAllString(text, 50) {
		if notApplicableRe.MatchString(m) {
			return true
		}
	}
	return false
}
