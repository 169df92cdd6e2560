package numfmt

import (
	"regexp"
	"strings"
)

// Caption is the scale that a table's caption or heading sets for its
// cells, such as "(In millions, except per share data)".
type Caption struct {
	// Exponent is the power of ten of the cells: 3 for thousands, 6 for
	// millions, 9 for billions.
	Exponent int
	// ExceptPerShare is set when per-share amounts are printed in units
	// ("except per share data", "except per share amounts").
	ExceptPerShare bool
	// ExceptShares is set when share counts are printed in units ("except
	// share data", "except share and per share amounts", "except number
	// of shares").
	ExceptShares bool
}

// ExponentFor returns the exponent that applies to a cell: 0 for a
// per-share amount or a share count that the caption excepts, and for a
// percentage, which a scale never applies to; Exponent otherwise.
func (c Caption) ExponentFor(perShare, shares, percent bool) int {
	switch {
	case percent:
		return 0
	case perShare && c.ExceptPerShare:
		return 0
	case shares && c.ExceptShares:
		return 0
	}
	return c.Exponent
}

var (
	// captionScaleRe finds the scale phrase: "in millions", "in thousands
	// of dollars", "dollars in billions", "$ in millions", "(000s)",
	// "(000's omitted)", "$000", and the bare word in parentheses or after
	// a currency sign: "(Millions)", "($ million, except ...)", "$ million".
	// A figure between the sign and the word ("$5 million") is an amount,
	// not a caption, and does not match.
	captionScaleRe = regexp.MustCompile(`(?i)\bin\s+(thousands|millions|billions)\b|\(\s*\$?\s*(000|000,000)\s*'?s?\s*(?:omitted)?\s*\)|\$\s?(000|000,000)\b|\b(thousands|millions|billions)\s+of\s+(?:u\.?s\.?\s+)?dollars\b|\(\s*(?:\$|US\$|€|£)?\s*(thousands?|millions?|billions?)\s*[,)]|(?:^|\s)(?:\$|US\$|€|£)\s*(thousands?|millions?|billions?)\b`)
	// captionExceptRe finds what the caption excepts from the scale.
	captionExceptRe = regexp.MustCompile(`(?i)\bexcept\b(.*)`)
	perShareRe      = regexp.MustCompile(`(?i)\bper[\s-]+(?:common\s+)?share\b|\bper[\s-]+unit\b|\bEPS\b`)
	// sharesRe matches a share count exception: "share data", "share
	// amounts", "number of shares", "shares" not followed by "per".
	sharesRe = regexp.MustCompile(`(?i)\b(?:share(?:s)?\s+(?:data|amounts|counts|information|and)|number\s+of\s+shares|shares\b)`)
)

var scaleWords = map[string]int{
	"thousands": 3, "millions": 6, "billions": 9, "000": 3, "000,000": 6,
	"thousand": 3, "million": 6, "billion": 9,
}

// ParseCaption reads the scale from a table caption or the lines above a
// table, and reports whether the text states one. "(In thousands, except
// per share data)" gives Exponent 3 with ExceptPerShare. Only the first
// scale phrase before "except" counts.
//
// NOTE: a caption that gives share counts their own scale ("except shares,
// which are in thousands") is read as excepting shares, so such counts
// come out in units of the printed figure.
func ParseCaption(text string) (Caption, bool) {
	var c Caption
	head := text
	except := ""
	if m := captionExceptRe.FindStringSubmatchIndex(text); m != nil {
		head = text[:m[0]]
		except = text[m[2]:m[3]]
	}
	m := captionScaleRe.FindStringSubmatch(head)
	if m == nil {
		return Caption{}, false
	}
	for _, g := range m[1:] {
		if g != "" {
			c.Exponent = scaleWords[strings.ToLower(g)]
			break
		}
	}
	if except != "" {
		c.ExceptPerShare = perShareRe.MatchString(except)
		withoutPerShare := perShareRe.ReplaceAllString(except, "")
		c.ExceptShares = sharesRe.MatchString(withoutPerShare)
	}
	return c, true
}
