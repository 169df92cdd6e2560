package llm

import (
	"errors"
	"strings"
)

var errNotNumber = errors.New("not a number as printed, such as 1,234.5 or (1,577)")

// parseDecimal turns a printed number such as "$(1,577.50)", "-2.15" or
// "12%" into an exact decimal string matching ^-?[0-9]+(\.[0-9]+)?$ that
// keeps the printed digits of the fraction.
// Parentheses and a leading minus, en dash or U+2212 mark a negative.
func parseDecimal(printed string) (string, error) {
	s := strings.TrimSpace(printed)
	neg := false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg, s = true, strings.TrimSpace(s[1:len(s)-1])
	}
	s = strings.TrimPrefix(s, "$")
	s = strings.TrimSuffix(strings.TrimSpace(s), "%")
	s = strings.TrimSpace(s)
	for _, minus := range []string{"-", "\u2212", "\u2013"} {
		if rest, ok := strings.CutPrefix(s, minus); ok {
			neg, s = !neg, strings.TrimSpace(rest)
			break
		}
	}
	s = strings.TrimPrefix(s, "$")
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg, s = !neg, s[1:len(s)-1]
	}
	s = strings.ReplaceAll(s, ",", "")
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" && frac == "" {
		return "", errNotNumber
	}
	if !digits(intPart) || !digits(frac) || (hasDot && frac == "") {
		return "", errNotNumber
	}
	return join(neg, intPart, frac, false), nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// shift multiplies the decimal d by 10^scale without rounding.
func shift(d string, scale int) string {
	neg := strings.HasPrefix(d, "-")
	d = strings.TrimPrefix(d, "-")
	intPart, frac, _ := strings.Cut(d, ".")
	all := intPart + frac
	point := len(intPart) + scale
	switch {
	case point <= 0:
		return canonical(neg, "0", strings.Repeat("0", -point)+all)
	case point >= len(all):
		return canonical(neg, all+strings.Repeat("0", point-len(all)), "")
	}
	return canonical(neg, all[:point], all[point:])
}

// canonical joins the parts without leading zeros in the integer part,
// trailing zeros in the fraction, or a minus on zero.
func canonical(neg bool, intPart, frac string) string {
	return join(neg, intPart, frac, true)
}

// join joins the parts without leading zeros in the integer part or a minus
// on zero, and drops trailing zeros of the fraction when trim is set.
// Printed values keep them, so that "1.20" stays "1.20".
func join(neg bool, intPart, frac string, trim bool) string {
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	if trim {
		frac = strings.TrimRight(frac, "0")
	}
	out := intPart
	if frac != "" {
		out += "." + frac
	}
	if neg && strings.Trim(out, "0.") != "" {
		out = "-" + out
	}
	return out
}
