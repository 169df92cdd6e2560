package rules

import (
	"math/big"
	"strings"

	"github.com/finx-dev/finx/extractors/numfmt"
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

// parseNumber reads "32,765", "(1,577)", "$(0.04)", "-5.2" and "$ 44.2"
// with numfmt.Parse. Parentheses and a leading minus make the number
// negative. A token with a percent sign, a scale or per-share word, a
// footnote marker, a lone dash or another currency is not a bare number,
// and the callers read those parts themselves.
func parseNumber(s string) (parsedNumber, bool) {
	s = strings.TrimSpace(s)
	// The patterns that find figures take an optional parenthesis on each
	// side, so "(previously $7.20)" yields "$7.20)". A lone parenthesis is
	// punctuation, not a sign.
	if strings.Count(s, "(") != strings.Count(s, ")") {
		s = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, "("), ")"))
	}
	n, err := numfmt.Parse(s)
	if err != nil || n.Percent || n.PerShare || n.Exponent != 0 || len(n.Footnotes) > 0 || n.Dash || (n.Currency != "" && n.Currency != "$") {
		return parsedNumber{}, false
	}
	return parsedNumber{Digits: withPlaces(n.Decimal, n.Places), Negative: n.Negative}, true
}

// withPlaces pads the fraction of d with zeros to places digits, because
// numfmt drops the trailing zeros that guidance keeps as printed ("15.0").
func withPlaces(d string, places int) string {
	have := 0
	if i := strings.IndexByte(d, '.'); i >= 0 {
		have = len(d) - i - 1
	} else if places > 0 {
		d += "."
	}
	return d + strings.Repeat("0", max(places-have, 0))
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
