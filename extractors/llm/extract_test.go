package llm_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/finx-dev/finx/extractors/llm"
	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/extractors/rules"
	"github.com/finx-dev/finx/schemas"
)

// scripted is a Completer that returns fixed replies in order and records
// the user messages.
type scripted struct {
	mu      sync.Mutex
	replies []llm.Completion
	errs    []error
	users   []string
}

func (s *scripted) Complete(ctx context.Context, _, user string, _ int) (llm.Completion, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return llm.Completion{}, err
	}
	s.users = append(s.users, user)
	if len(s.replies) == 0 {
		return llm.Completion{}, errors.New("scripted: no reply left")
	}
	c, err := s.replies[0], s.errs[0]
	s.replies, s.errs = s.replies[1:], s.errs[1:]
	return c, err
}

func (s *scripted) add(c llm.Completion, err error) {
	s.replies = append(s.replies, c)
	s.errs = append(s.errs, err)
}

var errLength = errors.New("test: output truncated")

// twoChunkRequest returns a risk request with one heading per chunk.
func twoChunkRequest() passes.Request {
	doc := testDoc("")
	first := strings.Index(doc.Text, headingSuppliers)
	second := strings.Index(doc.Text, headingCyber)
	end := strings.Index(doc.Text, "Item 7.")
	return passes.Request{
		Kind:     passes.KindRisk,
		Pass:     passes.PassPrimary,
		Document: doc,
		Chunks: []passes.Chunk{
			{Section: "item_1a", Offset: first, Text: doc.Text[first:second]},
			{Section: "item_1a", Offset: second, Text: doc.Text[second:end]},
		},
	}
}

func TestExtractSplitsTruncatedBatch(t *testing.T) {
	c := &scripted{}
	c.add(llm.Completion{FinishReason: "length", CompletionTokens: 10}, errLength)
	c.add(llm.Completion{Content: risksJSON(risk(headingSuppliers, "supply_chain")), FinishReason: "stop"}, nil)
	second := risk(headingCyber, "cybersecurity")
	second["chunk"] = 1
	c.add(llm.Completion{Content: risksJSON(second), FinishReason: "stop"}, nil)
	p, err := llm.New(c, llm.Config{Model: "m", Fallback: rules.New()})
	if err != nil {
		t.Fatal(err)
	}

	resp, err := p.Extract(context.Background(), twoChunkRequest())
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if len(resp.Risks) != 2 {
		t.Fatalf("risks: got %d, want 2", len(resp.Risks))
	}
	if got := resp.Risks[1].Hint.Chunk; got != 1 {
		t.Errorf("second risk chunk: got %d, want 1", got)
	}
	if len(c.users) != 3 {
		t.Fatalf("calls: got %d, want 3 (whole batch, then each half)", len(c.users))
	}
	if strings.Contains(c.users[1], "chunk=1") || !strings.Contains(c.users[2], "chunk=1") {
		t.Error("halves do not send one chunk each")
	}
	if u := p.Usage(); u.Fallbacks != 0 || u.CompletionTokens != 10 {
		t.Errorf("Usage: got %+v, want no fallback and 10 completion tokens", u)
	}
}

func TestExtractFallbackShiftsHints(t *testing.T) {
	// Batches go out concurrently, so the reply depends on the chunk sent.
	var mu sync.Mutex
	calls := 0
	c := llm.CompleterFunc(func(_ context.Context, _, user string, _ int) (llm.Completion, error) {
		mu.Lock()
		calls++
		mu.Unlock()
		if strings.Contains(user, "chunk=0 ") {
			return llm.Completion{Content: risksJSON(risk(headingSuppliers, "supply_chain")), FinishReason: "stop"}, nil
		}
		return llm.Completion{}, errors.New("test: server unreachable")
	})
	p, err := llm.New(c, llm.Config{Model: "m", Fallback: rules.New(), BatchBytes: 1, BreakerFailures: 5})
	if err != nil {
		t.Fatal(err)
	}

	resp, err := p.Extract(context.Background(), twoChunkRequest())
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	var cyber *passes.RiskCandidate
	for i := range resp.Risks {
		if resp.Risks[i].Quote == headingCyber {
			cyber = &resp.Risks[i]
		}
	}
	if cyber == nil {
		t.Fatalf("risks: got %+v, want the fallback's %q", resp.Risks, headingCyber)
	}
	if cyber.Hint.Chunk != 1 {
		t.Errorf("fallback hint chunk: got %d, want 1 (index in the whole request)", cyber.Hint.Chunk)
	}
	if u := p.Usage(); u.Fallbacks != 1 || u.Calls != 2 || calls != 2 {
		t.Errorf("Usage: got %+v after %d calls, want 2 calls and 1 fallback", u, calls)
	}
}

func TestExtractCanceledContext(t *testing.T) {
	c := &scripted{}
	p, err := llm.New(c, llm.Config{Model: "m", Fallback: rules.New()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = p.Extract(ctx, twoChunkRequest())
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Extract: got %v, want context.Canceled", err)
	}
	if u := p.Usage(); u.Fallbacks != 0 {
		t.Errorf("Usage.Fallbacks: got %d, want 0 after cancel", u.Fallbacks)
	}
}

func TestExtractRequiresDocument(t *testing.T) {
	p, err := llm.New(&scripted{}, llm.Config{Model: "m"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Extract(context.Background(), passes.Request{Kind: passes.KindRisk})
	if !errors.Is(err, llm.ErrNoDocument) {
		t.Errorf("Extract: got %v, want ErrNoDocument", err)
	}
}

func TestExtractMetricsXBRLFirst(t *testing.T) {
	doc := testDoc("")
	doc.Facts = []schemas.Fact{{Concept: "us-gaap:Revenues", Value: "1234000000", Display: "1,234", Scale: 6, Unit: "USD", Numeric: true, PeriodStart: "2025-01-01", PeriodEnd: "2025-12-31", Start: strings.Index(doc.Text, "1,234\t"), End: strings.Index(doc.Text, "1,234\t") + 5}}
	c := &scripted{}
	c.add(llm.Completion{Content: `{"metrics": [{"chunk": 0, "quote": "1,234", "number": "1,234", "scale": 6, "metric": "revenue", "unit": "USD", "period_type": "duration", "period_end": "2025-12-31", "source": "table"}]}`, FinishReason: "stop"}, nil)
	p, err := llm.New(c, llm.Config{Model: "m", Fallback: rules.New()})
	if err != nil {
		t.Fatal(err)
	}
	off := strings.Index(doc.Text, "Net sales\t")
	resp, err := p.Extract(context.Background(), passes.Request{Kind: passes.KindMetric, Pass: passes.PassPrimary, Document: doc, Chunks: []passes.Chunk{{Offset: off, Text: doc.Text[off:]}}})
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if len(resp.Metrics) < 2 {
		t.Fatalf("metrics: got %+v, want the XBRL fact and the table figure", resp.Metrics)
	}
	if resp.Metrics[0].Source != "ixbrl" {
		t.Errorf("first metric source: got %q, want ixbrl", resp.Metrics[0].Source)
	}
	if last := resp.Metrics[len(resp.Metrics)-1]; last.Source != "table" || last.Value != "1234000000" {
		t.Errorf("model metric: got source %q value %q, want table 1234000000", last.Source, last.Value)
	}
}
