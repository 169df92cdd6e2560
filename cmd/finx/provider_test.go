package main

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/finx-dev/finx/connectors/deepseek/deepseektest"
	"github.com/finx-dev/finx/extractors/llm"
	"github.com/finx-dev/finx/extractors/rules"
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
	stdout, stderr, err := runDemoCmd(t, "--provider", "auto", "--llm-cache", "off", "--clickhouse", "", "--out", out, "--blob-dir", filepath.Join(out, "blobs"), "../../fixtures")
	if err != nil {
		t.Fatalf("demo failed: %v\n%s\n%s", err, stdout, stderr)
	}
	if !strings.Contains(stdout, "3 loaded") {
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
		if p, _ := f["provider"].(string); p != "deepseek" {
			t.Errorf("%s: provider %q, want deepseek", f["source_path"], p)
		}
	}
	risks := readRows(t, filepath.Join(out, "risks.json"))
	if len(risks) < 3 {
		t.Errorf("risks = %d, want the fixture's headings from the rules fallback", len(risks))
	}
	for _, r := range risks {
		if p, _ := r["provider"].(string); p != rules.Name {
			t.Errorf("risk %q: provider %q, want %s", r["heading"], p, rules.Name)
		}
	}
}

// startSim serves a simulator on a local port, as finx llm-sim does, and
// points the DeepSeek environment at it.
func startSim(t *testing.T, cfg deepseektest.SimConfig) *deepseektest.Sim {
	t.Helper()
	cfg.Answer = func(ctx context.Context, q deepseektest.Question) (string, error) {
		return llm.Emulate(ctx, rules.New(), q.System, q.User, llm.EmulateOptions{Obey: q.Obey})
	}
	sim, err := deepseektest.NewSim(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	t.Setenv("DEEPSEEK_API_KEY", "sim")
	t.Setenv("DEEPSEEK_BASE_URL", srv.URL)
	return sim
}

// TestDemoAgainstSim runs the demo with --provider deepseek against the
// simulator twice: the first run takes items from the model and records its
// calls with a cost, and the second run is served from the response cache.
func TestDemoAgainstSim(t *testing.T) {
	sim := startSim(t, deepseektest.SimConfig{Faults: []string{deepseektest.Fault503}})
	cache := t.TempDir()
	for run, wantOutcome := range []string{"ok", "cached"} {
		out := t.TempDir()
		stdout, stderr, err := runDemoCmd(t, "--provider", "deepseek", "--llm-cache", cache, "--clickhouse", "", "--out", out, "--blob-dir", filepath.Join(out, "blobs"), "../../fixtures")
		if err != nil {
			t.Fatalf("run %d: demo failed: %v\n%s\n%s", run+1, err, stdout, stderr)
		}
		risks := readRows(t, filepath.Join(out, "risks.json"))
		byModel := 0
		for _, r := range risks {
			if r["provider"] == "deepseek" && r["model"] == "deepseek-flash" && r["prompt_version"] == llm.PromptVersion {
				byModel++
			}
		}
		if byModel == 0 {
			t.Errorf("run %d: no risk from the model among %d", run+1, len(risks))
		}
		calls := readRows(t, filepath.Join(out, "llm_calls.json"))
		if len(calls) == 0 {
			t.Fatalf("run %d: no llm_calls rows", run+1)
		}
		outcomes := map[string]int{}
		for _, c := range calls {
			outcomes[c["outcome"].(string)]++
		}
		if outcomes[wantOutcome] == 0 {
			t.Errorf("run %d: call outcomes %v, want %s among them", run+1, outcomes, wantOutcome)
		}
		if run == 0 && outcomes["retried"] == 0 {
			t.Errorf("run 1: call outcomes %v, want the 503 attempts recorded as retried", outcomes)
		}
		if run == 1 && len(outcomes) != 1 {
			t.Errorf("run 2: call outcomes %v, want only cached", outcomes)
		}
	}
	if sim.Stats().Injected[deepseektest.Fault503] == 0 {
		t.Error("the simulator injected no 503")
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

func TestProviderFlagsInvalid(t *testing.T) {
	t.Setenv("DEEPSEEK_API_KEY", "sim")
	t.Setenv("DEEPSEEK_BASE_URL", "http://127.0.0.1:9")
	tests := []struct {
		name    string
		flags   providerFlags
		wantErr string
	}{
		{"budget not a decimal", providerFlags{name: "deepseek", cache: "off", budget: "1e-3", recall: "fallback"}, "invalid Budget"},
		{"missing price table", providerFlags{name: "deepseek", cache: "off", prices: filepath.Join(t.TempDir(), "none.json"), recall: "fallback"}, "--llm-prices"},
		{"unknown recall", providerFlags{name: "deepseek", cache: "off", recall: "twice"}, "invalid Recall"},
		{"accept above 1", providerFlags{name: "offline", acceptMin: 1.5}, "--accept-min"},
		{"review above accept", providerFlags{name: "offline", acceptMin: 0.4, reviewMin: 0.6}, "--review-min"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := newProviderFlags(tt.flags, nil)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("got %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestProviderFlagsThresholds(t *testing.T) {
	_, cfg, err := newProviderFlags(providerFlags{name: "offline", acceptMin: 0.7, reviewMin: 0.3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.AcceptMin != 0.7 {
		t.Errorf("AcceptMin: got %g, want 0.7", cfg.AcceptMin)
	}
	if cfg.ReviewMin != 0.3 {
		t.Errorf("ReviewMin: got %g, want 0.3", cfg.ReviewMin)
	}
}
