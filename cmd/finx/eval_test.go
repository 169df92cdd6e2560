package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// evalCorpus writes a corpus of two made-up documents and its gold rows:
// one risk and one guidance row that the rules find, and one number row
// whose value no document states.
func evalCorpus(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"annual.txt": "FORM 10-K\nANNUAL REPORT\nExample Widgets Corp.\n\nItem 1. Business\nWe make widgets for factories in many countries and sell them through distributors.\n\n" +
			"Item 1A. Risk Factors\n\nWe depend on a small number of suppliers for key widget components.\n" +
			"We buy most springs from three suppliers, and a failure of any of them could stop our plants and reduce our revenue.\n\n" +
			"Item 7. Management's Discussion and Analysis\nNet sales for the year ended December 31, 2025 were $812.4 million.\n",
		"release.txt": "Example Widgets Corp. Reports Fourth Quarter Results\n\nNet sales for the fourth quarter were $214.8 million.\n\n" +
			"Outlook\nFor fiscal 2026, the Company expects net sales of $855 million to $875 million.\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gold := `{"file": "annual.txt", "kind": "risk", "quote": "We depend on a small number of suppliers for key widget components."}
{"file": "release.txt", "kind": "guidance", "quote": "net sales of $855 million to $875 million", "low": 855, "high": 875, "scale": 6, "low_base": "855000000", "high_base": "875000000"}
{"file": "release.txt", "kind": "number", "quote": "Net sales for the fourth quarter", "value": 999, "scale": 6, "value_base": "999000000"}
`
	if err := os.WriteFile(filepath.Join(dir, "gold.jsonl"), []byte(gold), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func runEvalArgs(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), append([]string{"eval"}, args...), &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

func TestEvalJSON(t *testing.T) {
	dir := evalCorpus(t)
	stdout, stderr, err := runEvalArgs(t, "--json", "--corpus", dir)
	if err != nil {
		t.Fatalf("eval: %v\n%s", err, stderr)
	}
	var out struct {
		Kinds map[string]struct {
			Gold                  int     `json:"gold"`
			Found                 int     `json:"found"`
			Recall                float64 `json:"recall"`
			VerifiedCitationShare float64 `json:"verified_citation_share"`
		} `json:"kinds"`
		ByForm  map[string]map[string]json.RawMessage `json:"by_form"`
		ByMedia map[string]map[string]json.RawMessage `json:"by_media"`
		Missed  []struct {
			File string `json:"file"`
		} `json:"missed"`
		NotInGold []struct {
			File string `json:"file"`
		} `json:"not_in_gold"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, stdout)
	}
	want := map[string][2]int{"risk": {1, 1}, "guidance": {1, 1}, "number": {1, 0}}
	for kind, w := range want {
		k, ok := out.Kinds[kind]
		if !ok {
			t.Errorf("kinds lacks %s", kind)
			continue
		}
		if k.Gold != w[0] || k.Found != w[1] {
			t.Errorf("%s: got %d of %d found, want %d of %d", kind, k.Found, k.Gold, w[1], w[0])
		}
	}
	if s := out.Kinds["risk"].VerifiedCitationShare; s != 1 {
		t.Errorf("risk verified citation share: got %g, want 1", s)
	}
	if _, ok := out.ByForm["10-K"]["risk"]; !ok {
		t.Errorf("by_form lacks 10-K risk: %v", out.ByForm)
	}
	if _, ok := out.ByMedia["text"]["guidance"]; !ok {
		t.Errorf("by_media lacks text guidance: %v", out.ByMedia)
	}
	if len(out.Missed) != 1 || out.Missed[0].File != "release.txt" {
		t.Errorf("missed: got %+v, want the number row of release.txt", out.Missed)
	}
}

func TestEvalMinimumRecall(t *testing.T) {
	dir := evalCorpus(t)
	cases := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"met", []string{"--min-recall-risk", "1", "--min-recall-guidance", "1", dir}, 0, ""},
		{"number below", []string{"--min-recall-number", "0.5", dir}, 1, "recall of number is 0.000"},
		{"accepted below", []string{"--min-recall", "0.9", dir}, 1, "over accepted items"},
		{"fraction out of range", []string{"--min-recall-risk", "1.5", dir}, 2, "invalid --min-recall-risk 1.5"},
		{"DIR and --corpus differ", []string{"--corpus", dir + "x", dir}, 2, "differ"},
		{"no corpus", []string{}, 2, "missing corpus"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, err := runEvalArgs(t, c.args...)
			code := 0
			var exit exitError
			if errors.As(err, &exit) {
				code = exit.code
			} else if err != nil {
				t.Fatalf("got error %v, want an exit status", err)
			}
			if code != c.wantCode {
				t.Errorf("exit status: got %d, want %d\n%s", code, c.wantCode, stderr)
			}
			if !strings.Contains(stderr, c.wantErr) {
				t.Errorf("stderr: got %q, want it to contain %q", stderr, c.wantErr)
			}
		})
	}
}

func TestEvalTextListsItemsNotInGold(t *testing.T) {
	dir := evalCorpus(t)
	stdout, stderr, err := runEvalArgs(t, dir)
	if err != nil {
		t.Fatalf("eval: %v\n%s", err, stderr)
	}
	for _, want := range []string{"scores against", "by form", "by media", "missed gold rows:", "match no gold row"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}
