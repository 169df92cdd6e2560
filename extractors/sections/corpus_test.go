package sections_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/finx-dev/finx/extractors/html"
	"github.com/finx-dev/finx/extractors/pdf"
	"github.com/finx-dev/finx/extractors/sections"
	"github.com/finx-dev/finx/internal/testenv"
	"github.com/finx-dev/finx/schemas"
)

// parseCorpusFile parses a corpus PDF or HTML filing and sets its form from
// the text when the parser found none.
func parseCorpusFile(t *testing.T, path string) *schemas.Document {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc *schemas.Document
	if strings.HasSuffix(path, ".pdf") {
		doc, err = pdf.Parse(context.Background(), path, data, pdf.Config{})
	} else {
		doc, err = html.Parse(context.Background(), path, data)
	}
	if err != nil {
		t.Fatal(err)
	}
	if doc.Form == "" {
		doc.Form = sections.Form(doc)
	}
	return doc
}

// TestCorpusRiskFactorsAndMDA checks that every 10-K and 10-Q of the corpus
// has Item 1A and MD&A at their real headings, past the cover and table of
// contents and with a body of prose. A 10-Q may lack Part II Item 1A, and
// then Check must report it.
func TestCorpusRiskFactorsAndMDA(t *testing.T) {
	dir := testenv.Corpus(t)
	var files []string
	for _, pattern := range []string{"pdf/*.pdf", "html/*.htm*"} {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	checked := 0
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			doc := parseCorpusFile(t, path)
			var want []string
			switch {
			case strings.HasPrefix(doc.Form, "10-K"):
				want = []string{"item_1a", "item_7"}
			case strings.HasPrefix(doc.Form, "10-Q"):
				want = []string{"part2_item_1a", "part1_item_2"}
			default:
				t.Skipf("form %q is not a 10-K or 10-Q", doc.Form)
			}
			checked++
			secs := sections.Find(doc)
			warnings := strings.Join(sections.Check(doc, secs), "\n")
			for _, id := range want {
				var sec *schemas.Section
				for i := range secs {
					if secs[i].ID == id {
						sec = &secs[i]
					}
				}
				if sec == nil {
					// A 10-Q may leave out Part II Item 1A when the risk
					// factors have not changed; Check must then warn.
					if id != "part2_item_1a" || !strings.Contains(warnings, "has no Part II Item 1A") {
						t.Errorf("%s: section %s not found, and Check warned %q", doc.Form, id, warnings)
					}
					t.Logf("%s: not found; Check warned %q", id, warnings)
					continue
				}
				body := doc.Text[sec.Start:sec.End]
				t.Logf("%s: %q at %d, %d bytes", id, sec.Title, sec.Start, len(body))
				if len(body) < 2*sections.MinBody {
					t.Errorf("%s: body of %d bytes, want at least %d", id, len(body), 2*sections.MinBody)
				}
				if sec.Start < len(doc.Text)/50 {
					t.Errorf("%s starts at byte %d of %d, inside the cover and table of contents", id, sec.Start, len(doc.Text))
				}
			}
		})
	}
	if checked == 0 {
		t.Error("no 10-K or 10-Q in the corpus")
	}
}
