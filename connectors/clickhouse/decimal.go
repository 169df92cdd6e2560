package clickhouse

// Limits of Decimal(38, 6): 38 significant digits, 6 of them after the
// decimal point.
const (
	decimalScale     = 6
	decimalIntDigits = 38 - decimalScale
)

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

// canonicalDecimal checks that s matches ^-?[0-9]+(\.[0-9]+)?$ and fits
// Decimal(38, 6). It returns s without leading zeros in the integer part,
// trailing zeros in the fraction or a minus sign on zero, which is also valid
// JSON number syntax.
func canonicalDecimal(s string) (string, bool) {
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
	if len(intPart) > decimalIntDigits || len(frac) > decimalScale {
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
