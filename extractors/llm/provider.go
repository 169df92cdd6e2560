package llm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/finx-dev/finx/extractors/passes"
)

// ErrNoDocument is returned by Extract for a request without a document.
var ErrNoDocument = errors.New("llm: request without a document")

// Usage holds totals since the provider was created.
type Usage struct {
	// Calls counts completion requests, repairs included.
	Calls            int
	PromptTokens     int
	CompletionTokens int
	CacheHitTokens   int
	// Repairs counts repair requests sent after an invalid reply.
	Repairs int
	// Fallbacks counts batches served by Config.Fallback.
	Fallbacks int
	// Invalid counts items dropped because they failed validation after
	// the last repair.
	Invalid int
	// Hallucinated counts candidates whose quote occurs in none of the
	// chunks sent, even after normalising whitespace, quote marks and
	// dashes. passes.Run rejects them.
	Hallucinated int
}

// Provider is the LLM passes.Provider. It is safe for concurrent use.
type Provider struct {
	completer Completer
	cfg       Config

	// unavailable is set once the completer returns an error whose
	// Unavailable() is true; later requests go straight to the fallback.
	unavailable atomic.Bool

	mu    sync.Mutex
	usage Usage
}

// New returns a provider that calls c.
func New(c Completer, cfg Config) (*Provider, error) {
	if c == nil {
		return nil, errors.New("llm: nil Completer")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Provider{completer: c, cfg: cfg.withDefaults()}, nil
}

// Name returns "llm:" followed by the model name.
func (p *Provider) Name() string { return "llm:" + p.cfg.Model }

// Usage returns the totals so far.
func (p *Provider) Usage() Usage {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.usage
}

func (p *Provider) add(f func(u *Usage)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(&p.usage)
}

// Extract returns the candidates of req.Kind in req.Chunks. It sends the
// chunks in batches of at most Config.BatchBytes and merges the replies.
// It returns an error when ctx ends, or when a batch fails and there is no
// fallback.
func (p *Provider) Extract(ctx context.Context, req passes.Request) (passes.Response, error) {
	if err := ctx.Err(); err != nil {
		return passes.Response{}, err
	}
	if req.Document == nil {
		return passes.Response{}, ErrNoDocument
	}
	if p.unavailable.Load() && p.cfg.Fallback != nil {
		p.add(func(u *Usage) { u.Fallbacks++ })
		return p.cfg.Fallback.Extract(ctx, req)
	}

	var out passes.Response
	if req.Kind == passes.KindMetric && p.cfg.Fallback != nil {
		// The model reads only text, so the inline XBRL facts come from the
		// fallback, which turns them into candidates without a call. They
		// go first because passes.Run drops a text figure that agrees with
		// an XBRL metric emitted before it.
		facts, err := p.cfg.Fallback.Extract(ctx, req)
		if err != nil {
			return passes.Response{}, fmt.Errorf("llm: xbrl facts from %s: %w", p.cfg.Fallback.Name(), err)
		}
		for _, m := range facts.Metrics {
			if m.Source == "ixbrl" {
				out.Metrics = append(out.Metrics, m)
			}
		}
	}
	for _, b := range batches(req.Chunks, p.cfg.BatchBytes) {
		resp, err := p.extractBatch(ctx, req, b.first, b.n)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return passes.Response{}, ctxErr
			}
			if resp, err = p.fallback(ctx, req, b.first, b.n, err); err != nil {
				return passes.Response{}, err
			}
		}
		merge(&out, resp)
	}
	return out, nil
}

// fallback serves chunks req.Chunks[first:first+n] with Config.Fallback
// after the model failed with cause.
func (p *Provider) fallback(ctx context.Context, req passes.Request, first, n int, cause error) (passes.Response, error) {
	var u interface{ Unavailable() bool }
	if errors.As(cause, &u) && u.Unavailable() {
		p.unavailable.Store(true)
	}
	if p.cfg.Fallback == nil {
		return passes.Response{}, fmt.Errorf("llm: %s %s pass, chunks %d to %d: %w", req.Kind, req.Pass, first, first+n-1, cause)
	}
	p.cfg.Logger.WarnContext(ctx, "llm fallback", "doc_id", req.Document.DocID, "kind", string(req.Kind), "pass", string(req.Pass), "chunks", n, "fallback", p.cfg.Fallback.Name(), "err", cause)
	p.add(func(u *Usage) { u.Fallbacks++ })

	sub := req
	sub.Chunks = req.Chunks[first : first+n]
	resp, err := p.cfg.Fallback.Extract(ctx, sub)
	if err != nil {
		return passes.Response{}, fmt.Errorf("llm: fallback %s after %v: %w", p.cfg.Fallback.Name(), cause, err)
	}
	// Hints of the fallback index the sub-request's chunks; shift them to
	// req.Chunks. XBRL facts are added once by Extract, not per batch.
	for i := range resp.Risks {
		resp.Risks[i].Hint = shiftHint(resp.Risks[i].Hint, first)
	}
	metrics := resp.Metrics[:0]
	for _, m := range resp.Metrics {
		if m.Source != "ixbrl" {
			m.Hint = shiftHint(m.Hint, first)
			metrics = append(metrics, m)
		}
	}
	resp.Metrics = metrics
	for i := range resp.Guidance {
		resp.Guidance[i].Hint = shiftHint(resp.Guidance[i].Hint, first)
	}
	return resp, nil
}

func shiftHint(h passes.Hint, by int) passes.Hint {
	if h.Chunk >= 0 {
		h.Chunk += by
	}
	return h
}

// extractBatch requests candidates in chunks req.Chunks[first:first+n] from
// the model. A reply cut at max_tokens splits the batch in two until one
// chunk is left.
func (p *Provider) extractBatch(ctx context.Context, req passes.Request, first, n int) (passes.Response, error) {
	system := systemPrompt(req.Kind)
	user := userPrompt(req, first, n)
	prompt := user
	var lastProblems []string
	var last parsed
	for try := 0; try <= p.cfg.MaxRepairs; try++ {
		if try > 0 {
			p.add(func(u *Usage) { u.Repairs++ })
		}
		comp, err := p.completer.Complete(ctx, system, prompt, p.cfg.MaxTokens)
		p.add(func(u *Usage) {
			u.Calls++
			u.PromptTokens += comp.PromptTokens
			u.CompletionTokens += comp.CompletionTokens
			u.CacheHitTokens += comp.CacheHitTokens
		})
		if err != nil {
			if comp.FinishReason == "length" && n > 1 {
				half := n / 2
				a, errA := p.extractBatch(ctx, req, first, half)
				if errA != nil {
					return passes.Response{}, errA
				}
				b, errB := p.extractBatch(ctx, req, first+half, n-half)
				if errB != nil {
					return passes.Response{}, errB
				}
				merge(&a, b)
				return a, nil
			}
			return passes.Response{}, err
		}

		res, perr := parseReply(comp.Content, req, first, n)
		switch {
		case perr != nil:
			lastProblems = []string{perr.Error()}
		case len(res.problems) > 0:
			lastProblems, last = res.problems, res
		default:
			p.countHallucinated(req, first, n, res.resp)
			return res.resp, nil
		}
		if try < p.cfg.MaxRepairs {
			prompt = repairPrompt(user, comp.Content, lastProblems)
		} else if perr == nil {
			// Keep the valid items of a reply that is still partly invalid.
			p.cfg.Logger.WarnContext(ctx, "llm dropped invalid items", "doc_id", req.Document.DocID, "kind", string(req.Kind), "pass", string(req.Pass), "chunks", n, "invalid", res.invalid, "err", strings.Join(res.problems, "; "))
			p.add(func(u *Usage) { u.Invalid += res.invalid })
			p.countHallucinated(req, first, n, res.resp)
			return res.resp, nil
		}
	}
	if last.invalid > 0 {
		// A repair broke a reply whose earlier version parsed.
		p.add(func(u *Usage) { u.Invalid += last.invalid })
		p.countHallucinated(req, first, n, last.resp)
		return last.resp, nil
	}
	return passes.Response{}, &ReplyError{Kind: req.Kind, Tries: p.cfg.MaxRepairs + 1, Problems: lastProblems}
}

// ReplyError is returned when no reply could be parsed after the repairs.
type ReplyError struct {
	Kind     passes.Kind
	Tries    int
	Problems []string
}

func (e *ReplyError) Error() string {
	return fmt.Sprintf("llm: invalid %s reply after %d tries: %s", e.Kind, e.Tries, strings.Join(e.Problems, "; "))
}

// countHallucinated counts candidates whose quote is in none of the chunks
// sent.
func (p *Provider) countHallucinated(req passes.Request, first, n int, resp passes.Response) {
	var quotes []string
	for _, c := range resp.Risks {
		quotes = append(quotes, c.Quote)
	}
	for _, c := range resp.Metrics {
		quotes = append(quotes, c.Quote)
	}
	for _, c := range resp.Guidance {
		quotes = append(quotes, c.Quote)
	}
	if len(quotes) == 0 {
		return
	}
	var texts []string
	for _, c := range req.Chunks[first : first+n] {
		texts = append(texts, normalizeQuote(c.Text))
	}
	missing := 0
	for _, q := range quotes {
		nq := normalizeQuote(q)
		found := false
		for _, t := range texts {
			if strings.Contains(t, nq) {
				found = true
				break
			}
		}
		if !found {
			missing++
		}
	}
	if missing > 0 {
		p.add(func(u *Usage) { u.Hallucinated += missing })
	}
}

// quoteReplacer maps the typographic characters that models and filings
// swap freely to ASCII.
var quoteReplacer = strings.NewReplacer(
	"\u2018", "'", "\u2019", "'", "\u201c", `"`, "\u201d", `"`,
	"\u2013", "-", "\u2014", "-", "\u2212", "-", "\u00a0", " ",
	"\ufb01", "fi", "\ufb02", "fl",
)

func normalizeQuote(s string) string {
	return strings.Join(strings.Fields(quoteReplacer.Replace(s)), " ")
}

type batch struct{ first, n int }

// batches groups consecutive chunks up to maxBytes of text each; a chunk
// over the limit forms a batch of its own.
func batches(chunks []passes.Chunk, maxBytes int) []batch {
	var out []batch
	size := 0
	for i, c := range chunks {
		if len(out) == 0 || size+len(c.Text) > maxBytes {
			out = append(out, batch{first: i})
			size = 0
		}
		out[len(out)-1].n++
		size += len(c.Text)
	}
	return out
}

func merge(dst *passes.Response, src passes.Response) {
	dst.Risks = append(dst.Risks, src.Risks...)
	dst.Metrics = append(dst.Metrics, src.Metrics...)
	dst.Guidance = append(dst.Guidance, src.Guidance...)
}
