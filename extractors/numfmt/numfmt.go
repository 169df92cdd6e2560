package numfmt

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrEmpty is returned for input that contains no characters other than
// whitespace.
var ErrEmpty = errors.New("numfmt: empty number")

// ErrInvalid is wrapped by every *SyntaxError, so that callers can test
// with errors.Is(err, numfmt.ErrInvalid).
var ErrInvalid = errors.New("numfmt: invalid number")

// SyntaxError is a token that is not a number as a whole.
type SyntaxError struct {
	// Input is the token as given to Parse.
	Input string
	// Reason is the problem, such as "unbalanced parenthesis".
	Reason string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("numfmt: invalid number %q: %s", e.Input, e.Reason)
}

// Unwrap returns ErrInvalid.
func (e *SyntaxError) Unwrap() error { return ErrInvalid }

// maxTokenBytes bounds the input of Parse. Printed figures with their
// currency, footnote and unit words stay well under it, and the bound keeps
// the per-token work small on hostile input.
const maxTokenBytes = 256

// Number is a figure read by Parse.
type Number struct {
	// Decimal is the figure as printed, sign applied, without the scale of
	// Exponent: "-1577", "0.04", "0" for a lone dash. Leading zeros and
	// trailing fraction zeros are removed.
	Decimal string
	// Places is the number of digits printed after the decimal point,
	// counting trailing zeros: 2 for "6.80".
	Places int
	// Negative is set for a minus sign or enclosing parentheses.
	Negative bool
	// Parenthesized is set when parentheses made the figure negative.
	Parenthesized bool
	// Dash is set when the token was a lone dash, which tables print for
	// zero or for "not applicable"; Decimal is then "0".
	Dash bool
	// Percent is set for a trailing "%" or "percent". Decimal stays as
	// printed: 12.5 for "12.5%".
	Percent bool
	// PerShare is set for a trailing "per share", "per diluted share" or
	// "per basic share".
	PerShare bool
	// Exponent is the power of ten of a trailing scale word: 3 for
	// "thousand", 6 for "million" or "mn", 9 for "billion" or "bn", 12 for
	// "trillion"; 0 without one.
	Exponent int
	// Currency is the currency sign or ISO code as printed ("$", "US$",
	// "€", "USD"), or "".
	Currency string
	// Footnotes are the footnote markers printed after the figure, in
	// order: "(1)", "(a)", "*", "†", "¹".
	Footnotes []string
}

// Scaled returns Decimal × 10^(Exponent+exponent) as an exact decimal.
// Pass the exponent of the table caption (see Caption.ExponentFor), or 0
// for a figure in running text.
func (n Number) Scaled(exponent int) (string, error) {
	return Shift(n.Decimal, n.Exponent+exponent)
}

// Parse reads one printed figure. The whole token must be a figure, with
// the optional signs, markers and words that the package documentation
// lists. Otherwise Parse returns ErrEmpty or a *SyntaxError.
func Parse(token string) (Number, error) {
	var n Number
	fail := func(reason string) (Number, error) {
		return Number{}, &SyntaxError{Input: token, Reason: reason}
	}
	if len(token) > maxTokenBytes {
		return fail(fmt.Sprintf("longer than %d bytes", maxTokenBytes))
	}
	if !utf8.ValidString(token) {
		return fail("not valid UTF-8")
	}
	rest := trimSpace(token)
	if rest == "" {
		return Number{}, ErrEmpty
	}

	rest, n.Footnotes = cutFootnotes(rest)
	var err error
	if rest, err = cutSuffixes(rest, &n); err != nil {
		return fail(err.Error())
	}
	rest = cutCurrency(rest, &n)
	if strings.HasPrefix(rest, "(") {
		if !strings.HasSuffix(rest, ")") {
			return fail("unbalanced parenthesis")
		}
		n.Parenthesized, n.Negative = true, true
		rest = trimSpace(rest[1 : len(rest)-1])
		if rest, err = cutSuffixes(rest, &n); err != nil {
			return fail(err.Error())
		}
		rest = cutCurrency(rest, &n)
	}
	if strings.ContainsAny(rest, "()") {
		return fail("parentheses do not wrap the whole figure")
	}

	if isDash(rest) {
		if n.Negative {
			return fail("a dash inside parentheses")
		}
		n.Dash = true
		n.Decimal = "0"
		return n, nil
	}
	if r, size := utf8.DecodeRuneInString(rest); isMinus(r) {
		if n.Negative {
			return fail("a minus sign inside parentheses")
		}
		n.Negative = true
		rest = trimSpace(rest[size:])
		rest = cutCurrency(rest, &n)
	}

	digits, places, reason := readFigure(rest, true)
	if reason != "" {
		return fail(reason)
	}
	n.Places = places
	n.Decimal = digits
	if n.Negative && digits != "0" {
		n.Decimal = "-" + digits
	}
	return n, nil
}

// readFigure reads an unsigned figure with commas or no-break spaces as
// thousands separators and '.' as the decimal point. It returns the
// canonical decimal, the number of printed fraction digits, and a reason
// when the text is not such a figure. strict requires groups of exactly
// three digits after the first.
func readFigure(s string, strict bool) (string, int, string) {
	if s == "" {
		return "", 0, "no digits"
	}
	intPart, frac, hasPoint := strings.Cut(s, ".")
	if hasPoint {
		if frac == "" {
			return "", 0, "no digits after the decimal point"
		}
		if !allDigits(frac) {
			return "", 0, fmt.Sprintf("invalid fraction %q", frac)
		}
	}
	whole, reason := joinGroups(intPart, ",\u00a0\u202f\u2009\u2007", strict)
	if reason != "" {
		return "", 0, reason
	}
	if whole == "" && !hasPoint {
		return "", 0, "no digits"
	}
	return canonical(whole, frac), len(frac), ""
}

// joinGroups removes the group separators from the integer part of a
// figure and checks the grouping. The first group has one or more digits,
// or one to three when strict. Every later group has exactly three digits
// when strict, and a multiple of three otherwise, as the inline XBRL
// transforms allow. No separator leads, trails or repeats.
func joinGroups(s, separators string, strict bool) (string, string) {
	if s == "" {
		return "", ""
	}
	var b strings.Builder
	b.Grow(len(s))
	group, groups := 0, 0
	lastSep := rune(0)
	endGroup := func() string {
		switch {
		case group == 0:
			return "a misplaced group separator"
		case groups == 0 && strict && lastSep != 0 && group > 3:
			return "more than three digits before the first group separator"
		case groups > 0 && strict && group != 3:
			return "a digit group that is not three digits long"
		case groups > 0 && group%3 != 0:
			return "a digit group that is not three digits long"
		}
		groups++
		group = 0
		return ""
	}
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
			group++
		case strings.ContainsRune(separators, r):
			if lastSep != 0 && lastSep != r && !(isSpaceSeparator(lastSep) && isSpaceSeparator(r)) {
				return "", "mixed group separators"
			}
			lastSep = r
			if reason := endGroup(); reason != "" {
				return "", reason
			}
		default:
			return "", fmt.Sprintf("unexpected character %q", r)
		}
	}
	if lastSep != 0 {
		if reason := endGroup(); reason != "" {
			return "", reason
		}
	}
	return b.String(), ""
}

func isSpaceSeparator(r rune) bool {
	return r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009' || r == '\u2007'
}

// canonical joins integer and fraction digits without leading integer
// zeros and trailing fraction zeros: "007", "50" gives "7.5".
func canonical(whole, frac string) string {
	whole = strings.TrimLeft(whole, "0")
	frac = strings.TrimRight(frac, "0")
	if whole == "" {
		whole = "0"
	}
	if frac == "" {
		return whole
	}
	return whole + "." + frac
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// isMinus reports the characters that filings print as a minus sign before
// a figure. An em dash is not among them, because filings print it only
// alone, for zero.
func isMinus(r rune) bool {
	switch r {
	case '-', '\u2212', '\u2013', '\u2012', '\ufe63', '\uff0d':
		return true
	}
	return false
}

// isDash reports a lone dash, printed for zero or "none".
func isDash(s string) bool {
	r, size := utf8.DecodeRuneInString(s)
	if size != len(s) {
		return false
	}
	return isMinus(r) || r == '\u2014' || r == '\u2010' || r == '\u2011'
}

// isSpace reports the spaces that may surround parts of a token: Unicode
// white space, which includes the no-break, narrow no-break, thin and
// figure spaces.
func isSpace(r rune) bool { return unicode.IsSpace(r) || r == '\u200b' }

func trimSpace(s string) string { return strings.TrimFunc(s, isSpace) }

// superscripts are the superscript digits used as footnote markers.
const superscripts = "⁰¹²³⁴⁵⁶⁷⁸⁹"

// cutFootnotes removes footnote markers from the end of s and returns them
// in printed order. A marker is cut only while a digit remains before it,
// so "(1)" alone stays a figure (minus one) and is not read as a marker.
func cutFootnotes(s string) (string, []string) {
	var notes []string
	for {
		rest, note := cutFootnote(s)
		if note == "" || !strings.ContainsAny(rest, "0123456789") {
			break
		}
		notes = append(notes, note)
		s = trimSpace(rest)
	}
	for i, j := 0, len(notes)-1; i < j; i, j = i+1, j-1 {
		notes[i], notes[j] = notes[j], notes[i]
	}
	return s, notes
}

// cutFootnote removes one footnote marker from the end of s.
func cutFootnote(s string) (string, string) {
	r, size := utf8.DecodeLastRuneInString(s)
	switch {
	case r == '*' || r == '†' || r == '‡' || r == '§':
		return s[:len(s)-size], s[len(s)-size:]
	case strings.ContainsRune(superscripts, r):
		return s[:len(s)-size], s[len(s)-size:]
	case r != ')':
		return s, ""
	}
	open := strings.LastIndexByte(s, '(')
	if open < 0 {
		return s, ""
	}
	inner := s[open+1 : len(s)-1]
	isMarker := len(inner) >= 1 && len(inner) <= 2 && allDigits(inner) ||
		len(inner) == 1 && (inner[0] >= 'a' && inner[0] <= 'z' || inner[0] >= 'A' && inner[0] <= 'Z')
	if !isMarker {
		return s, ""
	}
	before := s[:open]
	if len(inner) == 2 && before != trimSpace(before) {
		// "12 (34)" is more likely two table cells than a figure with
		// footnote 34, so a two-digit marker must follow without a space.
		return s, ""
	}
	// "(1,234)(1)" and "1,234 (1)" carry a marker. In "(1)" and "$(1)" the
	// parentheses wrap the figure itself, so cutFootnotes requires a digit
	// before a marker.
	return before, s[open:]
}

// suffix is a word or sign printed after a figure.
type suffix struct {
	text  string
	apply func(n *Number) error
}

var errTwice = errors.New("a unit printed twice")

func setPercent(n *Number) error {
	if n.Percent {
		return errTwice
	}
	n.Percent = true
	return nil
}

func setPerShare(n *Number) error {
	if n.PerShare {
		return errTwice
	}
	n.PerShare = true
	return nil
}

func setExponent(e int) func(n *Number) error {
	return func(n *Number) error {
		if n.Exponent != 0 {
			return errTwice
		}
		n.Exponent = e
		return nil
	}
}

// suffixes are matched case-insensitively at the end of a token. Words
// must follow the figure after a space or directly ("2.3bn"); the percent
// sign may follow directly.
var suffixes = []suffix{
	{"%", setPercent},
	{"％", setPercent},
	{"percent", setPercent},
	{"per cent", setPercent},
	{"per diluted share", setPerShare},
	{"per basic share", setPerShare},
	{"per share", setPerShare},
	{"thousand", setExponent(3)},
	{"million", setExponent(6)},
	{"mn", setExponent(6)},
	{"billion", setExponent(9)},
	{"bn", setExponent(9)},
	{"trillion", setExponent(12)},
}

// cutSuffixes removes unit words and signs from the end of s, and a
// trailing currency code or sign ("1,234 USD"), setting their fields.
func cutSuffixes(s string, n *Number) (string, error) {
	for {
		matched := false
		for _, sf := range suffixes {
			if len(s) <= len(sf.text) || !strings.EqualFold(s[len(s)-len(sf.text):], sf.text) {
				continue
			}
			before := s[:len(s)-len(sf.text)]
			last, _ := utf8.DecodeLastRuneInString(before)
			word := sf.text[0] >= 'a' && sf.text[0] <= 'z'
			if word && unicode.IsLetter(last) {
				// "Amazon" does not end in the scale word "mn".
				continue
			}
			if err := sf.apply(n); err != nil {
				return "", err
			}
			s = trimSpace(before)
			matched = true
			break
		}
		if !matched {
			break
		}
	}
	for _, c := range currencies {
		if before, ok := strings.CutSuffix(s, c); ok && before != "" && n.Currency == "" {
			last, _ := utf8.DecodeLastRuneInString(before)
			if unicode.IsLetter(last) {
				continue
			}
			n.Currency = c
			s = trimSpace(before)
			break
		}
	}
	return s, nil
}

// currencies are the signs and codes read before or after a figure. Longer
// entries come first so that "US$" is not read as "$".
var currencies = []string{"US$", "USD", "EUR", "GBP", "JPY", "$", "€", "£", "¥"}

// cutCurrency removes a leading currency sign or code and sets
// n.Currency. A second, different currency leaves s as it is, so that the
// figure then fails to read.
func cutCurrency(s string, n *Number) string {
	for _, c := range currencies {
		rest, ok := strings.CutPrefix(s, c)
		if !ok || n.Currency != "" && n.Currency != c {
			continue
		}
		n.Currency = c
		return trimSpace(rest)
	}
	return s
}
