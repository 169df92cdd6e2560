package pdf

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/finx-dev/finx/internal/testenv"
)

type goldRow struct {
	File  string `json:"file"`
	Kind  string `json:"kind"`
	Page  int    `json:"page"`
	Quote string `json:"quote"`
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
		if strings.HasSuffix(r.File, ".pdf") {
			rows = append(rows, r)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// collapse turns every run of whitespace into one space, as gold quotes are
// compared.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// corpusPDFs lists the PDF files in the corpus folders that hold them.
func corpusPDFs(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	for _, sub := range []string{"pdf", "8k"} {
		m, err := filepath.Glob(filepath.Join(dir, sub, "*.pdf"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	return files
}

func TestCorpusParses(t *testing.T) {
	dir := testenv.Corpus(t)
	files := corpusPDFs(t, dir)
	if len(files) != 10 {
		t.Fatalf("got %d corpus PDFs, want 10", len(files))
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			doc, err := Parse(context.Background(), path, data, Config{})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			t.Logf("%d pages, %d with text, %d bytes of text, %d warnings, %v",
				len(doc.Pages), doc.PagesWithText, len(doc.Text), len(doc.Warnings), time.Since(start))
			checkTables(t, doc)
			cells, captions := 0, 0
			for _, tb := range doc.Tables {
				for _, r := range tb.Rows {
					cells += len(r.Cells)
				}
				if tb.Caption != "" {
					captions++
				}
			}
			t.Logf("%d tables, %d cells, %d with caption", len(doc.Tables), cells, captions)
			if len(doc.Tables) == 0 {
				t.Errorf("got no tables, want the filing's statement tables")
			}
			if doc.PagesWithText != len(doc.Pages) {
				t.Errorf("got %d pages with text, want all %d (warnings %q)", doc.PagesWithText, len(doc.Pages), doc.Warnings)
			}
			if got, want := strings.Count(doc.Text, "\f"), len(doc.Pages)-1; got != want {
				t.Errorf("got %d form feeds, want %d", got, want)
			}
			for i, p := range doc.Pages {
				if p.Number != i+1 || p.Start > p.End || p.End > len(doc.Text) {
					t.Fatalf("page %d: bad span %+v", i+1, p)
				}
				if strings.Contains(doc.Text[p.Start:p.End], "\f") {
					t.Errorf("page %d span contains a form feed", p.Number)
				}
			}
		})
	}
}

// minGoldRecall is the share of gold PDF quotes that must appear on their
// gold page, measured on the corpus (see TestCorpusGoldQuotes log).
const minGoldRecall = 1.0

func TestCorpusGoldQuotes(t *testing.T) {
	dir := testenv.Corpus(t)
	rows := readGold(t, dir)
	if len(rows) == 0 {
		t.Fatal("no PDF rows in gold.jsonl")
	}
	docs := make(map[string][]string) // file -> collapsed page texts
	found := 0
	for _, r := range rows {
		pages, ok := docs[r.File]
		if !ok {
			data, err := os.ReadFile(filepath.Join(dir, r.File))
			if err != nil {
				t.Fatal(err)
			}
			doc, err := Parse(context.Background(), r.File, data, Config{})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			for _, p := range doc.Pages {
				pages = append(pages, collapse(doc.Text[p.Start:p.End]))
			}
			docs[r.File] = pages
		}
		if r.Page < 1 || r.Page > len(pages) {
			t.Errorf("%s: gold page %d outside 1..%d", r.File, r.Page, len(pages))
			continue
		}
		if strings.Contains(pages[r.Page-1], collapse(r.Quote)) {
			found++
			continue
		}
		t.Logf("%s page %d: quote %q not found", r.File, r.Page, r.Quote)
	}
	recall := float64(found) / float64(len(rows))
	t.Logf("gold quotes found on their page: %d of %d (%.3f)", found, len(rows), recall)
	if recall < minGoldRecall {
		t.Errorf("got recall %.3f, want at least %.3f", recall, minGoldRecall)
	}
}
