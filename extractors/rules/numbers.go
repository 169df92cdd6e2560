package rules

import (
	"math/big"
	"regexp"
	"strings"
)

// scaleWords maps a scale word to its power of ten.
var scaleWords = map[string]int{
	"thousand": 3, "thousands": 3,
	"million": 6, "millions": 6, "mn": 6, "m": 6,
	"billion": 9, "billions": 9, "bn": 9, "b": 9,
}

// parsedNumber is a printed number: Digits is the unscaled decimal with
// the sign applied ("-1577", "0.04").
type parsedNumber struct {
	Digits   string
	Negative bool
}

var numberRe = regexp.MustCompile(`^\(?-?\$?\s?\(?([0-9][0-9,]*(?:\.[0-9]+)?)\)?$`)

// parseNumber reads "32,765", "(1,577)", "$(0.04)", "-5.2" and "$ 44.2".
// Parentheses and a leading minus make the number negative.
func parseNumber(s string) (parsedNumber, bool) {
	s = strings.TrimSpace(s)
	m := numberRe.FindStringSubmatch(s)
	if m == nil {
		return parsedNumber{}, false
	}
	digits := strings.ReplaceAll(m[1], ",", "")
	neg := strings.Contains(s, "(") && strings.Contains(s, ")") || strings.HasPrefix(s, "-")
	if neg {
		digits = "-" + digits
	}
	return parsedNumber{Digits: trimDecimal(digits), Negative: neg}, true
}

// trimDecimal drops leading zeros of the integer part, keeping one.
func trimDecimal(d string) string {
	sign := ""
	if strings.HasPrefix(d, "-") {
		sign, d = "-", d[1:]
	}
	d = strings.TrimLeft(d, "0")
	if d == "" || d[0] == '.' {
		d = "0" + d
	}
	if sign == "-" && strings.Trim(d, "0.") == "" {
		return d
	}
	return sign + d
}

// scaleDecimal returns digits × 10^scale as an exact decimal string.
func scaleDecimal(digits string, scale int) string {
	r, ok := new(big.Rat).SetString(digits)
	if !ok {
		return ""
	}
	ten := big.NewRat(10, 1)
	for ; scale > 0; scale-- {
		r.Mul(r, ten)
	}
	for ; scale < 0; scale++ {
		r.Quo(r, ten)
	}
	return ratString(r)
}

// ratString formats r as a decimal without trailing zeros; r must have a
// finite decimal expansion, which holds for decimals scaled by powers of ten.
func ratString(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	s := r.FloatString(20)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
