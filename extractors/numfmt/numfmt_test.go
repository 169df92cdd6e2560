package numfmt

import (
	"errors"
	"slices"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Number
	}{
		{"32,765", Number{Decimal: "32765"}},
		{"(1,577)", Number{Decimal: "-1577", Negative: true, Parenthesized: true}},
		{"$(0.04)", Number{Decimal: "-0.04", Places: 2, Negative: true, Parenthesized: true, Currency: "$"}},
		{"($0.04)", Number{Decimal: "-0.04", Places: 2, Negative: true, Parenthesized: true, Currency: "$"}},
		{"$ ( 12 )", Number{Decimal: "-12", Negative: true, Parenthesized: true, Currency: "$"}},
		{"-5.2", Number{Decimal: "-5.2", Places: 1, Negative: true}},
		{"\u22125.2", Number{Decimal: "-5.2", Places: 1, Negative: true}},
		{"\u20133", Number{Decimal: "-3", Negative: true}},
		{"-$5", Number{Decimal: "-5", Negative: true, Currency: "$"}},
		{"$ 44.2", Number{Decimal: "44.2", Places: 1, Currency: "$"}},
		{"6.80", Number{Decimal: "6.8", Places: 2}},
		{"0.00", Number{Decimal: "0", Places: 2}},
		{"(0)", Number{Decimal: "0", Negative: true, Parenthesized: true}},
		{".5", Number{Decimal: "0.5", Places: 1}},
		{"007", Number{Decimal: "7"}},
		{"1\u00a0234\u00a0567", Number{Decimal: "1234567"}},
		{"1\u202f234.5", Number{Decimal: "1234.5", Places: 1}},
		{"\u00a0 1,234 \u00a0", Number{Decimal: "1234"}},
		{"-", Number{Decimal: "0", Dash: true}},
		{"—", Number{Decimal: "0", Dash: true}},
		{"$ —", Number{Decimal: "0", Dash: true, Currency: "$"}},
		{"–", Number{Decimal: "0", Dash: true}},
		{"1,234(1)", Number{Decimal: "1234", Footnotes: []string{"(1)"}}},
		{"(1,234) (a)", Number{Decimal: "-1234", Negative: true, Parenthesized: true, Footnotes: []string{"(a)"}}},
		{"1,234*", Number{Decimal: "1234", Footnotes: []string{"*"}}},
		{"5.1¹²", Number{Decimal: "5.1", Places: 1, Footnotes: []string{"¹", "²"}}},
		{"12.5%(2)", Number{Decimal: "12.5", Places: 1, Percent: true, Footnotes: []string{"(2)"}}},
		{"(1)", Number{Decimal: "-1", Negative: true, Parenthesized: true}},
		{"$(1)", Number{Decimal: "-1", Negative: true, Parenthesized: true, Currency: "$"}},
		{"(12)", Number{Decimal: "-12", Negative: true, Parenthesized: true}},
		{"12.5%", Number{Decimal: "12.5", Places: 1, Percent: true}},
		{"12.5 %", Number{Decimal: "12.5", Places: 1, Percent: true}},
		{"(12.5)%", Number{Decimal: "-12.5", Places: 1, Percent: true, Negative: true, Parenthesized: true}},
		{"(12.5%)", Number{Decimal: "-12.5", Places: 1, Percent: true, Negative: true, Parenthesized: true}},
		{"−3.1%", Number{Decimal: "-3.1", Places: 1, Percent: true, Negative: true}},
		{"7 percent", Number{Decimal: "7", Percent: true}},
		{"$1.25 per diluted share", Number{Decimal: "1.25", Places: 2, Currency: "$", PerShare: true}},
		{"$0.57 per share", Number{Decimal: "0.57", Places: 2, Currency: "$", PerShare: true}},
		{"$2.3 billion", Number{Decimal: "2.3", Places: 1, Currency: "$", Exponent: 9}},
		{"5.1 Million", Number{Decimal: "5.1", Places: 1, Exponent: 6}},
		{"€2.3bn", Number{Decimal: "2.3", Places: 1, Currency: "€", Exponent: 9}},
		{"US$ 12", Number{Decimal: "12", Currency: "US$"}},
		{"1,234 USD", Number{Decimal: "1234", Currency: "USD"}},
		{"391,035", Number{Decimal: "391035"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if got.Decimal != tt.want.Decimal {
				t.Errorf("Decimal: got %q, want %q", got.Decimal, tt.want.Decimal)
			}
			if got.Places != tt.want.Places {
				t.Errorf("Places: got %d, want %d", got.Places, tt.want.Places)
			}
			if got.Negative != tt.want.Negative || got.Parenthesized != tt.want.Parenthesized {
				t.Errorf("Negative, Parenthesized: got %v %v, want %v %v", got.Negative, got.Parenthesized, tt.want.Negative, tt.want.Parenthesized)
			}
			if got.Dash != tt.want.Dash {
				t.Errorf("Dash: got %v, want %v", got.Dash, tt.want.Dash)
			}
			if got.Percent != tt.want.Percent || got.PerShare != tt.want.PerShare {
				t.Errorf("Percent, PerShare: got %v %v, want %v %v", got.Percent, got.PerShare, tt.want.Percent, tt.want.PerShare)
			}
			if got.Exponent != tt.want.Exponent {
				t.Errorf("Exponent: got %d, want %d", got.Exponent, tt.want.Exponent)
			}
			if got.Currency != tt.want.Currency {
				t.Errorf("Currency: got %q, want %q", got.Currency, tt.want.Currency)
			}
			if !slices.Equal(got.Footnotes, tt.want.Footnotes) {
				t.Errorf("Footnotes: got %q, want %q", got.Footnotes, tt.want.Footnotes)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := []string{
		"(1,577",         // unbalanced
		"1,577)",         // unbalanced
		"12 (34)",        // parentheses around part of the token
		"(-5)",           // two signs
		"1,23",           // short group
		"1,2345",         // long group
		"1234,567",       // four digits before the first comma
		"1,,234",         // doubled separator
		",234",           // leading separator
		"1,234,",         // trailing separator
		"1.2.3",          // two points
		"5.",             // no fraction digits
		"100 200",        // two figures: adjacent columns must not fuse
		"1,234\u00a0567", // mixed separators
		"12a",            // trailing letter
		"abc",            // no digits
		"$",              // currency only
		"%",              // percent only
		"12%%",           // percent twice
		"$ 5 €",          // two currencies
		"5 million billion",
		"Amazon",
		"1e6",
		"(—)",
		"--5",
	}
	for _, in := range tests {
		t.Run(in, func(t *testing.T) {
			got, err := Parse(in)
			if err == nil {
				t.Fatalf("got %+v, want an error", got)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("got %v, want an error wrapping ErrInvalid", err)
			}
			var se *SyntaxError
			if !errors.As(err, &se) || se.Input != in {
				t.Errorf("got %#v, want *SyntaxError naming the input", err)
			}
		})
	}
}

func TestParseEmpty(t *testing.T) {
	for _, in := range []string{"", "  ", "\u00a0\u202f"} {
		if _, err := Parse(in); !errors.Is(err, ErrEmpty) {
			t.Errorf("Parse(%q): got %v, want ErrEmpty", in, err)
		}
	}
}

func TestNumberScaled(t *testing.T) {
	tests := []struct {
		in       string
		exponent int
		want     string
	}{
		{"(1,577)", 6, "-1577000000"},
		{"$2.3 billion", 0, "2300000000"},
		{"$2.3 billion", 3, "2300000000000"},
		{"0.57", 0, "0.57"},
		{"—", 6, "0"},
	}
	for _, tt := range tests {
		n, err := Parse(tt.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.in, err)
		}
		got, err := n.Scaled(tt.exponent)
		if err != nil {
			t.Fatalf("Scaled(%d): %v", tt.exponent, err)
		}
		if got != tt.want {
			t.Errorf("%q scaled by 10^%d: got %s, want %s", tt.in, tt.exponent, got, tt.want)
		}
	}
}

func TestShift(t *testing.T) {
	tests := []struct {
		dec      string
		exponent int
		want     string
	}{
		{"391035", 6, "391035000000"},
		{"6.08", 0, "6.08"},
		{"-6.08", -2, "-0.0608"},
		{"+12.50", 1, "125"},
		{"0.000", 9, "0"},
		{"-0", 3, "0"},
		{"12.", 0, "12"},
		{".5", 2, "50"},
		{"1234.5678", -6, "0.0012345678"},
	}
	for _, tt := range tests {
		got, err := Shift(tt.dec, tt.exponent)
		if err != nil {
			t.Fatalf("Shift(%q, %d): %v", tt.dec, tt.exponent, err)
		}
		if got != tt.want {
			t.Errorf("Shift(%q, %d): got %s, want %s", tt.dec, tt.exponent, got, tt.want)
		}
	}
	for _, bad := range []struct {
		dec string
		exp int
	}{{"", 0}, {"1,234", 0}, {"1.2.3", 0}, {"--1", 0}, {".", 0}, {"1", MaxExponent + 1}} {
		if got, err := Shift(bad.dec, bad.exp); !errors.Is(err, ErrInvalid) {
			t.Errorf("Shift(%q, %d): got %q, %v, want ErrInvalid", bad.dec, bad.exp, got, err)
		}
	}
}

func TestParseGrouped(t *testing.T) {
	tests := []struct {
		text       string
		point      rune
		separators string
		want       string
		ok         bool
	}{
		{"1,234,567.89", '.', ", \u00a0", "1234567.89", true},
		{"1234,567", '.', ",", "1234567", true},
		{"1.234.567,8", ',', ". \u00a0", "1234567.8", true},
		{"1 234", '.', ", \u00a0", "1234", true},
		{" 12 ", '.', "", "12", true},
		{"1,23", '.', ",", "", false},
		{"1,234", '.', "", "", false},
		{"12-3", '.', ",", "", false},
		{",", '.', ",", "", false},
	}
	for _, tt := range tests {
		got, err := ParseGrouped(tt.text, tt.point, tt.separators)
		if (err == nil) != tt.ok {
			t.Errorf("ParseGrouped(%q): got error %v, want ok=%v", tt.text, err, tt.ok)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseGrouped(%q): got %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestParseCaption(t *testing.T) {
	tests := []struct {
		text string
		want Caption
		ok   bool
	}{
		{"(In millions, except per share data)", Caption{Exponent: 6, ExceptPerShare: true}, true},
		{"(in thousands, except share and per share amounts)", Caption{Exponent: 3, ExceptPerShare: true, ExceptShares: true}, true},
		{"(Dollars in billions)", Caption{Exponent: 9}, true},
		{"($ in millions, except number of shares)", Caption{Exponent: 6, ExceptShares: true}, true},
		{"(000's omitted)", Caption{Exponent: 3}, true},
		{"Amounts in thousands of dollars", Caption{Exponent: 3}, true},
		{"(Millions)", Caption{Exponent: 6}, true},
		{"($ million, except per share amounts)", Caption{Exponent: 6, ExceptPerShare: true}, true},
		{"$ million", Caption{Exponent: 6}, true},
		{"(€ thousands)", Caption{Exponent: 3}, true},
		{"Sales rose $5 million in the quarter", Caption{}, false},
		{"(millions of customers grew)", Caption{}, false},
		{"CONSOLIDATED STATEMENTS OF OPERATIONS", Caption{}, false},
		{"(except per share data, in millions)", Caption{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseCaption(tt.text)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParseCaption(%q): got %+v %v, want %+v %v", tt.text, got, ok, tt.want, tt.ok)
		}
	}
}

func TestCaptionExponentFor(t *testing.T) {
	c := Caption{Exponent: 3, ExceptPerShare: true}
	if got := c.ExponentFor(true, false, false); got != 0 {
		t.Errorf("per-share cell: got %d, want 0", got)
	}
	if got := c.ExponentFor(false, true, false); got != 3 {
		t.Errorf("share count without a share exception: got %d, want 3", got)
	}
	if got := c.ExponentFor(false, false, true); got != 0 {
		t.Errorf("percentage: got %d, want 0", got)
	}
	if got := c.ExponentFor(false, false, false); got != 3 {
		t.Errorf("amount: got %d, want 3", got)
	}
}
