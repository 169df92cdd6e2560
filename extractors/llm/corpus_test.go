package llm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/finx-dev/finx/extractors/llm"
	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/extractors/rules"
	"github.com/finx-dev/finx/internal/eval"
	"github.com/finx-dev/finx/internal/testenv"
	"github.com/finx-dev/finx/schemas"
)

var (
	chunkRe = regexp.MustCompile(`(?s)<<<FILING_TEXT chunk=(\d+) section=([^>]*)>>>\n(.*?)<<<END_FILING_TEXT chunk=\d+>>>`)
	knownRe = regexp.MustCompile(`(?s)<<<FILING_TEXT known>>>\n(.*?)<<<END_FILING_TEXT known>>>`)
)

// oracle is a Completer that answers like a model which reads the prompt
// and finds exactly what the rules provider finds. It reads the chunks back
// out of the user message, so it checks that the prompt carries them
// intact, and it counts calls and prompt bytes.
type oracle struct {
	t        *testing.T
	doc      *schemas.Document
	calls    int
	bytes    int
	maxBytes int
}

func (o *oracle) Complete(ctx context.Context, system, user string, _ int) (llm.Completion, error) {
	o.calls++
	o.bytes += len(system) + len(user)
	o.maxBytes = max(o.maxBytes, len(system)+len(user))

	if !strings.Contains(system+user, "json") {
		o.t.Errorf("prompt lacks the word json")
	}
	req := passes.Request{Document: o.doc, Kind: passes.KindGuidance, Pass: passes.PassPrimary}
	switch {
	case strings.Contains(system, "list the risk factors"):
		req.Kind = passes.KindRisk
	case strings.Contains(system, "reported financial figures"):
		req.Kind = passes.KindMetric
	}
	if strings.Contains(user, "Pass: recall.") {
		req.Pass = passes.PassRecall
	}
	if m := knownRe.FindStringSubmatch(user); m != nil {
		for _, line := range strings.Split(strings.TrimSuffix(m[1], "\n"), "\n") {
			req.Known = append(req.Known, strings.TrimPrefix(line, "- "))
		}
	}

	index := map[int]int{}
	for _, m := range chunkRe.FindAllStringSubmatch(user, -1) {
		n, _ := strconv.Atoi(m[1])
		section, text := m[2], m[3]
		if section == "unknown" {
			section = ""
		}
		off := strings.Index(o.doc.Text, text)
		if off < 0 {
			// The prompt adds a newline after a chunk that lacks one.
			text = strings.TrimSuffix(text, "\n")
			off = strings.Index(o.doc.Text, text)
		}
		if off < 0 {
			o.t.Errorf("chunk %d of the prompt is not in the document", n)
			continue
		}
		index[len(req.Chunks)] = n
		req.Chunks = append(req.Chunks, passes.Chunk{Section: section, Offset: off, Text: text})
	}

	resp, err := rules.New().Extract(ctx, req)
	if err != nil {
		return llm.Completion{}, err
	}
	chunkOf := func(h passes.Hint) int {
		if n, ok := index[h.Chunk]; ok {
			return n
		}
		return -1
	}

	var items []map[string]any
	var key string
	switch req.Kind {
	case passes.KindRisk:
		key = "risks"
		for _, c := range resp.Risks {
			items = append(items, map[string]any{"chunk": chunkOf(c.Hint), "quote": c.Quote, "category": c.Category, "severity": c.Severity, "severity_reason": c.SeverityReason, "confidence": c.Confidence})
		}
	case passes.KindMetric:
		key = "metrics"
		for _, c := range resp.Metrics {
			if c.Source == "ixbrl" {
				continue
			}
			items = append(items, map[string]any{"chunk": chunkOf(c.Hint), "quote": c.Quote, "number": c.Display, "scale": c.Scale, "metric": c.Metric, "label": c.Label, "unit": c.Unit, "period_type": c.PeriodType, "period_start": c.PeriodStart, "period_end": c.PeriodEnd, "source": c.Source, "confidence": c.Confidence})
		}
	case passes.KindGuidance:
		key = "guidance"
		for _, c := range resp.Guidance {
			items = append(items, map[string]any{"chunk": chunkOf(c.Hint), "quote": c.Quote, "metric": c.Metric, "label": c.Label, "period": c.Period, "low": c.Low, "high": c.High, "scale": c.Scale, "unit": c.Unit, "basis": c.Basis, "direction": c.Direction, "prior_low": c.PriorLow, "prior_high": c.PriorHigh, "confidence": c.Confidence})
		}
	}
	if items == nil {
		items = []map[string]any{}
	}
	b, err := json.Marshal(map[string]any{key: items})
	if err != nil {
		return llm.Completion{}, err
	}
	return llm.Completion{Content: string(b), FinishReason: "stop", PromptTokens: (len(system) + len(user)) / 4}, nil
}

// itemKeys describes each item of a result by its status, values and
// quote, in one sorted list.
func itemKeys(res *schemas.Result) []string {
	var out []string
	for _, r := range res.Risks {
		out = append(out, fmt.Sprintf("risk %s %s %s", r.Status, r.Severity, r.Heading))
	}
	for _, m := range res.Metrics {
		out = append(out, fmt.Sprintf("metric %s %s %s %s %s %s", m.Status, m.Metric, m.Value, m.Unit, m.PeriodEnd, m.Citation.Quote))
	}
	for _, g := range res.Guidance {
		out = append(out, fmt.Sprintf("guidance %s %s %s %s %d %s", g.Status, g.Metric, g.Low, g.High, g.Scale, g.Citation.Quote))
	}
	sort.Strings(out)
	return out
}

// TestCorpusRoundTrip runs every corpus document through the LLM provider
// with the oracle model, and compares the items with those of the rules
// provider run directly. Equal lists show that the prompts carry the chunks
// intact, that chunk numbers map back, and that printed numbers convert to
// the same values.
func TestCorpusRoundTrip(t *testing.T) {
	corpus := testenv.Corpus(t)
	var files []string
	for _, dir := range []string{"8k", "html", "pdf"} {
		entries, err := os.ReadDir(filepath.Join(corpus, dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			files = append(files, dir+"/"+e.Name())
		}
	}
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			ctx := context.Background()
			doc, err := eval.Parse(ctx, corpus, file)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			want, err := passes.Run(ctx, doc, rules.New(), passes.Config{})
			if err != nil {
				t.Fatalf("rules run: %v", err)
			}
			o := &oracle{t: t, doc: doc}
			// Whole chunks, because the oracle looks each chunk up in the
			// document.
			p, err := llm.New(o, llm.Config{Model: "oracle", Fallback: rules.New(), FullChunks: true})
			if err != nil {
				t.Fatal(err)
			}
			got, err := passes.Run(ctx, doc, p, passes.Config{})
			if err != nil {
				t.Fatalf("llm run: %v", err)
			}
			u := p.Usage()
			t.Logf("%s: %d calls, %d prompt bytes (max %d per call), about %d prompt tokens; items %d rules, %d llm; invalid %d, hallucinated %d, rejected %d",
				file, o.calls, o.bytes, o.maxBytes, o.bytes/4, len(itemKeys(want)), len(itemKeys(got)), u.Invalid, u.Hallucinated, got.Stats.Rejected)
			if u.Fallbacks != 0 || u.Repairs != 0 {
				t.Errorf("usage: got %+v, want no fallback and no repair", u)
			}
			wantKeys, gotKeys := itemKeys(want), itemKeys(got)
			missing, extra := diff(wantKeys, gotKeys), diff(gotKeys, wantKeys)
			for _, k := range missing {
				t.Errorf("missing from the llm run: %s", k)
			}
			for _, k := range extra {
				t.Errorf("extra in the llm run: %s", k)
			}
		})
	}
}

// diff returns the items of a that are not in b.
func diff(a, b []string) []string {
	in := map[string]int{}
	for _, s := range b {
		in[s]++
	}
	var out []string
	for _, s := range a {
		if in[s] > 0 {
			in[s]--
			continue
		}
		out = append(out, s)
	}
	return out
}
