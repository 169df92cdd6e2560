package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/finx-dev/finx/connectors/files"
	"github.com/finx-dev/finx/internal/eval"
	"github.com/finx-dev/finx/internal/testenv"
)

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestDemoCorpus runs the demo on the real filings: every document is loaded
// or dead-lettered, and the items that users check first are there.
func TestDemoCorpus(t *testing.T) {
	corpus := testenv.Corpus(t)
	out := t.TempDir()
	stdout, stderr, err := runDemoCmd(t, "--clickhouse", "", "--out", out, "--blob-dir", filepath.Join(out, "blobs"), corpus)
	if err != nil {
		t.Fatalf("demo failed: %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	t.Logf("summary:\n%s", stdout)

	// Every filing document of the corpus is accounted for; EDGAR's index
	// pages, which list a filing's documents, are reported as skipped.
	byID := map[string]string{}
	err = filepath.WalkDir(corpus, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if files.IsEDGARIndexPage(filepath.Base(path)) {
			if !strings.Contains(stdout, filepath.Base(path)+": EDGAR filing index page") {
				t.Errorf("%s: not listed as a skipped EDGAR index page", path)
			}
			return nil
		}
		switch strings.ToLower(filepath.Ext(path)) {
		case ".pdf", ".htm", ".html", ".txt":
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(data)
			rel, _ := filepath.Rel(corpus, path)
			byID[hex.EncodeToString(sum[:])] = rel
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	accounted := map[string]bool{}
	for _, row := range readRows(t, filepath.Join(out, "filings.json")) {
		accounted[row["doc_id"].(string)] = true
	}
	for _, row := range readRows(t, filepath.Join(out, "dead_letters.json")) {
		accounted[row["doc_id"].(string)] = true
		t.Logf("dead letter: %s: %s", row["source_path"], row["reason"])
	}
	for id, rel := range byID {
		if !accounted[id] {
			t.Errorf("%s: neither loaded nor dead-lettered", rel)
		}
	}

	docOf := map[string]string{}
	for id, rel := range byID {
		docOf[filepath.ToSlash(rel)] = id
	}
	risks := readRows(t, filepath.Join(out, "risks.json"))
	metrics := readRows(t, filepath.Join(out, "metrics.json"))
	guidance := readRows(t, filepath.Join(out, "guidance.json"))

	// Every held-back item has a review reason, and no accepted item has one.
	reasons := map[string]int{}
	for table, rows := range map[string][]map[string]any{"risks": risks, "metrics": metrics, "guidance": guidance} {
		for _, row := range rows {
			status, reason := row["status"], row["review_reason"]
			if (status == "needs_review") != (reason != "") {
				t.Errorf("%s row %s: status %v with review_reason %q", table, row["id"], status, reason)
			}
			if reason != "" {
				reasons[reason.(string)]++
			}
		}
	}
	t.Logf("review reasons: %v", reasons)

	gold, err := eval.LoadGold(filepath.Join(corpus, "gold.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gold {
		doc := docOf[g.File]
		switch {
		case g.Kind == "risk" && g.File == "html/aapl-10-k-2024-11-01.html":
			t.Run("apple risk "+g.Quote[:30], func(t *testing.T) {
				for _, r := range risks {
					if r["doc_id"] == doc && strings.Contains(collapse(r["quote"].(string)), collapse(g.Quote)) {
						return
					}
				}
				t.Errorf("no risk heading of %s quotes %q", g.File, g.Quote)
			})
		case g.Source == "ixbrl-tag":
			t.Run("xbrl "+g.File+" "+g.Label, func(t *testing.T) {
				start, end, _ := strings.Cut(*g.Period, "/")
				if end == "" {
					start, end = "", start
				}
				for _, m := range metrics {
					if m["doc_id"] != doc || m["concept"] != g.Label || m["value_text"] != g.ValueBase {
						continue
					}
					if m["period_end"] == end && m["period_start"] == start && len(m["dimensions"].([]any)) == 0 {
						return
					}
				}
				t.Errorf("no metric of %s with concept %s, value %s and period %s", g.File, g.Label, g.ValueBase, *g.Period)
			})
		}
	}

	t.Run("amcor adjusted eps guidance", func(t *testing.T) {
		doc := docOf["8k/AMCOR_2023Q4_EARNINGS.pdf"]
		for _, g := range guidance {
			if g["doc_id"] == doc && g["low_text"] == "67" && g["high_text"] == "71" {
				if g["scale"] != float64(-2) || g["basis"] != "non_gaap" {
					t.Errorf("Amcor adjusted EPS guidance: scale %v, basis %v; want -2 (cents) and non_gaap", g["scale"], g["basis"])
				}
				if !strings.Contains(g["quote"].(string), "67 to 71 cents per share") {
					t.Errorf("Amcor adjusted EPS guidance quote %q", g["quote"])
				}
				return
			}
		}
		t.Error("no guidance of 67 to 71 cents per share in the Amcor release")
	})
}

// TestEvalCorpus runs finx eval on the corpus with a recall floor over
// accepted items.
func TestEvalCorpus(t *testing.T) {
	corpus := testenv.Corpus(t)
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"eval", "--min-recall", "0.9", corpus}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("eval: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	for _, want := range []string{"scores against", "risk", "number", "guidance", "(0 failed)", "by form", "by media"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("eval output lacks %q:\n%s", want, stdout.String())
		}
	}
}
