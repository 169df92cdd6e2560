package rules

import (
	"testing"

	"github.com/finx-dev/finx/extractors/passes"
)

// TestClassifyOperatingIsNotCredit checks that words ending in "rating",
// such as "Operating", do not make a risk a credit risk, while ratings
// themselves still do.
func TestClassifyOperatingIsNotCredit(t *testing.T) {
	tests := []struct {
		heading, body, want string
	}{
		{"Business and Operating Risks", "", "other"},
		{"Our operating margins may decline as competition grows.", "", "competition"},
		{"Our Operating Performance Depends on Key Personnel.", "", "operational"},
		{"A downgrade of our ratings could raise our borrowing costs.", "", "credit"},
		{"Changes in our credit ratings could increase the cost of funding.", "", "credit"},
		{"Rating agencies may lower our rating.", "", "credit"},
		{"Our results may fluctuate.", "Operating expenses may rise, and the filer may breach the terms of its debt.", "credit"},
		{"Our Software May Contain Defects.", "", "technology"},
		{"A war in a region where we operate could disrupt our business.", "", "geopolitical"},
	}
	for _, tt := range tests {
		t.Run(tt.heading, func(t *testing.T) {
			c := passes.RiskCandidate{Quote: tt.heading}
			classify(&c, tt.body)
			if c.Category != tt.want {
				t.Errorf("category: got %s, want %s", c.Category, tt.want)
			}
		})
	}
}
