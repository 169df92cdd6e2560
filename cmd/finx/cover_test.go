package main

import (
	"context"
	"testing"

	"github.com/finx-dev/finx/schemas"
)

// coverHTML is a 10-K cover page without inline XBRL or EDGAR metadata.
const coverHTML = `<html><body>
<p>UNITED STATES SECURITIES AND EXCHANGE COMMISSION</p>
<p>FORM 10-K</p>
<p>For the fiscal year ended December 31, 2023</p>
<p>Commission File Number: 001-00001</p>
<p>Example Widgets, Inc.</p>
<p>(Exact name of registrant as specified in its charter)</p>
<p>Item 1A. Risk Factors</p>
<p>Our widgets may fail.</p>
</body></html>`

func TestParseDocumentCoverCompany(t *testing.T) {
	tests := []struct {
		name     string
		envelope schemas.Filing
		want     string
	}{
		{"cover fills a missing company", schemas.Filing{}, "Example Widgets, Inc."},
		{"EDGAR company wins", schemas.Filing{Company: "EXAMPLE WIDGETS INC", CIK: "0000000042"}, "EXAMPLE WIDGETS INC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.envelope
			f.SourcePath, f.MediaType = "widgets-10k.htm", schemas.MediaHTML
			doc, err := parseDocument(context.Background(), f, []byte(coverHTML))
			if err != nil {
				t.Fatal(err)
			}
			if doc.Company != tt.want {
				t.Errorf("Company: got %q, want %q", doc.Company, tt.want)
			}
			if doc.CIK != tt.envelope.CIK {
				t.Errorf("CIK: got %q, want %q", doc.CIK, tt.envelope.CIK)
			}
			if doc.Form != "10-K" {
				t.Errorf("Form: got %q, want \"10-K\"", doc.Form)
			}
			if doc.PeriodEnd != "2023-12-31" {
				t.Errorf("PeriodEnd: got %q, want the cover's 2023-12-31", doc.PeriodEnd)
			}
		})
	}
}
