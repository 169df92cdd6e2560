package numfmt_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/finx-dev/finx/extractors/numfmt"
	"github.com/finx-dev/finx/internal/testenv"
)

// goldNumber is the part of a gold.jsonl row that this test reads.
type goldNumber struct {
	File      string `json:"file"`
	Kind      string `json:"kind"`
	Quote     string `json:"quote"`
	Scale     *int   `json:"scale"`
	ValueBase string `json:"value_base"`
}

// TestCorpusGoldFigures reads every gold number whose quote is the printed
// figure alone, such as "(1,577)" or "8.89", and checks that its value
// times 10^scale is the gold base value. The sign is compared apart,
// because gold values of outflows printed in parentheses are positive.
func TestCorpusGoldFigures(t *testing.T) {
	dir := testenv.Corpus(t)
	f, err := os.Open(filepath.Join(dir, "gold.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	checked := 0
	for sc.Scan() {
		var r goldNumber
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("gold.jsonl: %v", err)
		}
		if r.Kind != "number" || r.Scale == nil || r.ValueBase == "" || strings.ContainsFunc(r.Quote, isLetter) {
			continue
		}
		checked++
		n, err := numfmt.Parse(r.Quote)
		if err != nil {
			t.Errorf("%s: Parse(%q): %v", r.File, r.Quote, err)
			continue
		}
		got, err := n.Scaled(*r.Scale)
		if err != nil {
			t.Errorf("%s: %q scaled by 10^%d: %v", r.File, r.Quote, *r.Scale, err)
			continue
		}
		if strings.TrimPrefix(got, "-") != strings.TrimPrefix(r.ValueBase, "-") {
			t.Errorf("%s: %q scaled by 10^%d: got %s, want %s", r.File, r.Quote, *r.Scale, got, r.ValueBase)
		}
		if n.Parenthesized != strings.HasPrefix(r.Quote, "(") {
			t.Errorf("%s: %q: Parenthesized is %v", r.File, r.Quote, n.Parenthesized)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("no gold number is a bare figure")
	}
	t.Logf("checked %d gold figures", checked)
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }
