package ixbrl

import (
	"errors"
	"strings"
	"testing"
)

func TestTransform(t *testing.T) {
	cases := []struct {
		name    string
		format  string
		display string
		want    string
		wantErr error
	}{
		{"plain integer", "", "1234", "1234", nil},
		{"plain decimal", "", " 6.08 ", "6.08", nil},
		{"plain rejects comma", "", "1,234", "", ErrInvalidNumber},
		{"dot decimal groups", "ixt:num-dot-decimal", "391,035", "391035", nil},
		{"dot decimal fraction", "ixt:num-dot-decimal", "1,284.6", "1284.6", nil},
		{"dot decimal nbsp group", "ixt:num-dot-decimal", "1\u00a0234", "1234", nil},
		{"dot decimal TR1 name", "ixt:numdotdecimal", "12,000.50", "12000.5", nil},
		{"dot decimal rejects parenthesis", "ixt:num-dot-decimal", "(42)", "", ErrInvalidNumber},
		{"dot decimal rejects two points", "ixt:num-dot-decimal", "1.2.3", "", ErrInvalidNumber},
		{"dot decimal rejects group after point", "ixt:num-dot-decimal", "1.234,5", "", ErrInvalidNumber},
		{"dot decimal rejects empty", "ixt:num-dot-decimal", "  ", "", ErrInvalidNumber},
		{"comma decimal", "ixt:num-comma-decimal", "1.234,56", "1234.56", nil},
		{"comma decimal TR1 name", "ixt:numcommadecimal", "7,5", "7.5", nil},
		{"space dot", "ixt:numspacedot", "1 234.5", "1234.5", nil},
		{"fixed zero dash", "ixt:fixed-zero", "—", "0", nil},
		{"zerodash", "ixt:zerodash", "-", "0", nil},
		{"words two", "ixt-sec:numwordsen", "two", "2", nil},
		{"words none", "ixt-sec:numwordsen", "None", "0", nil},
		{"words compound", "ixt-sec:numwordsen", "twenty-one", "21", nil},
		{"words hundreds", "ixt-sec:numwordsen", "one hundred and five", "105", nil},
		{"words thousands", "ixt-sec:numwordsen", "three thousand two hundred", "3200", nil},
		{"words digits", "ixt-sec:numwordsen", "3", "3", nil},
		{"words rejects other", "ixt-sec:numwordsen", "several", "", ErrInvalidNumber},
		{"unit decimal", "ixt:num-unit-decimal", "5 dollars and 25 cents", "5.25", nil},
		{"unit decimal whole", "ixt:numunitdecimal", "1,200 dollars", "1200", nil},
		{"unsupported", "ixt:date-monthname-day-year-en", "May 1, 2026", "", ErrUnsupportedFormat},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Transform(c.format, c.display)
			if c.wantErr != nil {
				if !errors.Is(err, c.wantErr) {
					t.Fatalf("Transform(%q, %q) error: got %v, want %v", c.format, c.display, err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Transform(%q, %q): %v", c.format, c.display, err)
			}
			if got != c.want {
				t.Errorf("Transform(%q, %q): got %q, want %q", c.format, c.display, got, c.want)
			}
		})
	}
}

func TestScale(t *testing.T) {
	cases := []struct {
		dec      string
		scale    int
		negative bool
		want     string
	}{
		{"391035", 6, false, "391035000000"},
		{"1284.6", 6, false, "1284600000"},
		{"42.3", 6, true, "-42300000"},
		{"0.57", 0, true, "-0.57"},
		{"6.08", 0, false, "6.08"},
		{"6.080", 0, false, "6.08"},
		{"007", 0, false, "7"},
		{"5", -2, false, "0.05"},
		{"12.5", -3, false, "0.0125"},
		{"1.23456", 3, false, "1234.56"},
		{"0", 6, true, "0"},
		{"0.000", 0, false, "0"},
		{"12.", 0, false, "12"},
		{".5", 1, false, "5"},
		{"100", -2, false, "1"},
	}
	for _, c := range cases {
		t.Run(c.dec, func(t *testing.T) {
			got, err := Scale(c.dec, c.scale, c.negative)
			if err != nil {
				t.Fatalf("Scale(%q, %d, %v): %v", c.dec, c.scale, c.negative, err)
			}
			if got != c.want {
				t.Errorf("Scale(%q, %d, %v): got %q, want %q", c.dec, c.scale, c.negative, got, c.want)
			}
		})
	}
}

func TestScaleRejects(t *testing.T) {
	cases := []struct {
		name  string
		dec   string
		scale int
	}{
		{"empty", "", 0},
		{"point only", ".", 0},
		{"sign", "-5", 0},
		{"letters", "1e5", 0},
		{"huge scale", "1", 1_000_000_000},
		{"huge negative scale", "1", -1_000_000_000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got, err := Scale(c.dec, c.scale, false); !errors.Is(err, ErrInvalidNumber) {
				t.Errorf("Scale(%q, %d): got %q, %v, want ErrInvalidNumber", c.dec, c.scale, got, err)
			}
		})
	}
}

func FuzzTransform(f *testing.F) {
	for _, s := range []string{"1,234.5", "(12)", "twenty-one", "—", "1.234,5", "", "5 dollars 3 cents"} {
		for _, format := range []string{"", "ixt:num-dot-decimal", "ixt:num-comma-decimal", "ixt-sec:numwordsen", "ixt:fixed-zero", "ixt:num-unit-decimal"} {
			f.Add(format, s, 6)
		}
	}
	f.Fuzz(func(t *testing.T, format, display string, scale int) {
		dec, err := Transform(format, display)
		if err != nil {
			return
		}
		if strings.Trim(dec, "0123456789.") != "" || strings.Count(dec, ".") > 1 {
			t.Fatalf("Transform(%q, %q) = %q, not an unsigned decimal", format, display, dec)
		}
		v, err := Scale(dec, scale%40, true)
		if err != nil {
			return
		}
		// Scaling back must give the canonical form of dec.
		back, err := Scale(strings.TrimPrefix(v, "-"), -(scale % 40), false)
		if err != nil {
			t.Fatalf("Scale back %q: %v", v, err)
		}
		canon, err := Scale(dec, 0, false)
		if err != nil {
			t.Fatalf("Scale(%q, 0): %v", dec, err)
		}
		if back != canon {
			t.Fatalf("round trip of %q at scale %d: got %q, want %q", dec, scale%40, back, canon)
		}
	})
}
