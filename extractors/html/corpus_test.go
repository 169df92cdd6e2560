package html

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/finx-dev/finx/internal/testenv"
	"github.com/finx-dev/finx/schemas"
)

// goldRow is the part of a corpus gold.jsonl row that these tests read.
type goldRow struct {
	File       string  `json:"file"`
	Kind       string  `json:"kind"`
	Label      string  `json:"label"`
	Period     *string `json:"period"`
	Quote      string  `json:"quote"`
	Source     string  `json:"source"`
	QuoteCheck string  `json:"quote_check"`
	RawOffset  *int64  `json:"raw_offset"`
	ContextRef string  `json:"context_ref"`
	FactID     string  `json:"fact_id"`
	Sign       *string `json:"sign"`
	ValueBase  string  `json:"value_base"`
}

func readGold(t *testing.T, dir string) []goldRow {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "gold.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []goldRow
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r goldRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("gold.jsonl: %v", err)
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// parsedCorpus and corpusBytes keep each corpus file parsed once per test
// binary.
var (
	parsedCorpus = map[string]*schemas.Document{}
	corpusBytes  = map[string][]byte{}
)

func parseCorpusFile(t *testing.T, dir, file string) *schemas.Document {
	t.Helper()
	if doc, ok := parsedCorpus[file]; ok {
		return doc
	}
	data, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Parse(context.Background(), file, data)
	if err != nil {
		t.Fatalf("Parse(%s): %v", file, err)
	}
	parsedCorpus[file] = doc
	corpusBytes[file] = data
	return doc
}

// quotePattern matches the quote with each whitespace run matching any
// run of whitespace, including the no-break space.
func quotePattern(quote string) *regexp.Regexp {
	words := strings.Fields(strings.ReplaceAll(quote, "\u00a0", " "))
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(strings.Join(words, `[\s\x{00a0}]+`))
}

func collapse(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\u00a0'
	}), " ")
}

func TestCorpusIXBRLGold(t *testing.T) {
	dir := testenv.Corpus(t)
	matched := 0
	for _, row := range readGold(t, dir) {
		if row.Source != "ixbrl-tag" {
			continue
		}
		t.Run(filepath.Base(row.File)+"/"+row.FactID, func(t *testing.T) {
			doc := parseCorpusFile(t, dir, row.File)
			var fact *schemas.Fact
			for i := range doc.Facts {
				if doc.Facts[i].ID == row.FactID {
					fact = &doc.Facts[i]
					break
				}
			}
			if fact == nil {
				t.Fatalf("fact %s not found among %d facts", row.FactID, len(doc.Facts))
			}
			if fact.Concept != row.Label {
				t.Errorf("concept: got %s, want %s", fact.Concept, row.Label)
			}
			if fact.ContextRef != row.ContextRef {
				t.Errorf("context: got %s, want %s", fact.ContextRef, row.ContextRef)
			}
			period := fact.Instant
			if period == "" {
				period = fact.PeriodStart + "/" + fact.PeriodEnd
			}
			if row.Period == nil || period != *row.Period {
				t.Errorf("period: got %s, want %v", period, row.Period)
			}
			if fact.Value != row.ValueBase {
				t.Errorf("value: got %s, want %s", fact.Value, row.ValueBase)
			}
			if wantNeg := row.Sign != nil && *row.Sign == "-"; fact.Negative != wantNeg {
				t.Errorf("negative: got %v, want %v", fact.Negative, wantNeg)
			}
			if got := doc.Text[fact.Start:fact.End]; got != row.Quote {
				t.Errorf("Text[%d:%d]: got %q, want %q", fact.Start, fact.End, got, row.Quote)
			}
			if fact.Display != row.Quote {
				t.Errorf("display: got %q, want %q", fact.Display, row.Quote)
			}
			if row.RawOffset != nil {
				if got := doc.SourceOffset(fact.Start); got != *row.RawOffset {
					t.Errorf("SourceOffset(Start): got %d, want %d", got, *row.RawOffset)
				}
				if fact.SourceOffset >= *row.RawOffset {
					t.Errorf("fact SourceOffset %d is not before the value at %d", fact.SourceOffset, *row.RawOffset)
				}
			}
			matched++
		})
	}
	if matched != 24 {
		t.Errorf("matched %d ixbrl-tag rows, want 24", matched)
	}
}

func TestCorpusQuotesInText(t *testing.T) {
	dir := testenv.Corpus(t)
	for _, row := range readGold(t, dir) {
		if !strings.HasSuffix(row.File, ".html") || row.QuoteCheck != "html-text" {
			continue
		}
		t.Run(filepath.Base(row.File)+"/"+row.Kind, func(t *testing.T) {
			doc := parseCorpusFile(t, dir, row.File)
			if !strings.Contains(collapse(doc.Text), collapse(row.Quote)) {
				t.Fatalf("quote not in text: %q", row.Quote)
			}
			// The quote's first byte in Text maps to the source byte that
			// printed it, or to the '&' of a character reference.
			loc := quotePattern(row.Quote).FindStringIndex(doc.Text)
			if loc == nil {
				t.Fatalf("quote %q not found with whitespace runs matched", row.Quote)
			}
			src := doc.SourceOffset(loc[0])
			data := corpusBytes[row.File]
			if src < 0 || src >= int64(len(data)) {
				t.Fatalf("quote at text offset %d maps to source offset %d", loc[0], src)
			}
			if c := data[src]; c != doc.Text[loc[0]] && c != '&' && c < 0x80 {
				t.Errorf("quote at text offset %d maps to source byte %q, want %q", loc[0], c, doc.Text[loc[0]])
			}
		})
	}
}

func TestCorpusFiling(t *testing.T) {
	dir := testenv.Corpus(t)
	cases := []struct {
		file      string
		media     string
		form      string
		wantCIK   bool
		wantFacts bool
	}{
		{"html/aapl-10-k-2024-11-01.html", schemas.MediaIXBRL, "10-K", true, true},
		{"html/nflx-10-k-2025-01-27.html", schemas.MediaIXBRL, "10-K", true, true},
		{"html/nvda-10-q-2025-08-27.html", schemas.MediaIXBRL, "10-Q", true, true},
		{"html/tsla-10-q-2025-07-24.html", schemas.MediaIXBRL, "10-Q", true, true},
		{"html/0001193125-10-073212.html", schemas.MediaHTML, "", false, false},
		{"8k/BuckleInc.8-K.EX99.1.html", schemas.MediaHTML, "EX-99.1", false, false},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			doc := parseCorpusFile(t, dir, c.file)
			if doc.MediaType != c.media {
				t.Errorf("media type: got %s, want %s", doc.MediaType, c.media)
			}
			if doc.Form != c.form {
				t.Errorf("form: got %q, want %q", doc.Form, c.form)
			}
			if got := doc.CIK != "" && doc.Company != ""; got != c.wantCIK {
				t.Errorf("CIK %q company %q: got set=%v, want %v", doc.CIK, doc.Company, got, c.wantCIK)
			}
			if got := len(doc.Facts) > 0; got != c.wantFacts {
				t.Errorf("facts: got %d, want some=%v", len(doc.Facts), c.wantFacts)
			}
			if len(doc.Warnings) > 0 {
				t.Logf("warnings: %v", doc.Warnings)
			}
			checkInvariants(t, doc, corpusBytes[c.file])
			if len(doc.Tables) == 0 {
				t.Errorf("got no tables, want the filing's statement tables")
			}
			t.Logf("tables %d, cells %d, with caption %d", len(doc.Tables), countCells(doc.Tables), countCaptions(doc.Tables))
			if _, err := schemas.Marshal(schemas.SchemaDocument, doc); err != nil {
				t.Errorf("document schema: %v", err)
			}
			for _, f := range doc.Facts {
				if f.Numeric && !f.Nil && f.Value == "" {
					t.Errorf("fact %s %s printed %q has no value", f.ID, f.Concept, f.Display)
				}
			}
		})
	}
}

func countCells(tables []schemas.Table) int {
	n := 0
	for _, tb := range tables {
		for _, r := range tb.Rows {
			n += len(r.Cells)
		}
	}
	return n
}

func countCaptions(tables []schemas.Table) int {
	n := 0
	for _, tb := range tables {
		if tb.Caption != "" {
			n++
		}
	}
	return n
}
