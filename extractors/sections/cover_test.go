package sections

import (
	"strings"
	"testing"

	"github.com/finx-dev/finx/schemas"
)

func TestReadCover(t *testing.T) {
	tests := []struct {
		name  string
		form  string
		text  string
		facts []schemas.Fact
		want  Cover
	}{
		{
			name: "annual report cover",
			form: "10-K",
			text: "UNITED STATES\nSECURITIES AND EXCHANGE COMMISSION\nFORM 10-K\n" +
				"For the fiscal year ended December 31, 2023\nCommission File Number: 001-00001\n" +
				"________________\nExample Widgets, Inc.\n\n(Exact name of registrant as specified in its charter)\n" +
				"Delaware 12-3456789\nFor the fiscal year ended December 31, 2022 comparatives follow.\n",
			want: Cover{Company: "Example Widgets, Inc.", PeriodEnd: "2023-12-31"},
		},
		{
			name: "quarterly report cover with a rule line",
			form: "10-Q",
			text: "FORM 10-Q\nFor the quarterly period ended July 1, 2024\n\nSAMPLE   HOLDINGS  CORP.\n" +
				"____________\n(Exact Name of Registrant as Specified in its Charter)\n",
			want: Cover{Company: "SAMPLE HOLDINGS CORP.", PeriodEnd: "2024-07-01"},
		},
		{
			name: "caption on the name's line",
			form: "10-K",
			text: "FORM 10-K\nFor the fiscal year ended June 30, 2021\nTiny Co (Exact name of registrant as specified in its charter)\n",
			want: Cover{Company: "Tiny Co", PeriodEnd: "2021-06-30"},
		},
		{
			name: "name after the file number without a caption",
			form: "10-K",
			text: "FORM 10-K\nFor the fiscal year ended December 31, 2019\n\nCommission file number 1-1234\nNOCAPTION INDUSTRIES\n\nState of Incorporation: Delaware\n",
			want: Cover{Company: "NOCAPTION INDUSTRIES", PeriodEnd: "2019-12-31"},
		},
		{
			name: "field after the file number is no name",
			form: "10-K",
			text: "FORM 10-K\nCommission File No. 000-1234\nState of Incorporation: Delaware\n",
			want: Cover{},
		},
		{
			name: "inline XBRL facts win over the text",
			form: "10-Q",
			text: "FORM 10-Q\nFor the quarterly period ended March 31, 2025\nPRINTED NAME CORP\n(Exact name of registrant as specified in its charter)\n",
			facts: []schemas.Fact{
				{Concept: "dei:EntityRegistrantName", Display: "Tagged  Name Corp"},
				{Concept: "dei:EntityCentralIndexKey", Display: "0000123456"},
				{Concept: "dei:DocumentPeriodEndDate", Display: "March 29, 2025", PeriodEnd: "2025-03-31"},
			},
			want: Cover{Company: "Tagged Name Corp", CIK: "0000123456", PeriodEnd: "2025-03-29"},
		},
		{
			name: "period fact with an unreadable display uses the context end",
			form: "10-K",
			text: "FORM 10-K\n",
			facts: []schemas.Fact{
				{Concept: "dei:DocumentPeriodEndDate", Display: "FY end", PeriodEnd: "2024-09-28"},
			},
			want: Cover{PeriodEnd: "2024-09-28"},
		},
		{
			name: "release dateline with a listing",
			form: "EX-99.1",
			text: "Exhibit 99.1\nGADGETCO REPORTS THIRD QUARTER RESULTS\n" +
				"SPRINGFIELD, IL -- (BUSINESS WIRE) -- Gadget Co, Inc. (NYSE: GDG) announced today that net income " +
				"for the fiscal quarter ended November 2, 2024 was $4.2 million, up from the quarter ended October 28, 2023.\n",
			want: Cover{Company: "Gadget Co, Inc.", PeriodEnd: "2024-11-02"},
		},
		{
			name: "release dateline without a listing",
			text: "News Release\nWidgetWorks Reports First-Quarter Results\n" +
				"AUSTIN, Texas, May 1, 2024 – WidgetWorks Corporation today reported first-quarter results.\n",
			want: Cover{Company: "WidgetWorks Corporation"},
		},
		{
			name: "release named only in its About paragraph",
			text: "Sample reports fiscal 2023 results\nNet sales rose.\n\nAbout Sample Group\n" +
				"Sample Group Holdings Ltd (NYSE: SMPL; ASX: SMP) makes boxes.\n",
			want: Cover{Company: "Sample Group Holdings Ltd"},
		},
		{
			name: "About heading without a listing",
			text: "Results\nRevenue rose.\nAbout Boxmaker\nBoxmaker is a maker of boxes.\n",
			want: Cover{Company: "Boxmaker"},
		},
		{
			name: "table of contents About line is no name",
			text: "Quantitative and Qualitative Disclosures\nAbout Market Risk\nItem 8. Financial Statements 52\n",
			want: Cover{},
		},
		{
			name: "annual report reads no release heuristics",
			form: "10-K",
			text: "FORM 10-K\nOther Co (NASDAQ: OTH) is a customer.\nSales for the three months ended March 31, 2020 rose.\n",
			want: Cover{},
		},
		{
			name: "invalid month is no period",
			form: "10-K",
			text: "For the fiscal year ended Smarch 31, 2020\n",
			want: Cover{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := &schemas.Document{Text: tt.text, Facts: tt.facts}
			doc.Form = tt.form
			got := ReadCover(doc)
			if got.Company != tt.want.Company {
				t.Errorf("Company: got %q, want %q", got.Company, tt.want.Company)
			}
			if got.CIK != tt.want.CIK {
				t.Errorf("CIK: got %q, want %q", got.CIK, tt.want.CIK)
			}
			if got.PeriodEnd != tt.want.PeriodEnd {
				t.Errorf("PeriodEnd: got %q, want %q", got.PeriodEnd, tt.want.PeriodEnd)
			}
		})
	}
}

func TestReadCoverNameLimits(t *testing.T) {
	long := strings.Repeat("Word ", maxNameBytes/5+1)
	doc := &schemas.Document{Text: long + "\n(Exact name of registrant as specified in its charter)\n"}
	doc.Form = "10-K"
	if got := ReadCover(doc).Company; got != "" {
		t.Errorf("name of %d bytes: got %q, want \"\"", len(long), got)
	}
	if got := ReadCover(nil); got != (Cover{}) {
		t.Errorf("nil document: got %+v, want zero Cover", got)
	}
	doc = &schemas.Document{Text: strings.Repeat("x", coverHead) + "\nLate Co\n(Exact name of registrant as specified in its charter)\n"}
	if got := ReadCover(doc).Company; got != "" {
		t.Errorf("caption after %d bytes: got %q, want \"\"", coverHead, got)
	}
}

func FuzzReadCover(f *testing.F) {
	f.Add("Acme Inc.\n(Exact name of registrant as specified in its charter)\nFor the fiscal year ended May 5, 2020", "10-K")
	f.Add("About Acme\nAcme (NYSE: ACM) makes things. For the quarter ended June 1, 2021", "")
	f.Fuzz(func(t *testing.T, text, form string) {
		doc := &schemas.Document{Text: text}
		doc.Form = form
		c := ReadCover(doc)
		if c.PeriodEnd != "" && !isoDateRe.MatchString(c.PeriodEnd) {
			t.Errorf("PeriodEnd %q is not an ISO date", c.PeriodEnd)
		}
		if len(c.Company) > maxNameBytes {
			t.Errorf("Company of %d bytes, want at most %d", len(c.Company), maxNameBytes)
		}
	})
}
