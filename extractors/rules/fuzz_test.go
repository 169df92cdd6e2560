package rules

import (
	"context"
	"testing"
	"time"

	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/schemas"
)

// FuzzRun runs every pass of the rules provider on arbitrary text and
// checks that the result validates against the result schema.
func FuzzRun(f *testing.F) {
	f.Add("Item 1A. Risk Factors\nWe Face Intense Competition\nOur businesses are rapidly evolving and intensely competitive, and we have many competitors.\n")
	f.Add("Fiscal 2027 Outlook\nThe Company expects net sales of $1.70 billion to $1.75 billion (previously $1.6 billion).\n")
	f.Add("(in millions)\n2019 2018\nNet sales $ 280,522 $ 232,887\nDiluted\t$(0.04)\n")
	f.Add("Net income was $(1,2 billion to 35 percent-and-$.\n• •\n")
	f.Add("(In millions)\nBalances as of Jul 27, 2025\t24\nNet income\t—\t16,599\nRevenue $8.51 - $8.53\nBillion Billion\n* Risks in the U.S. and abroad. More.\n")
	f.Fuzz(func(t *testing.T, text string) {
		doc := &schemas.Document{
			Filing: schemas.Filing{DocID: "0000000000000000000000000000000000000000000000000000000000000000", SourcePath: "fuzz.txt", MediaType: schemas.MediaText},
			Text:   text,
		}
		now := time.Unix(0, 0).UTC()
		res, err := passes.Run(context.Background(), doc, New(), passes.Config{Now: func() time.Time { return now }})
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		if _, err := schemas.Marshal(schemas.SchemaResult, res); err != nil {
			t.Fatalf("invalid result: %v", err)
		}
		for _, r := range res.Risks {
			if text[r.Citation.Start:r.Citation.End] != r.Citation.Quote {
				t.Fatalf("risk quote %q is not the text span", r.Citation.Quote)
			}
		}
	})
}
