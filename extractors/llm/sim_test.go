package llm_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/finx-dev/finx/connectors/deepseek"
	"github.com/finx-dev/finx/connectors/deepseek/deepseektest"
	"github.com/finx-dev/finx/extractors/llm"
	"github.com/finx-dev/finx/extractors/rules"
	"github.com/finx-dev/finx/schemas"
)

// simSetup is a provider that calls a deepseektest.Sim, which replies as
// the rules provider would.
type simSetup struct {
	sim      *deepseektest.Sim
	provider *llm.Provider
	logs     *bytes.Buffer
}

// newSimSetup starts a simulator with cfg (Answer is filled in when nil)
// and a provider with the rules as fallback; mods change the provider.
func newSimSetup(t testing.TB, cfg deepseektest.SimConfig, mods ...func(*llm.Config)) simSetup {
	t.Helper()
	if cfg.Answer == nil {
		cfg.Answer = func(ctx context.Context, q deepseektest.Question) (string, error) {
			return llm.Emulate(ctx, rules.New(), q.System, q.User, llm.EmulateOptions{Obey: q.Obey})
		}
	}
	sim, err := deepseektest.NewSim(cfg)
	if err != nil {
		t.Fatalf("NewSim: %v", err)
	}

	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	p, logs := newTestProvider(t, deepseek.Config{
		APIKey:      "sim",
		BaseURL:     srv.URL,
		Timeout:     5 * time.Second,
		MaxAttempts: 3,
	}, mods...)
	return simSetup{sim: sim, provider: p, logs: logs}
}

// runSim runs the passes over doc and checks what every result must hold:
// it validates, and every citation quotes the document at its offsets.
func runSim(t *testing.T, s simSetup, doc *schemas.Document) *schemas.Result {
	t.Helper()
	res := runPasses(t, s.provider, doc)
	for _, c := range citations(res) {
		if c.Start < 0 || c.End > len(doc.Text) || c.Start > c.End {
			t.Errorf("citation %q: offsets %d-%d outside the text", c.Quote, c.Start, c.End)
			continue
		}
		if got := doc.Text[c.Start:c.End]; got != c.Quote {
			t.Errorf("citation %q: the text at %d-%d is %q", c.Quote, c.Start, c.End, got)
		}
	}
	return res
}

func citations(res *schemas.Result) []schemas.Citation {
	var out []schemas.Citation
	for _, r := range res.Risks {
		out = append(out, r.Citation)
	}
	for _, m := range res.Metrics {
		out = append(out, m.Citation)
	}
	for _, g := range res.Guidance {
		out = append(out, g.Citation)
	}
	return out
}

// origins counts the items by provider and degraded reason, such as
// "deepseek" or "rules/llm_unauthorized".
func origins(res *schemas.Result) map[string]int {
	out := map[string]int{}
	add := func(provider string, p schemas.Provenance) {
		k := provider
		if p.Degraded != "" {
			k += "/" + p.Degraded
		}
		out[k]++
	}
	for _, r := range res.Risks {
		add(r.Provider, r.Provenance)
	}
	for _, m := range res.Metrics {
		add(m.Provider, m.Provenance)
	}
	for _, g := range res.Guidance {
		add(g.Provider, g.Provenance)
	}
	return out
}

func outcomes(res *schemas.Result) []string {
	var out []string
	for _, c := range res.LLMCalls {
		out = append(out, c.Outcome)
	}
	return out
}

func TestSimFaults(t *testing.T) {
	tests := []struct {
		fault string
		// wantOutcomes must all occur among the call outcomes.
		wantOutcomes []string
		// wantOrigin must be among the item origins.
		wantOrigin string
		// minLatency is the least latency of some call record.
		minLatency time.Duration
		repairs    bool
	}{
		{fault: deepseektest.FaultLatency, wantOutcomes: []string{"ok"}, wantOrigin: "deepseek", minLatency: 300 * time.Millisecond},
		{fault: deepseektest.FaultKeepAlive, wantOutcomes: []string{"ok"}, wantOrigin: "deepseek", minLatency: 300 * time.Millisecond},
		{fault: deepseektest.Fault429, wantOutcomes: []string{"retried", "ok"}, wantOrigin: "deepseek", minLatency: 0},
		{fault: deepseektest.Fault500, wantOutcomes: []string{"retried", "ok"}, wantOrigin: "deepseek"},
		{fault: deepseektest.Fault503, wantOutcomes: []string{"retried", "ok"}, wantOrigin: "deepseek"},
		{fault: deepseektest.Fault402, wantOutcomes: []string{"http_4xx"}, wantOrigin: "rules/" + llm.DegradedInsufficientBalance},
		{fault: deepseektest.Fault401, wantOutcomes: []string{"http_4xx"}, wantOrigin: "rules/" + llm.DegradedUnauthorized},
		{fault: deepseektest.FaultEmpty, wantOutcomes: []string{"retried", "ok"}, wantOrigin: "deepseek"},
		{fault: deepseektest.FaultInvalidJSON, wantOutcomes: []string{"invalid_json", "ok"}, wantOrigin: "deepseek", repairs: true},
		{fault: deepseektest.FaultFenced, wantOutcomes: []string{"ok"}, wantOrigin: "deepseek"},
		{fault: deepseektest.FaultTruncated, wantOutcomes: []string{"truncated"}, wantOrigin: "rules/" + llm.DegradedInvalidOutput},
		{fault: deepseektest.FaultHallucinate, wantOutcomes: []string{"ok"}, wantOrigin: "deepseek"},
		{fault: deepseektest.FaultWrongTypes, wantOutcomes: []string{"invalid_json", "ok"}, wantOrigin: "deepseek", repairs: true},
	}
	for _, tt := range tests {
		t.Run(tt.fault, func(t *testing.T) {
			cfg := deepseektest.SimConfig{Faults: []string{tt.fault}, Latency: 300 * time.Millisecond}
			if tt.fault == deepseektest.FaultKeepAlive {
				cfg.Delay = 300 * time.Millisecond
			}
			s := newSimSetup(t, cfg)
			doc := testDoc("")
			res := runSim(t, s, doc)

			got := outcomes(res)
			for _, want := range tt.wantOutcomes {
				if !slices.Contains(got, want) {
					t.Errorf("call outcomes: got %q, want %q among them", got, want)
				}
			}
			if o := origins(res); o[tt.wantOrigin] == 0 {
				t.Errorf("item origins: got %v, want some from %s", o, tt.wantOrigin)
			}
			if !hasHeading(res, headingSuppliers) || !hasHeading(res, headingCyber) {
				t.Errorf("risks: got %q, want both headings", headings(res))
			}
			if tt.minLatency > 0 {
				longest := int64(0)
				for _, c := range res.LLMCalls {
					longest = max(longest, c.LatencyMS)
				}
				if longest < tt.minLatency.Milliseconds() {
					t.Errorf("longest call latency: got %dms, want at least %v", longest, tt.minLatency)
				}
			}
			u := s.provider.Usage()
			if tt.repairs && u.Repairs == 0 {
				t.Errorf("Usage.Repairs: got 0, want a repair after the %s reply", tt.fault)
			}
			if tt.fault == deepseektest.FaultHallucinate && u.Hallucinated == 0 {
				t.Errorf("Usage.Hallucinated: got 0, want the invented quotes counted")
			}
			if st := s.sim.Stats(); st.Injected[tt.fault] == 0 {
				t.Errorf("simulator injected no %s fault: %+v", tt.fault, st)
			}
			for _, c := range res.LLMCalls {
				if c.Provider != "deepseek" || c.Model != "deepseek-flash" || c.PromptVersion != llm.PromptVersion || c.DocID != doc.DocID {
					t.Errorf("call %s: got provider %q model %q prompt %q doc %q", c.CallID, c.Provider, c.Model, c.PromptVersion, c.DocID)
				}
			}
		})
	}
}

// TestSimAlwaysFailingOpensBreaker checks that a service failing every
// request opens the breaker, after which the rules serve every batch with
// llm_unavailable and no request goes out, and that one probe goes out
// after the cool-down.
func TestSimAlwaysFailingOpensBreaker(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	s := newSimSetup(t, deepseektest.SimConfig{Faults: []string{deepseektest.Fault503}, Always: true}, func(c *llm.Config) {
		c.BreakerFailures = 2
		c.BreakerCoolDown = time.Minute
		c.Now = clock
	})
	res := runSim(t, s, testDoc(""))
	if got := s.provider.BreakerState(); got != "open" {
		t.Fatalf("breaker: got %s, want open", got)
	}
	if o := origins(res); o["rules/"+llm.DegradedUnavailable] == 0 {
		t.Errorf("item origins: got %v, want rules/%s", o, llm.DegradedUnavailable)
	}
	if res.Degraded != llm.DegradedUnavailable {
		t.Errorf("result degraded: got %q, want %s", res.Degraded, llm.DegradedUnavailable)
	}
	before := s.sim.Stats().Requests
	runSim(t, s, testDoc(""))
	if got := s.sim.Stats().Requests; got != before {
		t.Errorf("requests while open: got %d more, want 0", got-before)
	}

	now = now.Add(2 * time.Minute)
	if got := s.provider.BreakerState(); got != "half_open" {
		t.Errorf("breaker after the cool-down: got %s, want half_open", got)
	}
	runSim(t, s, testDoc(""))
	if got := s.sim.Stats().Requests; got == before {
		t.Error("no probe request after the cool-down")
	}
	if got := s.provider.BreakerState(); got != "open" {
		t.Errorf("breaker after a failed probe: got %s, want open", got)
	}
}

// TestSimStreamKeepAlive checks the simulator's stream: ": keep-alive"
// comments, content deltas, the usage chunk and [DONE].
func TestSimStreamKeepAlive(t *testing.T) {
	sim, err := deepseektest.NewSim(deepseektest.SimConfig{
		Answer: func(context.Context, deepseektest.Question) (string, error) { return `{"risks": []}`, nil },
		Delay:  300 * time.Millisecond,
		Faults: []string{deepseektest.FaultKeepAlive},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	defer srv.Close()
	body := `{"model":"deepseek-flash","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"reply in json"}]}`
	req := httptest.NewRequest("POST", srv.URL+"/chat/completions", strings.NewReader(body))
	req.RequestURI = ""
	req.Header.Set("Authorization", "Bearer k")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	out := b.String()
	for _, want := range []string{": keep-alive\n\n", `"content":"{\"risks\": []}"`, `"prompt_tokens"`, "data: [DONE]\n\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("stream lacks %q:\n%s", want, out)
		}
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("content type: got %q, want text/event-stream", ct)
	}
}

// TestSimTimeoutFallsBack checks that attempts cut by the client's
// per-attempt deadline are recorded as timeouts and that the rules then
// serve the batch with llm_unavailable.
func TestSimTimeoutFallsBack(t *testing.T) {
	sim, err := deepseektest.NewSim(deepseektest.SimConfig{
		Answer: func(ctx context.Context, q deepseektest.Question) (string, error) {
			return llm.Emulate(ctx, rules.New(), q.System, q.User, llm.EmulateOptions{})
		},
		Faults:  []string{deepseektest.FaultLatency},
		Latency: time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	defer srv.Close()

	p, logs := newTestProvider(t, deepseek.Config{
		APIKey:      "sim",
		BaseURL:     srv.URL,
		Timeout:     150 * time.Millisecond,
		MaxAttempts: 2,
	})
	res := runSim(t, simSetup{sim: sim, provider: p, logs: logs}, testDoc(""))

	got := outcomes(res)
	for _, want := range []string{"retried", "timeout"} {
		if !slices.Contains(got, want) {
			t.Errorf("call outcomes: got %q, want %q among them", got, want)
		}
	}
	if o := origins(res); o["rules/"+llm.DegradedUnavailable] == 0 {
		t.Errorf("item origins: got %v, want rules/%s", o, llm.DegradedUnavailable)
	}
	if !hasHeading(res, headingSuppliers) {
		t.Errorf("risks: got %q, want %q from the fallback", headings(res), headingSuppliers)
	}
}
