package sections_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/finx-dev/finx/extractors/sections"
	"github.com/finx-dev/finx/extractors/text"
	"github.com/finx-dev/finx/internal/testenv"
	"github.com/finx-dev/finx/schemas"
)

// TestCorpusCoverNames reads the cover of every corpus filing: each must
// get a company name that its text prints, and each 10-K and 10-Q a period
// end. It logs how many filings the parsers named and how many ReadCover
// adds.
func TestCorpusCoverNames(t *testing.T) {
	dir := testenv.Corpus(t)
	var files []string
	for _, pattern := range []string{"pdf/*.pdf", "html/*.htm*", "8k/*"} {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no filings in the corpus")
	}
	parsed, named, periods := 0, 0, 0
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			var doc *schemas.Document
			if strings.HasSuffix(path, ".txt") {
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if doc, err = text.Parse(context.Background(), path, data); err != nil {
					t.Fatal(err)
				}
			} else {
				doc = parseCorpusFile(t, path)
			}
			if doc.Company != "" {
				parsed++
			}
			c := sections.ReadCover(doc)
			t.Logf("parser %q, cover %q, CIK %q, period end %q", doc.Company, c.Company, c.CIK, c.PeriodEnd)
			company := doc.Company
			if company == "" {
				company = c.Company
			}
			if company == "" {
				t.Errorf("%s: no company name from the parser or the cover", doc.Form)
			} else {
				named++
			}
			if c.Company != "" && !strings.Contains(strings.Join(strings.Fields(doc.Text), " "), c.Company) {
				t.Errorf("cover name %q is not in the text", c.Company)
			}
			if c.PeriodEnd != "" {
				periods++
			}
			if strings.HasPrefix(doc.Form, "10-") && c.PeriodEnd == "" {
				t.Errorf("%s: no period end", doc.Form)
			}
		})
	}
	t.Logf("%d filings: %d named by the parser, %d with the cover, %d with a period end", len(files), parsed, named, periods)
}
