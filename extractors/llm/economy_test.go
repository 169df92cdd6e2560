package llm_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/finx-dev/finx/connectors/deepseek/deepseektest"
	"github.com/finx-dev/finx/extractors/llm"
	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/extractors/rules"
	"github.com/finx-dev/finx/extractors/sections"
	"github.com/finx-dev/finx/internal/eval"
	"github.com/finx-dev/finx/internal/testenv"
	"github.com/finx-dev/finx/schemas"
)

// corpus10Ks parses the corpus documents whose form is 10-K.
func corpus10Ks(t testing.TB) map[string]*schemas.Document {
	t.Helper()
	corpus := testenv.Corpus(t)
	out := map[string]*schemas.Document{}
	for _, dir := range []string{"html", "pdf"} {
		entries, err := os.ReadDir(filepath.Join(corpus, dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			file := dir + "/" + e.Name()
			doc, err := eval.Parse(context.Background(), corpus, file)
			if err != nil {
				t.Fatalf("parse %s: %v", file, err)
			}
			if doc.Form == "" {
				doc.Form = sections.Form(doc)
			}
			if doc.Form != "10-K" {
				continue
			}
			doc.DocID = fmt.Sprintf("%064x", len(out)+1)
			out[file] = doc
		}
	}
	if len(out) == 0 {
		t.Fatal("no 10-K in the corpus")
	}
	return out
}

// maxPassRatio is the goal for the estimated tokens one pass sends, as a
// fraction of the estimated tokens of the whole 10-K.
const maxPassRatio = 0.10

// TestCorpusTokenEconomy measures the tokens each primary pass sends for the
// corpus 10-Ks against the whole document, both estimated with
// llm.EstimateTokens.
func TestCorpusTokenEconomy(t *testing.T) {
	docs := corpus10Ks(t)
	p, err := llm.New(llm.CompleterFunc(nil), llm.Config{Model: "deepseek-flash", Fallback: rules.New()})
	if err != nil {
		t.Fatal(err)
	}
	for file, doc := range docs {
		t.Run(file, func(t *testing.T) {
			secs := sections.Find(doc)
			docTokens := llm.EstimateTokens(doc.Text)
			total := 0
			var parts []string
			for _, kind := range []passes.Kind{passes.KindRisk, passes.KindMetric, passes.KindGuidance} {
				chunks := passes.Select(doc, secs, kind, 0)
				req := passes.Request{Kind: kind, Pass: passes.PassPrimary, Chunks: chunks, Document: doc}
				sent := 0
				if len(chunks) > 0 {
					sent = p.PromptTokens(req)
				}
				total += sent
				ratio := float64(sent) / float64(docTokens)
				parts = append(parts, fmt.Sprintf("%s %d (%.1f%%)", kind, sent, 100*ratio))
				if ratio > maxPassRatio {
					t.Errorf("%s pass sends %d tokens, %.1f%% of the document's %d; goal at most %.0f%%", kind, sent, 100*ratio, docTokens, 100*maxPassRatio)
				}
			}
			t.Logf("%s: document %d tokens; sent %s; all passes %d (%.1f%%)", file, docTokens, strings.Join(parts, ", "), total, 100*float64(total)/float64(docTokens))
		})
	}
}

// simDelay is the fixed reply delay of the simulator in the parallel-call
// check and benchmark.
const simDelay = 200 * time.Millisecond

// memoAnswer returns an answer function that emulates the rules once per
// prompt, so that the time of a warm run is the reply delay and finx's own
// work, not the simulator's.
func memoAnswer() func(context.Context, deepseektest.Question) (string, error) {
	var mu sync.Mutex
	memo := map[string]string{}
	return func(ctx context.Context, q deepseektest.Question) (string, error) {
		key := q.System + "\x00" + q.User
		mu.Lock()
		content, ok := memo[key]
		mu.Unlock()
		if ok {
			return content, nil
		}
		content, err := llm.Emulate(ctx, rules.New(), q.System, q.User, llm.EmulateOptions{})
		if err == nil {
			mu.Lock()
			memo[key] = content
			mu.Unlock()
		}
		return content, err
	}
}

// BenchmarkCorpus10K runs every pass over each corpus 10-K against the
// simulator, which replies after simDelay, and reports the time per
// document as a multiple of one call's delay.
func BenchmarkCorpus10K(b *testing.B) {
	docs := corpus10Ks(b)
	for file, doc := range docs {
		b.Run(strings.ReplaceAll(file, "/", "_"), func(b *testing.B) {
			s := newSimSetup(b, deepseektest.SimConfig{Delay: simDelay, Answer: memoAnswer()})
			if _, err := passes.Run(context.Background(), doc, s.provider, passes.Config{}); err != nil {
				b.Fatal(err)
			}
			warm := s.sim.Stats().Requests
			b.ReportAllocs()
			for b.Loop() {
				if _, err := passes.Run(context.Background(), doc, s.provider, passes.Config{}); err != nil {
					b.Fatal(err)
				}
			}
			perDoc := b.Elapsed() / time.Duration(b.N)
			b.ReportMetric(float64(perDoc)/float64(simDelay), "delays/doc")
			b.ReportMetric(float64(s.sim.Stats().Requests-warm)/float64(b.N), "calls/doc")
		})
	}
}

// TestCorpusParallelCalls checks that the calls of a 10-K's passes go out
// together: with the simulator holding each reply for simDelay, calls of
// one document overlap instead of waiting for each other. On an idle
// machine all of them are in flight at once. A loaded one may send the last
// after the first has returned, so the test requires an overlap only.
// BenchmarkCorpus10K measures what the overlap buys in time.
func TestCorpusParallelCalls(t *testing.T) {
	docs := corpus10Ks(t)
	for file, doc := range docs {
		t.Run(file, func(t *testing.T) {
			s := newSimSetup(t, deepseektest.SimConfig{Delay: simDelay, Answer: memoAnswer()})
			began := time.Now()
			res, err := passes.Run(context.Background(), doc, s.provider, passes.Config{})
			if err != nil {
				t.Fatal(err)
			}
			stats := s.sim.Stats()
			t.Logf("%s: %d calls, at most %d at once, in %v; %d risks, %d metrics, %d guidance; items by origin %v",
				file, stats.Requests, stats.MaxInFlight, time.Since(began).Round(time.Millisecond),
				len(res.Risks), len(res.Metrics), len(res.Guidance), origins(res))
			if stats.Requests < 2 {
				t.Fatalf("calls: got %d, want at least 2 (one per kind with text)", stats.Requests)
			}
			if stats.MaxInFlight < 2 {
				t.Errorf("calls in flight at once: got %d of %d, want at least 2", stats.MaxInFlight, stats.Requests)
			}
		})
	}
}
