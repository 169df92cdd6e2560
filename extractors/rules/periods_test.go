package rules

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/finx-dev/finx/extractors/passes/passestest"
)

// TestPeriodIndexMatchesFullScan checks that indexing the period headers
// in windows around "ended" finds what one scan of the whole text finds.
func TestPeriodIndexMatchesFullScan(t *testing.T) {
	texts := map[string]string{
		"word cut at window start": "xsix months ended June 30, 2024 and six months ended June 30, 2023",
		"headers close together":   "for the year ended December 31, 2017 and the year ended December 31, 2016",
		"wrapped header": "Three Months Ended\n\n   September 30, 2026\tThree Months Ended September 30, 2025\n" +
			"Twelve Months Ended Sept. 30 2025",
		"ended without a date": "endedended ENDED quarter ended March 1, 2020 fiscal years ended",
		"at the text edges":    "quarter ended March 1, 2020",
		"no header":            "Revenue was $12.5 million.",
	}
	for _, layout := range []passestest.Layout{passestest.Release, passestest.Annual, passestest.OneLine} {
		texts[layout.String()] = passestest.Dense(256<<10, layout).Text
	}
	for name, text := range texts {
		t.Run(name, func(t *testing.T) {
			want := periodHeaderRe.FindAllStringSubmatchIndex(text, -1)
			got, err := newPeriodIndex(context.Background(), text)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got.headers.matches) != fmt.Sprint(want) {
				t.Errorf("got %d matches %v, want %d %v", len(got.headers.matches), got.headers.matches[:min(len(got.headers.matches), 4)], len(want), want[:min(len(want), 4)])
			}
		})
	}
}

func TestPeriodIndexCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := newPeriodIndex(ctx, passestest.Dense(64<<10, passestest.Release).Text); !errors.Is(err, context.Canceled) {
		t.Errorf("error: got %v, want context.Canceled", err)
	}
}

// TestFindAllMatchesFullScan checks that scanning in segments finds what
// one scan of the whole text finds, also in text without line breaks.
func TestFindAllMatchesFullScan(t *testing.T) {
	patterns := []struct {
		name string
		re   *regexp.Regexp
	}{{"scale", scaleRe}, {"period", periodHeaderRe}, {"attributable", attributableRe}}
	for _, layout := range []passestest.Layout{passestest.Release, passestest.Annual, passestest.OneLine} {
		text := passestest.Dense(256<<10, layout).Text
		for _, p := range patterns {
			t.Run(layout.String()+"/"+p.name, func(t *testing.T) {
				want := p.re.FindAllStringSubmatchIndex(text, -1)
				got, err := findAll(context.Background(), p.re, text)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("got %d matches, want %d", len(got), len(want))
				}
			})
		}
	}
}
