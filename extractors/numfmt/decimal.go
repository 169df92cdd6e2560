package numfmt

import (
	"fmt"
	"strings"
)

// MaxExponent bounds the power of ten that Shift accepts, so that hostile
// input such as an inline XBRL scale="1000000000" cannot allocate a
// billion zeros. Filings use exponents from -6 (a percentage tagged as a
// ratio) to 12 (trillions).
const MaxExponent = 64

// Shift returns the decimal dec × 10^exponent as an exact decimal. dec may
// carry a leading '-' or '+'; the point is moved in the string, so no
// precision is lost. Leading zeros and trailing fraction zeros are
// removed, and zero never carries a sign: Shift("391035", 6) is
// "391035000000", Shift("-6.08", -2) is "-0.0608".
func Shift(dec string, exponent int) (string, error) {
	if exponent > MaxExponent || exponent < -MaxExponent {
		return "", &SyntaxError{Input: dec, Reason: fmt.Sprintf("exponent %d outside ±%d", exponent, MaxExponent)}
	}
	negative := false
	unsigned := dec
	if rest, ok := strings.CutPrefix(dec, "-"); ok {
		negative, unsigned = true, rest
	} else if rest, ok := strings.CutPrefix(dec, "+"); ok {
		unsigned = rest
	}
	intPart, fracPart, hasPoint := strings.Cut(unsigned, ".")
	if intPart == "" && fracPart == "" || hasPoint && strings.Contains(fracPart, ".") {
		return "", &SyntaxError{Input: dec, Reason: "not a decimal"}
	}
	for _, part := range []string{intPart, fracPart} {
		if part != "" && !allDigits(part) {
			return "", &SyntaxError{Input: dec, Reason: "not a decimal"}
		}
	}

	digits := intPart + fracPart
	// point is the position of the decimal point within digits.
	point := len(intPart) + exponent
	switch {
	case point <= 0:
		digits = strings.Repeat("0", -point+1) + digits
		point = 1
	case point > len(digits):
		digits += strings.Repeat("0", point-len(digits))
	}
	out := canonical(digits[:point], digits[point:])
	if negative && out != "0" {
		out = "-" + out
	}
	return out, nil
}

// ParseGrouped reads an unsigned figure whose integer digits may be
// grouped by any of the runes in separators, with decimalPoint before the
// fraction, as the inline XBRL transformations define them. For
// num-dot-decimal the point is '.' and the separators ", \u00a0". For
// num-comma-decimal the point is ',' and the separators ". \u00a0". Groups
// after the first must be a multiple of three digits long. It returns the
// canonical decimal with '.' as the point, or a *SyntaxError. Surrounding
// whitespace is ignored.
func ParseGrouped(text string, decimalPoint rune, separators string) (string, error) {
	s := trimSpace(text)
	if s == "" {
		return "", ErrEmpty
	}
	fail := func(reason string) (string, error) {
		return "", &SyntaxError{Input: text, Reason: reason}
	}
	intPart, frac := s, ""
	hasPoint := false
	if i := strings.IndexRune(s, decimalPoint); i >= 0 {
		intPart, frac, hasPoint = s[:i], s[i+len(string(decimalPoint)):], true
		if !allDigits(frac) {
			return fail(fmt.Sprintf("invalid fraction %q", frac))
		}
	}
	whole, reason := joinGroups(intPart, separators, false)
	if reason != "" {
		return fail(reason)
	}
	if whole == "" && !hasPoint {
		return fail("no digits")
	}
	return canonical(whole, frac), nil
}
