package llm

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"

	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/schemas"
)

// ErrNoDocument is returned by Extract for a request without a document.
var ErrNoDocument = errors.New("llm: request without a document")

// Usage holds totals since the provider was created.
type Usage struct {
	// Calls counts HTTP attempts, retries and repairs included.
	Calls int
	// Cached counts batches served from the cache, without a call.
	Cached           int
	PromptTokens     int
	CompletionTokens int
	CacheHitTokens   int
	// CostUSD is the exact cost of the calls from the price table.
	CostUSD string
	// Repairs counts repair requests sent after an invalid reply.
	Repairs int
	// Fallbacks counts batches served by Config.Fallback after a failure.
	Fallbacks int
	// BudgetStops counts batches not sent because of Config.Budget.
	BudgetStops int
	// Invalid counts items dropped because they failed validation after
	// the last repair.
	Invalid int
	// Instructions counts items dropped because their quote lies on a line
	// of the filing that addresses the model (see the package doc).
	Instructions int
	// Hallucinated counts the provider's candidates whose quote the
	// citation check of passes.Run did not find in the document.
	Hallucinated int
}

// Provider is the LLM passes.Provider. It is safe for concurrent use.
type Provider struct {
	completer Completer
	cfg       Config
	metrics   *metrics
	breaker   *breaker
	budget    *budget
	// sem holds a token per call in flight.
	sem chan struct{}

	mu    sync.Mutex
	usage Usage
	// docs is keyed by document ID.
	// NOTE: two concurrent runs of the same document share one record, so
	// the first EndDocument takes the calls of both.
	docs map[string]*docRecord
	// budgetLogged is set once the budget stop has been logged.
	budgetLogged bool
}

// docRecord is the state the provider keeps per document until
// EndDocument.
type docRecord struct {
	calls []schemas.LLMCall
	// degraded is the first degraded reason of the document.
	degraded string
	// sent is the estimated prompt tokens per pass label, first requests
	// only: repairs and splits after truncation are not counted.
	sent      map[string]int
	docTokens int
	// fallback holds the fallback runs started by primary requests, for
	// the recall requests of RecallFallback.
	fallback map[passes.Kind]*fallbackRun
}

// New returns a provider that calls c.
func New(c Completer, cfg Config) (*Provider, error) {
	if c == nil {
		return nil, errors.New("llm: nil Completer")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, err
	}
	return &Provider{
		completer: c,
		cfg:       cfg,
		metrics:   m,
		breaker:   &breaker{failures: cfg.BreakerFailures, coolDown: cfg.BreakerCoolDown, now: cfg.Now},
		budget:    newBudget(cfg.Budget),
		sem:       make(chan struct{}, cfg.Concurrency),
		docs:      map[string]*docRecord{},
	}, nil
}

// Name returns Config.Provider, by default "llm:" followed by the model.
func (p *Provider) Name() string { return p.cfg.Provider }

// Model returns the model name.
func (p *Provider) Model() string { return p.cfg.Model }

// Usage returns the totals so far.
func (p *Provider) Usage() Usage {
	p.mu.Lock()
	u := p.usage
	p.mu.Unlock()
	u.CostUSD = p.budget.spentUSD()
	return u
}

// BreakerState returns "closed", "open" or "half_open".
func (p *Provider) BreakerState() string { return p.breaker.state() }

func (p *Provider) add(f func(u *Usage)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(&p.usage)
}

// doc returns the record of docID; p.mu must be held.
func (p *Provider) doc(d *schemas.Document) *docRecord {
	r := p.docs[d.DocID]
	if r == nil {
		r = &docRecord{sent: map[string]int{}, docTokens: EstimateTokens(d.Text), fallback: map[passes.Kind]*fallbackRun{}}
		p.docs[d.DocID] = r
	}
	return r
}

// EndDocument returns the calls made for docID and the provenance of its
// result, deletes them from the provider, and counts the rejected quotes.
// It implements passes.CallRecorder.
func (p *Provider) EndDocument(docID string, rejected int) (schemas.Provenance, []schemas.LLMCall) {
	p.mu.Lock()
	rec := p.docs[docID]
	delete(p.docs, docID)
	p.usage.Hallucinated += rejected
	p.mu.Unlock()

	if p.metrics != nil {
		p.metrics.hallucinated.Add(float64(rejected))
	}
	prov := p.Provenance()
	if rec == nil {
		return prov, nil
	}
	prov.Degraded = rec.degraded
	for label, tokens := range rec.sent {
		ratio := float64(tokens) / float64(max(rec.docTokens, 1))
		if p.metrics != nil {
			p.metrics.promptRatio.WithLabelValues(label).Observe(ratio)
		}
		p.cfg.Logger.Debug("llm prompt tokens", "doc_id", docID, "pass", label, "tokens", tokens, "doc_tokens", rec.docTokens, "ratio", fmt.Sprintf("%.3f", ratio))
	}
	return prov, rec.calls
}

// PromptTokens returns the estimated tokens of the first requests that
// Extract would send for req, system messages included.
func (p *Provider) PromptTokens(req passes.Request) int {
	n := 0
	texts := renderChunks(req, p.cfg.FullChunks)
	for _, b := range batches(texts, p.cfg.BatchBytes) {
		n += EstimateTokens(systemPrompt(req.Kind)) + EstimateTokens(userPrompt(req, b.first, b.n, texts))
	}
	return n
}

// Extract returns the candidates of req.Kind in req.Chunks. It sends the
// chunks in batches of at most Config.BatchBytes, all batches at once up
// to Config.Concurrency calls in flight, and merges the replies in chunk
// order. A batch the model fails on is served by Config.Fallback. It
// returns an error when ctx ends, or when a batch fails and there is no
// fallback.
func (p *Provider) Extract(ctx context.Context, req passes.Request) (passes.Response, error) {
	if err := ctx.Err(); err != nil {
		return passes.Response{}, err
	}
	if req.Document == nil {
		return passes.Response{}, ErrNoDocument
	}
	if req.Pass == passes.PassRecall && p.cfg.Recall == RecallFallback {
		return p.recallByFallback(ctx, req)
	}

	// The fallback's own passes run while the model calls are in flight:
	// the XBRL facts of a metric request and, with RecallFallback, the
	// candidates of the later recall request.
	var fb *fallbackRun
	if p.cfg.Fallback != nil && (req.Kind == passes.KindMetric || p.cfg.Recall == RecallFallback) {
		fb = p.startFallback(ctx, req)
	}

	texts := renderChunks(req, p.cfg.FullChunks)
	bs := batches(texts, p.cfg.BatchBytes)
	system := systemPrompt(req.Kind)
	users := make([]string, len(bs))
	sent := 0
	for i, b := range bs {
		users[i] = userPrompt(req, b.first, b.n, texts)
		sent += EstimateTokens(system) + EstimateTokens(users[i])
	}
	p.mu.Lock()
	p.doc(req.Document).sent[passLabel(req)] += sent
	p.mu.Unlock()

	resps := make([]passes.Response, len(bs))
	errs := make([]error, len(bs))
	var wg sync.WaitGroup
	for i, b := range bs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resps[i], errs[i] = p.serveBatch(ctx, req, b, texts, users[i])
		}()
	}
	wg.Wait()

	var out passes.Response
	if fb != nil && req.Kind == passes.KindMetric {
		// The model reads only text, so the inline XBRL facts come from the
		// fallback, which turns them into candidates without a call. They
		// go first because passes.Run drops a text figure that agrees with
		// an XBRL metric emitted before it.
		<-fb.done
		if fb.err != nil {
			return passes.Response{}, fmt.Errorf("llm: xbrl facts from %s: %w", p.cfg.Fallback.Name(), fb.err)
		}
		for _, m := range fb.primary.Metrics {
			if m.Source == "ixbrl" {
				m.Origin = p.fallbackOrigin("")
				out.Metrics = append(out.Metrics, m)
			}
		}
	}
	for i := range bs {
		if errs[i] != nil {
			return passes.Response{}, errs[i]
		}
		merge(&out, resps[i])
	}
	return out, nil
}

// fallbackRun is the fallback's response to both passes of one kind,
// computed in the background during the primary pass.
type fallbackRun struct {
	done            chan struct{}
	primary, recall passes.Response
	err             error
}

// startFallback runs the fallback's primary pass of req and, with
// RecallFallback, its recall pass without known quotes, and keeps the run
// for the recall request of the same document and kind.
func (p *Provider) startFallback(ctx context.Context, req passes.Request) *fallbackRun {
	fb := &fallbackRun{done: make(chan struct{})}
	if p.cfg.Recall == RecallFallback {
		p.mu.Lock()
		p.doc(req.Document).fallback[req.Kind] = fb
		p.mu.Unlock()
	}
	go func() {
		defer close(fb.done)
		primary := req
		primary.Pass, primary.Known = passes.PassPrimary, nil
		var recallErr error
		var wg sync.WaitGroup
		if p.cfg.Recall == RecallFallback {
			wg.Add(1)
			go func() {
				defer wg.Done()
				recall := primary
				recall.Pass = passes.PassRecall
				fb.recall, recallErr = p.cfg.Fallback.Extract(ctx, recall)
			}()
		}
		fb.primary, fb.err = p.cfg.Fallback.Extract(ctx, primary)
		wg.Wait()
		if fb.err == nil {
			fb.err = recallErr
		}
	}()
	return fb
}

// recallByFallback serves a recall request with both passes of the
// fallback, less the quotes in req.Known, so that the result holds every
// item the fallback finds and the model missed. It uses the run that the
// primary request started, or runs the fallback now when there is none.
func (p *Provider) recallByFallback(ctx context.Context, req passes.Request) (passes.Response, error) {
	p.mu.Lock()
	rec := p.doc(req.Document)
	fb := rec.fallback[req.Kind]
	delete(rec.fallback, req.Kind)
	p.mu.Unlock()
	if fb == nil {
		fb = p.startFallback(ctx, req)
		p.mu.Lock()
		delete(p.doc(req.Document).fallback, req.Kind)
		p.mu.Unlock()
	}
	select {
	case <-fb.done:
	case <-ctx.Done():
		return passes.Response{}, ctx.Err()
	}
	if fb.err != nil {
		return passes.Response{}, fmt.Errorf("llm: recall pass by %s: %w", p.cfg.Fallback.Name(), fb.err)
	}

	known := make(map[string]bool, len(req.Known))
	for _, q := range req.Known {
		known[strings.Join(strings.Fields(q), " ")] = true
	}
	isKnown := func(q string) bool { return known[strings.Join(strings.Fields(q), " ")] }

	origin := p.fallbackOrigin("")
	var out passes.Response
	for _, r := range []passes.Response{fb.primary, fb.recall} {
		for _, c := range r.Risks {
			if !isKnown(c.Quote) {
				c.Origin = origin
				out.Risks = append(out.Risks, c)
			}
		}
		for _, c := range r.Metrics {
			if !isKnown(c.Quote) {
				c.Origin = origin
				out.Metrics = append(out.Metrics, c)
			}
		}
		for _, c := range r.Guidance {
			if !isKnown(c.Quote) {
				c.Origin = origin
				out.Guidance = append(out.Guidance, c)
			}
		}
	}
	return out, nil
}

// serveBatch returns the model's candidates in batch b, or the fallback's
// when the model fails.
func (p *Provider) serveBatch(ctx context.Context, req passes.Request, b batch, texts []string, user string) (passes.Response, error) {
	resp, err := p.extractBatch(ctx, req, b.first, b.n, texts, user)
	if err == nil {
		return resp, nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return passes.Response{}, ctxErr
	}
	return p.fallback(ctx, req, b.first, b.n, err)
}

func passLabel(req passes.Request) string {
	return string(req.Kind) + "_" + string(req.Pass)
}

// setOrigin sets o on every candidate of resp.
func setOrigin(resp *passes.Response, o passes.Origin) {
	for i := range resp.Risks {
		resp.Risks[i].Origin = o
	}
	for i := range resp.Metrics {
		resp.Metrics[i].Origin = o
	}
	for i := range resp.Guidance {
		resp.Guidance[i].Origin = o
	}
}

// fallbackOrigin is the origin of the fallback's candidates: its name, its
// provenance when it is a passes.Provenancer, and the degraded reason, empty
// when the fallback served the request by design.
func (p *Provider) fallbackOrigin(degraded string) passes.Origin {
	o := passes.Origin{Provider: p.cfg.Fallback.Name()}
	if pv, ok := p.cfg.Fallback.(passes.Provenancer); ok {
		o.Provenance = pv.Provenance()
	}
	o.Degraded = degraded
	return o
}

// Provenance returns the model and PromptVersion. It implements
// passes.Provenancer.
func (p *Provider) Provenance() schemas.Provenance {
	return schemas.Provenance{Model: p.cfg.Model, PromptVersion: PromptVersion}
}

// modelOrigin is the origin of the model's own candidates.
func (p *Provider) modelOrigin() passes.Origin {
	return passes.Origin{Provider: p.cfg.Provider, Provenance: p.Provenance()}
}

// fallback serves chunks req.Chunks[first:first+n] with Config.Fallback
// after the model failed with cause.
func (p *Provider) fallback(ctx context.Context, req passes.Request, first, n int, cause error) (passes.Response, error) {
	if p.cfg.Fallback == nil {
		return passes.Response{}, fmt.Errorf("llm: %s %s pass, chunks %d to %d: %w", req.Kind, req.Pass, first, first+n-1, cause)
	}
	reason := degradedReason(cause)
	if reason == DegradedBudget {
		p.logBudgetStop(ctx, req)
	} else {
		p.cfg.Logger.WarnContext(ctx, "llm fallback", "doc_id", req.Document.DocID, "kind", string(req.Kind), "pass", string(req.Pass), "chunks", n, "fallback", p.cfg.Fallback.Name(), "reason", reason, "err", cause)
	}
	p.mu.Lock()
	p.usage.Fallbacks++
	if reason == DegradedBudget {
		p.usage.BudgetStops++
	}
	if rec := p.doc(req.Document); rec.degraded == "" {
		rec.degraded = reason
	}
	p.mu.Unlock()
	if p.metrics != nil {
		p.metrics.fallbacks.WithLabelValues(reason).Inc()
	}

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
	setOrigin(&resp, p.fallbackOrigin(reason))
	return resp, nil
}

// logBudgetStop logs the first batch refused by the budget at warn level
// and the later ones at debug level, so that a long run logs it once.
func (p *Provider) logBudgetStop(ctx context.Context, req passes.Request) {
	p.mu.Lock()
	first := !p.budgetLogged
	p.budgetLogged = true
	p.mu.Unlock()
	if first {
		p.cfg.Logger.WarnContext(ctx, "llm budget exhausted; the fallback serves the remaining batches", "doc_id", req.Document.DocID, "kind", string(req.Kind), "pass", string(req.Pass), "budget_usd", p.cfg.Budget, "spent_usd", p.budget.spentUSD())
		return
	}
	p.cfg.Logger.DebugContext(ctx, "llm budget exhausted", "doc_id", req.Document.DocID, "kind", string(req.Kind), "pass", string(req.Pass))
}

func shiftHint(h passes.Hint, by int) passes.Hint {
	if h.Chunk >= 0 {
		h.Chunk += by
	}
	return h
}

// extractBatch requests candidates in chunks req.Chunks[first:first+n] from
// the cache or the model. A reply cut at max_tokens splits the batch in two
// until one chunk is left.
// texts are the rendered chunks, and user is the user message of the
// batch, or empty to build it.
func (p *Provider) extractBatch(ctx context.Context, req passes.Request, first, n int, texts []string, user string) (passes.Response, error) {
	system := systemPrompt(req.Kind)
	if user == "" {
		user = userPrompt(req, first, n, texts)
	}
	key := ""
	if p.cfg.Cache != nil {
		key = cacheKey(p.cfg.Model, p.cfg.MaxTokens, system, user)
		if content, ok := p.cfg.Cache.get(key); ok {
			// An entry that no longer parses is ignored and overwritten by
			// the next valid reply.
			if res, err := parseReply(content, req, first, n); err == nil {
				p.recordCached(req, first, n)
				return p.accept(ctx, req, first, n, res), nil
			}
		}
	}

	prompt := user
	var lastProblems []string
	var last parsed
	for try := 0; try <= p.cfg.MaxRepairs; try++ {
		if try > 0 {
			p.add(func(u *Usage) { u.Repairs++ })
		}
		comp, err := p.call(ctx, req, first, n, try, system, prompt)
		if err != nil {
			p.record(req, first, n, try, comp, "")
			if comp.FinishReason == "length" && n > 1 {
				half := n / 2
				a, errA := p.extractBatch(ctx, req, first, half, texts, "")
				if errA != nil {
					return passes.Response{}, errA
				}
				b, errB := p.extractBatch(ctx, req, first+half, n-half, texts, "")
				if errB != nil {
					return passes.Response{}, errB
				}
				merge(&a, b)
				return a, nil
			}
			return passes.Response{}, err
		}

		res, perr := parseReply(comp.Content, req, first, n)
		outcome := ""
		if perr != nil || len(res.problems) > 0 {
			outcome = outcomeInvalidJSON
		}
		p.record(req, first, n, try, comp, outcome)
		switch {
		case perr != nil:
			lastProblems = []string{perr.Error()}
		case len(res.problems) > 0:
			lastProblems, last = res.problems, res
		default:
			p.store(ctx, key, comp.Content)
			return p.accept(ctx, req, first, n, res), nil
		}
		if try < p.cfg.MaxRepairs {
			prompt = repairPrompt(user, comp.Content, lastProblems)
		} else if perr == nil {
			// Keep the valid items of a reply that is still partly invalid.
			p.cfg.Logger.WarnContext(ctx, "llm dropped invalid items", "doc_id", req.Document.DocID, "kind", string(req.Kind), "pass", string(req.Pass), "chunks", n, "invalid", res.invalid, "err", strings.Join(res.problems, "; "))
			p.store(ctx, key, comp.Content)
			return p.accept(ctx, req, first, n, res), nil
		}
	}
	if last.invalid > 0 {
		// A repair broke a reply whose earlier version parsed.
		return p.accept(ctx, req, first, n, last), nil
	}
	return passes.Response{}, &ReplyError{Kind: req.Kind, Tries: p.cfg.MaxRepairs + 1, Problems: lastProblems}
}

// accept counts the invalid items of res, drops the candidates that quote
// instructions to the model, and marks the rest as the model's.
func (p *Provider) accept(ctx context.Context, req passes.Request, first, n int, res parsed) passes.Response {
	resp := res.resp
	dropped := dropInstructions(&resp, req.Chunks)
	if dropped > 0 {
		p.cfg.Logger.WarnContext(ctx, "llm dropped items quoting instructions to the model", "doc_id", req.Document.DocID, "kind", string(req.Kind), "pass", string(req.Pass), "chunks", n, "dropped", dropped)
	}
	p.add(func(u *Usage) {
		u.Invalid += res.invalid
		u.Instructions += dropped
	})
	setOrigin(&resp, p.modelOrigin())
	return resp
}

// store writes a reply to the cache; a failure only costs a call later.
func (p *Provider) store(ctx context.Context, key, content string) {
	if key == "" {
		return
	}
	if err := p.cfg.Cache.put(key, p.cfg.Model, content, p.cfg.Now()); err != nil {
		p.cfg.Logger.WarnContext(ctx, "llm cache write failed", "err", err)
	}
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

// InvalidOutput returns true: the model replied, but not with usable
// content.
func (e *ReplyError) InvalidOutput() bool { return true }

// DegradedError is returned for a call the provider did not send: the
// circuit breaker is open or the budget is spent. Reason is the degraded
// reason, such as llm_budget.
type DegradedError struct {
	Reason string
}

func (e *DegradedError) Error() string {
	if e.Reason == DegradedBudget {
		return "llm: call not sent: the cost budget is spent"
	}
	return "llm: call not sent: the circuit breaker is open after " + e.Reason
}

// degradedReason classifies the error of a failed batch.
func degradedReason(err error) string {
	var d *DegradedError
	if errors.As(err, &d) {
		return d.Reason
	}
	var status interface{ HTTPStatus() int }
	if errors.As(err, &status) {
		switch status.HTTPStatus() {
		case 401:
			return DegradedUnauthorized
		case 402:
			return DegradedInsufficientBalance
		}
	}
	var invalid interface{ InvalidOutput() bool }
	if errors.As(err, &invalid) && invalid.InvalidOutput() {
		return DegradedInvalidOutput
	}
	return DegradedUnavailable
}

// breakerReason returns the failure reason the breaker counts for a call's
// error: empty for success and for an invalid reply, which shows that the
// service works.
func breakerReason(err error) string {
	if err == nil {
		return ""
	}
	r := degradedReason(err)
	if r == DegradedInvalidOutput {
		return ""
	}
	return r
}

// costBound returns an upper bound of the cost of one attempt: every byte
// of the prompt as an uncached token (a token is at least one byte) and the
// whole output limit.
func (p *Provider) costBound(system, prompt string) *big.Rat {
	c, _ := p.cfg.Prices.cost(p.cfg.Model, 0, len(system)+len(prompt), p.cfg.MaxTokens, p.cfg.Now())
	return c
}

// call sends one request through the breaker, the budget and the
// concurrency limit.
func (p *Provider) call(ctx context.Context, req passes.Request, first, n, try int, system, prompt string) (Completion, error) {
	probe, reason, ok := p.breaker.allow()
	if !ok {
		return Completion{}, &DegradedError{Reason: reason}
	}
	bound := p.costBound(system, prompt)
	if !p.budget.reserve(bound) {
		p.breaker.release(probe)
		p.recordBudget(req, first, n, try)
		return Completion{}, &DegradedError{Reason: DegradedBudget}
	}
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		p.budget.settle(bound, new(big.Rat))
		p.breaker.release(probe)
		return Completion{}, ctx.Err()
	}
	began := p.cfg.Now()
	comp, err := p.completer.Complete(ctx, system, prompt, p.cfg.MaxTokens)
	<-p.sem
	if len(comp.Attempts) == 0 {
		// A Completer without attempt records made one attempt.
		comp.Attempts = []Attempt{{
			Outcome: outcomeOf(err, comp), PromptTokens: comp.PromptTokens, CompletionTokens: comp.CompletionTokens,
			CacheHitTokens: comp.CacheHitTokens, Latency: p.cfg.Now().Sub(began), Start: began,
		}}
	}
	total := new(big.Rat)
	for _, a := range comp.Attempts {
		c, _ := p.cfg.Prices.cost(p.cfg.Model, a.CacheHitTokens, max(a.PromptTokens-a.CacheHitTokens, 0), a.CompletionTokens, a.Start)
		total.Add(total, c)
	}
	p.budget.settle(bound, total)

	if ctx.Err() != nil {
		p.breaker.release(probe)
	} else if p.breaker.record(probe, breakerReason(err)) {
		p.cfg.Logger.WarnContext(ctx, "llm circuit breaker open; the fallback serves the batches until a probe call succeeds", "doc_id", req.Document.DocID, "reason", breakerReason(err), "cool_down", p.cfg.BreakerCoolDown, "err", err)
	}
	return comp, err
}

// Call outcomes set by the provider itself.
const (
	outcomeOK          = "ok"
	outcomeCached      = "cached"
	outcomeBudget      = "budget"
	outcomeInvalidJSON = "invalid_json"
)

// outcomeOf returns the outcome of a call from a Completer that reports no
// attempts.
func outcomeOf(err error, comp Completion) string {
	var status interface{ HTTPStatus() int }
	switch {
	case err == nil:
		return outcomeOK
	case comp.FinishReason == "length":
		return "truncated"
	case errors.As(err, &status) && status.HTTPStatus() >= 500:
		return "http_5xx"
	case errors.As(err, &status):
		return "http_4xx"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	}
	return "transport"
}

type batch struct{ first, n int }

// batches groups consecutive chunks up to maxBytes of rendered text each;
// a chunk over the limit forms a batch of its own.
func batches(texts []string, maxBytes int) []batch {
	var out []batch
	size := 0
	for i, t := range texts {
		if len(out) == 0 || size+len(t) > maxBytes {
			out = append(out, batch{first: i})
			size = 0
		}
		out[len(out)-1].n++
		size += len(t)
	}
	return out
}

func merge(dst *passes.Response, src passes.Response) {
	dst.Risks = append(dst.Risks, src.Risks...)
	dst.Metrics = append(dst.Metrics, src.Metrics...)
	dst.Guidance = append(dst.Guidance, src.Guidance...)
}
