package clickhouse

import "database/sql/driver"

// decimalScale is the fraction digits of typeDecimal, Decimal(38, 6): 38
// significant digits, 6 of them after the decimal point.
const decimalScale = 6

// decimalValue returns the value for a Nullable(Decimal(38, 6)) column: s in
// canonical form, or nil when s is not a plain decimal ("-12.5") or does not
// fit Decimal(38, 6) exactly. Values with more than 6 fraction digits are
// NULL instead of rounded, because the native client truncates them without
// an error. The caller keeps s itself in a String column.
func decimalValue(s string) *string {
	c, ok := canonicalDecimal(s)
	if !ok {
		return nil
	}
	return &c
}

// costScale is the fraction digits of typeCost, Decimal(38, 12).
const costScale = 12

// costDecimal is the value of a Decimal(38, 12) column: a canonical decimal
// that fits it. The native client reads it through driver.Valuer and the
// JSONEachRow encoder writes it as a JSON number.
type costDecimal string

// Value returns the decimal text, which clickhouse-go parses for Decimal
// columns.
func (c costDecimal) Value() (driver.Value, error) { return string(c), nil }

// costValue returns s as a costDecimal, or 0 when s is not a plain decimal
// or does not fit Decimal(38, 12) exactly. The caller keeps s itself in a
// String column.
func costValue(s string) costDecimal {
	c, ok := canonicalDecimalScale(s, costScale)
	if !ok {
		return "0"
	}
	return costDecimal(c)
}

// canonicalDecimal checks that s matches ^-?[0-9]+(\.[0-9]+)?$ and fits
// Decimal(38, 6). It returns s without leading zeros in the integer part,
// trailing zeros in the fraction or a minus sign on zero, which is also valid
// JSON number syntax.
func canonicalDecimal(s string) (string, bool) {
	return canonicalDecimalScale(s, decimalScale)
}

// canonicalDecimalScale is canonicalDecimal for Decimal(38, scale).
func canonicalDecimalScale(s string, scale int) (string, bool) {
	neg := false
	if len(s) > 0 && s[0] == '-' {
		neg = true
		s = s[1:]
	}

	intPart, frac := s, ""
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			intPart, frac = s[:i], s[i+1:]
			if frac == "" {
				return "", false
			}
			break
		}
	}
	if intPart == "" || !allDigits(intPart) || !allDigits(frac) {
		return "", false
	}

	for len(intPart) > 1 && intPart[0] == '0' {
		intPart = intPart[1:]
	}
	for len(frac) > 0 && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	if len(intPart) > 38-scale || len(frac) > scale {
		return "", false
	}

	out := intPart
	if frac != "" {
		out += "." + frac
	}
	if neg && out != "0" {
		out = "-" + out
	}
	return out, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
