package clickhouse

import "testing"

func TestCanonicalDecimal(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"391035000000", "391035000000", true},
		{"0.33", "0.33", true},
		{"-0.04", "-0.04", true},
		{"39000966000", "39000966000", true},
		{"007.500", "7.5", true},
		{"-0", "0", true},
		{"-0.000", "0", true},
		{"0.000001", "0.000001", true},
		{"0.0000001", "", false},
		{"1.2345670", "1.234567", true},
		{"99999999999999999999999999999999.999999", "99999999999999999999999999999999.999999", true},
		{"-99999999999999999999999999999999.999999", "-99999999999999999999999999999999.999999", true},
		{"100000000000000000000000000000000", "", false},
		{"", "", false},
		{"-", "", false},
		{"1.", "", false},
		{".5", "", false},
		{"1,577", "", false},
		{"1e3", "", false},
		{"+1", "", false},
		{"--1", "", false},
		{" 1", "", false},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, ok := canonicalDecimal(c.in)
			if ok != c.ok || got != c.want {
				t.Errorf("canonicalDecimal(%q): got (%q, %v), want (%q, %v)", c.in, got, ok, c.want, c.ok)
			}
		})
	}
}

func FuzzCanonicalDecimal(f *testing.F) {
	for _, s := range []string{"0", "-0.04", "391035000000", "1.2345670", "007", "1e3", "-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := canonicalDecimal(s)
		if !ok {
			return
		}
		again, ok := canonicalDecimal(c)
		if !ok || again != c {
			t.Fatalf("canonicalDecimal(%q) = %q, which canonicalizes to (%q, %v)", s, c, again, ok)
		}
	})
}
