package sections

import (
	"testing"

	"github.com/finx-dev/finx/schemas"
)

// FuzzFind checks that sections lie inside the text, in order, and that
// items do not overlap.
func FuzzFind(f *testing.F) {
	f.Add("Item 1. Business\nWe sell.\nItem 1A. Risk Factors\nRisks.\n")
	f.Add("PART II\nItem 1A.\nRisk Factors\n5\nFiscal 2024 Outlook\nThe Company expects:\n")
	f.Add("Consolidated Statements of Income\n(in millions)\n")
	f.Fuzz(func(t *testing.T, text string) {
		secs := Find(&schemas.Document{Text: text})
		lastItemEnd := 0
		for i, s := range secs {
			if s.Start < 0 || s.End > len(text) || s.Start > s.End {
				t.Fatalf("section %d %+v outside text of %d bytes", i, s, len(text))
			}
			if i > 0 && secs[i-1].Start > s.Start {
				t.Fatalf("sections out of order: %+v before %+v", secs[i-1], s)
			}
			if s.ID != IDOutlook && s.ID != IDFinancialStatements {
				if s.Start < lastItemEnd {
					t.Fatalf("item %+v overlaps the previous item ending at %d", s, lastItemEnd)
				}
				lastItemEnd = s.End
			}
		}
	})
}
