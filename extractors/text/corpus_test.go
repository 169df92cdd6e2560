package text

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/finx-dev/finx/internal/testenv"
)

type goldRow struct {
	File  string `json:"file"`
	Quote string `json:"quote"`
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// collapseIndex returns the byte span in s of the first match of quote,
// allowing any run of whitespace where the quote has a space, or -1, -1.
func collapseIndex(s, quote string) (int, int) {
	words := strings.Fields(quote)
	for at := strings.Index(s, words[0]); at >= 0; {
		pos := at + len(words[0])
		ok := true
		for _, w := range words[1:] {
			rest := strings.TrimLeft(s[pos:], " \t\r\n\f\v")
			if len(rest) == len(s[pos:]) || !strings.HasPrefix(rest, w) {
				ok = false
				break
			}
			pos = len(s) - len(rest) + len(w)
		}
		if ok {
			return at, pos
		}
		next := strings.Index(s[at+1:], words[0])
		if next < 0 {
			break
		}
		at += 1 + next
	}
	return -1, -1
}

func TestCorpusSubmissions(t *testing.T) {
	dir := testenv.Corpus(t)
	f, err := os.Open(filepath.Join(dir, "gold.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	quotes := make(map[string][]string)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r goldRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(r.File, ".txt") {
			quotes[r.File] = append(quotes[r.File], r.Quote)
		}
	}

	files, err := filepath.Glob(filepath.Join(dir, "8k", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 {
		t.Fatalf("got %d .txt files in 8k/, want 2", len(files))
	}
	total := 0
	for _, path := range files {
		rel, _ := filepath.Rel(dir, path)
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := Parse(context.Background(), rel, src)
			if err != nil {
				t.Fatal(err)
			}

			if doc.Form != "8-K" || doc.CIK == "" || doc.Accession == "" || doc.Company == "" || len(doc.FilingDate) != 10 {
				t.Errorf("header: got form %q cik %q accession %q company %q date %q", doc.Form, doc.CIK, doc.Accession, doc.Company, doc.FilingDate)
			}
			if !strings.Contains(filepath.Base(path), doc.Accession) {
				t.Errorf("accession %q is not in the file name", doc.Accession)
			}
			for _, bad := range []string{"<PAGE>", "<TEXT>", "<DOCUMENT>", "ACCESSION NUMBER:"} {
				if strings.Contains(doc.Text, bad) {
					t.Errorf("text contains %q", bad)
				}
			}
			checkSegments(t, doc, src)

			collapsed := collapse(doc.Text)
			for _, q := range quotes[rel] {
				total++
				if !strings.Contains(collapsed, collapse(q)) {
					t.Errorf("quote %q not found", q)
					continue
				}
				at, end := collapseIndex(doc.Text, q)
				if at < 0 {
					t.Errorf("quote %q: no span in text", q)
					continue
				}
				off := doc.SourceOffset(at)
				if off < 0 {
					t.Errorf("quote %q: text offset %d has source offset %d", q, at, off)
					continue
				}

				// The source bytes from the mapped offset hold the same words.
				window := src[off:min(int(off)+2*len(q)+64, len(src))]
				if !strings.HasPrefix(collapse(string(window)), collapse(q)) {
					t.Errorf("quote %q maps to source %q", q, window)
				}
				words := strings.Fields(q)
				endOff := doc.SourceOffset(end - 1)
				if endOff < off || !bytes.HasSuffix(src[off:endOff+1], []byte(words[len(words)-1])) {
					t.Errorf("quote %q: text span [%d,%d) maps to source [%d,%d]", q, at, end, off, endOff)
				}
			}
		})
	}
	if total == 0 {
		t.Error("no gold quotes for the .txt files")
	}
	t.Logf("checked %d gold quotes", total)
}
