package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/finx-dev/finx/connectors/deepseek/deepseektest"
)

// TestDemoDeepSeekUnavailableFallsBack runs the demo with --provider auto
// against a local DeepSeek stand-in that rejects the key: the provider falls
// back to the rules, and every document is still extracted and accounted for.
func TestDemoDeepSeekUnavailableFallsBack(t *testing.T) {
	srv := deepseektest.New(t, "right-key")
	srv.Respond(func(deepseektest.Request) deepseektest.Reply { return deepseektest.Status(401, "") })
	t.Setenv("DEEPSEEK_API_KEY", "wrong-key")
	t.Setenv("DEEPSEEK_BASE_URL", srv.URL)

	out := t.TempDir()
	stdout, stderr, err := runDemoCmd(t, "--provider", "auto", "--clickhouse", "", "--out", out, "--blob-dir", filepath.Join(out, "blobs"), "../../fixtures")
	if err != nil {
		t.Fatalf("demo failed: %v\n%s\n%s", err, stdout, stderr)
	}
	if !strings.Contains(stdout, "7 published, 3 loaded, 4 dead-lettered") {
		t.Errorf("summary:\n%s", stdout)
	}
	if !strings.Contains(stdout, "batches served by the offline fallback") {
		t.Errorf("summary lacks the provider's usage line:\n%s", stdout)
	}
	if len(srv.Requests()) == 0 {
		t.Error("the provider sent no request to the DeepSeek stand-in")
	}
	filings := readRows(t, filepath.Join(out, "filings.json"))
	for _, f := range filings {
		if p, _ := f["provider"].(string); !strings.HasPrefix(p, "llm:") {
			t.Errorf("%s: provider %q, want the LLM provider's name", f["source_path"], p)
		}
	}
	if risks := readRows(t, filepath.Join(out, "risks.json")); len(risks) < 3 {
		t.Errorf("risks = %d, want the fixture's headings from the rules fallback", len(risks))
	}
}

func TestProviderChoice(t *testing.T) {
	t.Setenv("DEEPSEEK_API_KEY", "")
	p, _, err := newProvider("auto", nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name() != "rules" {
		t.Errorf("auto without a key chose %q, want rules", p.Name())
	}
	if _, _, err := newProvider("deepseek", nil); err == nil {
		t.Error("deepseek without a key: got nil error, want one naming DEEPSEEK_API_KEY")
	}
	if _, _, err := newProvider("gpt", nil); err == nil {
		t.Error("unknown provider: got nil error")
	}
}
