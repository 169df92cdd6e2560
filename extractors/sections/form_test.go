package sections

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/finx-dev/finx/schemas"
)

func TestForm(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"annual cover", "UNITED STATES\nSECURITIES AND EXCHANGE COMMISSION\nFORM 10-K\n(Mark One)\nANNUAL REPORT PURSUANT TO SECTION 13\n", "10-K"},
		{"quarterly cover lower case", "Washington, D.C. 20549\n  Form 10-Q  \nQUARTERLY REPORT\n", "10-Q"},
		{"current report", "FORM 8-K\nCURRENT REPORT\n", "8-K"},
		{"amendment", "FORM 10-K/A\nAmendment No. 1\n", "10-K/A"},
		{"no-break space and en dash", "FORM\u00a010–K\n", "10-K"},
		{"spaced out", "FORM 10 - Q\n", "10-Q"},
		{"edgar header", "<SEC-HEADER>\nACCESSION NUMBER:\t0000000000-06-000001\nCONFORMED SUBMISSION TYPE:\t8-K\nPUBLIC DOCUMENT COUNT:\t2\n</SEC-HEADER>\nFORM 10-K\n", "8-K"},
		{"edgar header amendment", "CONFORMED SUBMISSION TYPE: 10-Q/A\n", "10-Q/A"},
		{"reference in a sentence", "Check the appropriate box below if the Form 8-K filing is intended to satisfy the filing obligation.\n", ""},
		{"reference in part iii", "Portions of the proxy statement are incorporated by reference into Part III of this Form 10-K.\n", ""},
		{"other form", "FORM 20-F\n", ""},
		{"no form", "Example Corp. Reports Third Quarter Results\nRevenue was $12.5 million.\n", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Form(&schemas.Document{Text: tt.text}); got != tt.want {
				t.Errorf("Form: got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFormReadsOnlyTheHead(t *testing.T) {
	text := strings.Repeat("Revenue was $12.5 million for the quarter.\n", formHead/40) + "FORM 10-K\n"
	if got := Form(&schemas.Document{Text: text}); got != "" {
		t.Errorf("Form with the cover line after %d bytes: got %q, want \"\"", formHead, got)
	}
	if got := Form(nil); got != "" {
		t.Errorf("Form(nil): got %q, want \"\"", got)
	}
}

// TestFindCurrentReportItems checks that 8-K items keep their sub-item
// number in the ID and the title as printed, whether the text prints
// "2.02" or spaces it out as "2. 02".
func TestFindCurrentReportItems(t *testing.T) {
	tests := []struct {
		name, text string
		ids        []string
		titles     []string
	}{
		{
			name:   "dotted",
			text:   "FORM 8-K\nITEM 2.02   RESULTS OF OPERATIONS AND FINANCIAL CONDITION.\n" + body + "ITEM 9.01   FINANCIAL STATEMENTS AND EXHIBITS.\n" + body,
			ids:    []string{"item_2_02", "item_9_01"},
			titles: []string{"ITEM 2.02 RESULTS OF OPERATIONS AND FINANCIAL CONDITION.", "ITEM 9.01 FINANCIAL STATEMENTS AND EXHIBITS."},
		},
		{
			name:   "spaced",
			text:   "Item 2. 02 Results of Operations and Financial Condition\n" + body + "Item 7. 01 Regulation FD Disclosure\n" + body,
			ids:    []string{"item_2_02", "item_7_01"},
			titles: []string{"Item 2. 02 Results of Operations and Financial Condition", "Item 7. 01 Regulation FD Disclosure"},
		},
		{
			name:   "sub-item ten",
			text:   "Item 5.10 Something New\n" + body,
			ids:    []string{"item_5_10"},
			titles: []string{"Item 5.10 Something New"},
		},
		{
			name:   "annual items unchanged",
			text:   "Item 7. Management's Discussion and Analysis\n" + body + "Item 7A. Quantitative and Qualitative Disclosures About Market Risk\n" + body,
			ids:    []string{"item_7", "item_7a"},
			titles: []string{"Item 7. Management's Discussion and Analysis", "Item 7A. Quantitative and Qualitative Disclosures About Market Risk"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Find(&schemas.Document{Text: tt.text})
			if len(got) != len(tt.ids) {
				t.Fatalf("sections: got %+v, want IDs %v", got, tt.ids)
			}
			for i := range got {
				if got[i].ID != tt.ids[i] {
					t.Errorf("section %d ID: got %q, want %q", i, got[i].ID, tt.ids[i])
				}
				if got[i].Title != tt.titles[i] {
					t.Errorf("section %d title: got %q, want %q", i, got[i].Title, tt.titles[i])
				}
			}
		})
	}
}

func TestFindContextCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	text := strings.Repeat("Item 7. Management's Discussion and Analysis\n"+body, 10)
	secs, err := FindContext(ctx, &schemas.Document{Text: text})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error: got %v, want context.Canceled", err)
	}
	if secs != nil {
		t.Errorf("sections: got %+v, want nil", secs)
	}
}
