package passes

import (
	"strings"
	"testing"

	"github.com/finx-dev/finx/schemas"
)

// FuzzLocate checks that a located quote is a span of the text that reads
// like the quote after normalisation, and that Cite never panics.
func FuzzLocate(f *testing.F) {
	f.Add("The Company’s “core” results—strong", `Company's "core"`, 3)
	f.Add("a\u00a0 b\n\nc ﬁ d", "a b c fi", -1)
	f.Add("Revenue was $5 million.\fRevenue was $5 million.", "Revenue", 30)
	f.Add("\xff\xfe broken", "broken", 0)
	f.Fuzz(func(t *testing.T, text, quote string, hint int) {
		doc := &schemas.Document{Text: text}
		l := newLocator(doc)
		start, end, match, ok := l.Locate(quote, 0, len(text), hint)
		if !ok {
			return
		}
		if start < 0 || end > len(text) || start > end {
			t.Fatalf("span [%d,%d) outside text of %d bytes", start, end, len(text))
		}
		got := text[start:end]
		if match == schemas.MatchExact && got != strings.TrimSpace(quote) {
			t.Fatalf("exact match %q, want %q", got, strings.TrimSpace(quote))
		}
		if match == schemas.MatchNormalized && !strings.Contains(normalize(got).text, strings.TrimSpace(normalize(strings.TrimSpace(quote)).text)) {
			t.Fatalf("normalized match %q does not read as %q", got, quote)
		}
		c := l.Cite(start, end, match)
		if c.Quote != got || c.CharStart > c.CharEnd {
			t.Fatalf("citation %+v does not match span [%d,%d)", c, start, end)
		}
	})
}
