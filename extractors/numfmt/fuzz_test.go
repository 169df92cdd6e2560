package numfmt

import (
	"errors"
	"math/big"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{"32,765", "(1,577)", "$(0.04)", "—", "12.5%(1)", "$2.3 billion", "1\u00a0234", "(1)", "1,23", "−3.1%", "$0.57 per share", "0.00"} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, s string, exponent int) {
		n, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrEmpty) {
				t.Fatalf("Parse(%q): error %v wraps neither ErrInvalid nor ErrEmpty", s, err)
			}
			return
		}
		if !utf8.ValidString(n.Decimal) {
			t.Fatalf("Parse(%q): Decimal %q is not valid UTF-8", s, n.Decimal)
		}
		r, ok := new(big.Rat).SetString(n.Decimal)
		if !ok {
			t.Fatalf("Parse(%q): Decimal %q is not a decimal", s, n.Decimal)
		}
		if n.Negative && r.Sign() > 0 || !n.Negative && r.Sign() < 0 {
			t.Fatalf("Parse(%q): Decimal %q disagrees with Negative=%v", s, n.Decimal, n.Negative)
		}
		if strings.Count(s, ",") > 0 && strings.Contains(n.Decimal, ",") {
			t.Fatalf("Parse(%q): Decimal %q keeps a separator", s, n.Decimal)
		}
		// Reading the canonical form again gives the same value.
		again, err := Parse(n.Decimal)
		if err != nil || again.Decimal != n.Decimal {
			t.Fatalf("Parse(%q) = %q, which reads back as %q, %v", s, n.Decimal, again.Decimal, err)
		}
		exponent %= MaxExponent
		scaled, err := Shift(n.Decimal, exponent)
		if err != nil {
			t.Fatalf("Shift(%q, %d): %v", n.Decimal, exponent, err)
		}
		want := new(big.Rat).Mul(r, new(big.Rat).SetFrac(pow10(max(exponent, 0)), pow10(max(-exponent, 0))))
		got, _ := new(big.Rat).SetString(scaled)
		if got == nil || got.Cmp(want) != 0 {
			t.Fatalf("Shift(%q, %d) = %q, want %s", n.Decimal, exponent, scaled, want.FloatString(20))
		}
	})
}

func pow10(n int) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}
