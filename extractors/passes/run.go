package passes

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/finx-dev/finx/extractors/sections"
	"github.com/finx-dev/finx/schemas"
)

var decimalRe = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

var (
	riskCategories = set("market", "credit", "liquidity", "operational", "supply_chain", "regulatory_legal", "cybersecurity", "competition", "macroeconomic", "geopolitical", "technology", "climate_esg", "other")
	severities     = set("low", "medium", "high")
	periodTypes    = set("duration", "instant", "unknown")
	metricSources  = set("ixbrl", "table", "text")
	bases          = set("gaap", "non_gaap", "constant_currency", "organic", "unspecified")
	directions     = set("initiated", "raised", "lowered", "maintained", "withdrawn", "unspecified")
)

func set(vals ...string) map[string]bool {
	m := make(map[string]bool, len(vals))
	for _, v := range vals {
		m[v] = true
	}
	return m
}

// Run extracts risks, metrics and guidance from doc with p and returns a
// complete Result that passes schemas.Marshal(schemas.SchemaResult, ...). It
// uses doc.Sections when set, else sections.Find. Run never changes doc.
// It returns a *ProviderError when the provider fails, and ctx.Err() when ctx
// ends: Run checks ctx between passes and every checkEvery candidates, and
// returns ctx.Err() in place of the provider's error once ctx has ended.
//
// With Config.History set, Run also compares the risks and guidance with the
// company's previous filing and records this one. A history failure is
// logged and leaves a result warning, because the extraction succeeded.
func Run(ctx context.Context, doc *schemas.Document, p Provider, cfg Config) (*schemas.Result, error) {
	res, _, err := RunReport(ctx, doc, p, cfg)
	return res, err
}

// RunReport is Run that also returns a Report: the text each pass selected
// and the fate of its candidates.
func RunReport(ctx context.Context, doc *schemas.Document, p Provider, cfg Config) (*schemas.Result, *Report, error) {
	res, r, err := run(ctx, doc, p, cfg)
	if err != nil {
		return nil, nil, err
	}
	return res, r.report, nil
}

func run(ctx context.Context, doc *schemas.Document, p Provider, cfg Config) (*schemas.Result, *runner, error) {
	if doc == nil {
		return nil, nil, ErrNoDocument
	}
	if p == nil {
		return nil, nil, ErrNoProvider
	}
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	cfg = cfg.withDefaults()
	began := cfg.Now()

	secs := doc.Sections
	if len(secs) == 0 {
		var err error
		if secs, err = sections.FindContext(ctx, doc); err != nil {
			return nil, nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	r := &runner{
		doc:      doc,
		secs:     secs,
		provider: p,
		cfg:      cfg,
		loc:      newLocator(doc),
		seen:     map[string]bool{},
		report:   &Report{Dropped: map[Kind]int{}},
	}
	if pv, ok := p.(Provenancer); ok {
		r.prov = pv.Provenance()
	}
	rec, _ := p.(CallRecorder)
	if err := r.runPasses(ctx); err != nil {
		if rec != nil {
			rec.EndDocument(doc.DocID, r.ownRejected)
		}
		return nil, nil, err
	}
	r.fillRiskBodies()
	r.markConflicts()

	res := &schemas.Result{
		SchemaVersion: schemas.SchemaVersion,
		Filing:        doc.Filing,
		Pages:         len(doc.Pages),
		PagesWithText: doc.PagesWithText,
		Risks:         r.risks,
		Metrics:       r.metrics,
		Guidance:      r.guidance,
		Provider:      p.Name(),
	}
	if rec != nil {
		res.Provenance, res.LLMCalls = rec.EndDocument(doc.DocID, r.ownRejected)
	} else {
		res.Provenance = r.resultProvenance()
	}
	for _, s := range secs {
		res.Sections = append(res.Sections, schemas.SectionSummary{ID: s.ID, Title: s.Title, Start: s.Start, End: s.End, Page: s.Page})
	}
	res.Warnings = append(append([]string{}, doc.Warnings...), r.warnings()...)
	if err := applyHistory(ctx, cfg.History, doc, res, r.withdrawals); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, nil, ctxErr
		}
		r.report.HistoryErr = err
		cfg.Logger.ErrorContext(ctx, "history failed", "doc_id", doc.DocID, "err", err)
		res.Warnings = append(res.Warnings, "passes: no comparison with earlier filings: "+err.Error())
	}
	res.Stats = r.stats
	res.Stats.TextBytes = len(doc.Text)
	for _, n := range r.report.Dropped {
		res.Stats.Dropped += n
	}
	res.Selections = resultSelections(r.report.Selections)
	end := cfg.Now()
	res.ExtractedAt = end
	res.Stats.DurationMS = max(end.Sub(began).Milliseconds(), 0)
	res.FillEmpty()
	return res, r, nil
}

// resultSelections converts the report's selections for the Result, so that
// each stored result records what every pass read.
func resultSelections(sels []Selection) []schemas.Selection {
	out := make([]schemas.Selection, 0, len(sels))
	for _, s := range sels {
		secs := append([]string{}, s.Sections...)
		spans := append([][2]int{}, s.Spans...)
		out = append(out, schemas.Selection{
			Kind: string(s.Kind), Pass: string(s.Pass),
			Sections: secs, Spans: spans, Bytes: s.Bytes,
			Candidates: s.Candidates, Added: s.Added, Duplicates: s.Duplicates,
			Rejected: s.Rejected, Dropped: s.Dropped,
		})
	}
	return out
}

// resultProvenance returns the provider's provenance, else that of the first
// item, with the first degraded reason of any item when it has none.
func (r *runner) resultProvenance() schemas.Provenance {
	prov := r.prov
	var items []schemas.Provenance
	for _, x := range r.risks {
		items = append(items, x.Provenance)
	}
	for _, x := range r.metrics {
		items = append(items, x.Provenance)
	}
	for _, x := range r.guidance {
		items = append(items, x.Provenance)
	}
	for _, it := range items {
		if prov.Model == "" && prov.PromptVersion == "" {
			prov.Model, prov.PromptVersion = it.Model, it.PromptVersion
		}
		if prov.Degraded == "" && it.Degraded != "" {
			prov.Degraded = it.Degraded
		}
	}
	return prov
}

// provenanceOf returns the provenance of an item with origin o: its own,
// else the provider's.
func (r *runner) provenanceOf(o Origin) schemas.Provenance {
	if o.Provenance != (schemas.Provenance{}) {
		return o.Provenance
	}
	return r.prov
}

// runner holds the state of one Run.
type runner struct {
	doc      *schemas.Document
	secs     []schemas.Section
	provider Provider
	cfg      Config
	loc      *locator
	checker  *factChecker

	report *Report
	// withdrawals wait for the history, which contains the values they
	// withdraw.
	withdrawals []withdrawal
	// prov is the provider's Provenancer value; zero without one.
	prov      schemas.Provenance
	stats     schemas.Stats
	seen      map[string]bool
	risks     []schemas.Risk
	metrics   []schemas.Metric
	guidance  []schemas.Guidance
	malformed map[Kind]int
	dimCapped int
	noRisk    bool
	// ownRejected counts rejected candidates of the provider itself, for
	// CallRecorder.EndDocument.
	ownRejected int
	// dimensional counts the metrics with dimensions, and factPeriods holds
	// the metric and period end of each XBRL metric without dimensions, so
	// that adding a metric does not scan the metrics found before it.
	dimensional int
	factPeriods map[string]bool
}

// runPasses runs the primary pass of every kind, then the recall pass of
// every kind. The requests of one pass are issued concurrently, because
// they do not depend on each other and an LLM provider spends most of its
// time waiting. The candidates are then verified in the fixed kind order, so
// the result does not depend on which request returns first.
func (r *runner) runPasses(ctx context.Context) error {
	var kinds []Kind
	chunks := map[Kind][]Chunk{}
	for _, kind := range []Kind{KindRisk, KindMetric, KindGuidance} {
		c := Select(r.doc, r.secs, kind, r.cfg.ChunkBytes)
		if kind == KindRisk && len(c) == 0 && findSection(r.secs, "item_1") != nil {
			r.noRisk = true
		}
		if len(c) == 0 && (kind != KindMetric || len(r.doc.Facts) == 0) {
			continue
		}
		kinds = append(kinds, kind)
		chunks[kind] = c
	}
	passes := []Pass{PassPrimary}
	if !r.cfg.NoRecall {
		passes = append(passes, PassRecall)
	}
	for _, pass := range passes {
		if err := ctx.Err(); err != nil {
			return err
		}
		reqs := make([]Request, len(kinds))
		for i, kind := range kinds {
			reqs[i] = Request{Kind: kind, Pass: pass, Chunks: chunks[kind], Document: r.doc}
			if pass == PassRecall {
				reqs[i].Known = r.known(kind)
			}
		}
		resps, err := r.extractAll(ctx, reqs)
		if err != nil {
			return err
		}
		for i, req := range reqs {
			if err := r.addAll(ctx, req, resps[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// extractAll sends reqs to the provider concurrently and waits for every
// response. It returns the error of the first failed request in reqs order.
func (r *runner) extractAll(ctx context.Context, reqs []Request) ([]Response, error) {
	resps := make([]Response, len(reqs))
	errs := make([]error, len(reqs))
	var wg sync.WaitGroup
	for i := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resps[i], errs[i] = r.provider.Extract(ctx, reqs[i])
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err == nil {
			continue
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, &ProviderError{Provider: r.provider.Name(), Kind: reqs[i].Kind, Pass: reqs[i].Pass, DocID: r.doc.DocID, Err: err}
	}
	return resps, nil
}

// addAll verifies and adds the candidates of one response.
func (r *runner) addAll(ctx context.Context, req Request, resp Response) error {
	sel := newSelection(req.Kind, req.Pass, req.Chunks)
	switch req.Kind {
	case KindRisk:
		sel.Candidates = len(resp.Risks)
		for i := range resp.Risks {
			if err := checkContext(ctx, i); err != nil {
				return err
			}
			sel.count(r.addRisk(&resp.Risks[i], req.Chunks))
		}
	case KindMetric:
		sel.Candidates = len(resp.Metrics)
		for i := range resp.Metrics {
			if err := checkContext(ctx, i); err != nil {
				return err
			}
			sel.count(r.addMetric(&resp.Metrics[i], req.Chunks))
		}
	case KindGuidance:
		sel.Candidates = len(resp.Guidance)
		for i := range resp.Guidance {
			if err := checkContext(ctx, i); err != nil {
				return err
			}
			sel.count(r.addGuidance(&resp.Guidance[i], req.Chunks))
		}
	}
	r.report.Selections = append(r.report.Selections, sel)
	r.report.Dropped[req.Kind] += sel.Dropped
	r.cfg.Logger.DebugContext(ctx, "pass done", "doc_id", r.doc.DocID, "kind", string(req.Kind), "pass", string(req.Pass),
		"chunks", len(req.Chunks), "bytes", sel.Bytes, "candidates", sel.Candidates, "added", sel.Added, "duplicates", sel.Duplicates, "dropped", sel.Dropped)
	return nil
}

// providerOf returns the Provider field of an item with origin o.
func (r *runner) providerOf(o Origin) string {
	if o.Provider == "" {
		return r.provider.Name()
	}
	return o.Provider
}

// rejected counts a candidate whose quote was not found when it came from
// the provider itself, as opposed to its fallback.
func (r *runner) rejected(o Origin) {
	if o.Provider == "" || o.Provider == r.provider.Name() {
		r.ownRejected++
	}
}

// checkEvery is how many candidates Run verifies between checks of ctx.
// Verifying one takes microseconds, unless its quote must be normalised.
const checkEvery = 256

// checkContext returns ctx.Err() on every checkEvery-th candidate i.
func checkContext(ctx context.Context, i int) error {
	if i%checkEvery != 0 {
		return nil
	}
	return ctx.Err()
}

// known returns the quotes of the items of kind found so far.
func (r *runner) known(kind Kind) []string {
	var out []string
	switch kind {
	case KindRisk:
		for _, x := range r.risks {
			out = append(out, x.Citation.Quote)
		}
	case KindMetric:
		for _, x := range r.metrics {
			out = append(out, x.Citation.Quote)
		}
	case KindGuidance:
		for _, x := range r.guidance {
			out = append(out, x.Citation.Quote)
		}
	}
	return out
}

// cite looks up a candidate's quote, preferring its chunk, and counts the
// outcome in the stats.
func (r *runner) cite(quote string, h Hint, chunks []Chunk) (schemas.Citation, string, bool) {
	r.stats.CitationsChecked++
	lo, hi := 0, len(r.doc.Text)
	section := ""
	if h.Chunk >= 0 && h.Chunk < len(chunks) {
		lo, hi = chunks[h.Chunk].Offset, chunks[h.Chunk].End()
		section = chunks[h.Chunk].Section
	}
	start, end, match, ok := r.loc.Locate(quote, lo, hi, h.Offset)
	if !ok {
		r.stats.Rejected++
		return schemas.Citation{}, "", false
	}
	r.stats.CitationsVerified++
	if section == "" || start < lo || start >= hi {
		section = r.sectionAt(start)
	}
	return r.loc.Cite(start, end, match), section, true
}

// sectionAt returns the ID of the innermost section holding off: the
// shortest one, since an outlook section may lie inside an item.
func (r *runner) sectionAt(off int) string {
	id, size := "", -1
	for _, s := range r.secs {
		if off >= s.Start && off < s.End && (size < 0 || s.End-s.Start < size) {
			id, size = s.ID, s.End-s.Start
		}
	}
	return id
}

func (r *runner) drop(kind Kind) {
	if r.malformed == nil {
		r.malformed = map[Kind]int{}
	}
	r.malformed[kind]++
}

// claim records id and reports whether it was new.
func (r *runner) claim(id string) bool {
	if r.seen[id] {
		return false
	}
	r.seen[id] = true
	return true
}

// Weights of the evidence that grade applies to a provider's confidence.
const (
	// xbrlAgreeWeight closes this share of the gap to 1 for a figure that
	// equals the filer's XBRL fact for the same metric and period.
	xbrlAgreeWeight = 0.5
	// xbrlDisagreeFactor scales the confidence of a figure that differs
	// from that fact.
	xbrlDisagreeFactor = 0.5
	// normalizedFactor scales the confidence of a quote found only after
	// normalising whitespace, quote marks, dashes and ligatures.
	normalizedFactor = 0.9
)

// evidence is the outcome of the checks the passes ran on a candidate. The
// provider's confidence, the strength of its pattern, is graded apart.
type evidence struct {
	// match is the citation's match kind.
	match string
	// xbrl is the metric's XBRLCheck; empty for risks and guidance.
	xbrl string
	// reason is the first problem found with the candidate's fields.
	reason string
}

// grade returns an item's confidence, status and review reason from the
// provider's confidence and the evidence, or keep false when the candidate
// falls below Config.ReviewMin and is dropped. A quote that matched only
// after normalisation is never accepted. A figure that disagrees with XBRL
// is kept for review at any confidence, since the disagreement is the news.
func (r *runner) grade(base float64, ev evidence) (conf float64, status, reason string, keep bool) {
	conf = clamp01(base)
	reason = ev.reason
	switch ev.xbrl {
	case "agree":
		conf += (1 - conf) * xbrlAgreeWeight
	case "disagree":
		conf *= xbrlDisagreeFactor
		reason = firstReason(reason, "xbrl_disagree")
	}
	if ev.match == schemas.MatchNormalized {
		conf *= normalizedFactor
	}
	// Four decimals keep results stable across platforms and readable.
	conf = math.Round(conf*1e4) / 1e4
	if conf < r.cfg.ReviewMin && ev.xbrl != "disagree" {
		return conf, "", "", false
	}
	switch {
	case reason != "":
		return conf, schemas.StatusNeedsReview, reason, true
	case conf < r.cfg.AcceptMin:
		return conf, schemas.StatusNeedsReview, "low_confidence", true
	case ev.match == schemas.MatchNormalized:
		return conf, schemas.StatusNeedsReview, "normalized_quote", true
	}
	return conf, schemas.StatusAccepted, "", true
}

// firstReason keeps the reason already found, else takes next.
func firstReason(reason, next string) string {
	if reason != "" {
		return reason
	}
	return next
}

func (r *runner) addRisk(c *RiskCandidate, chunks []Chunk) outcome {
	if strings.TrimSpace(c.Quote) == "" {
		r.drop(KindRisk)
		return outMalformed
	}
	cit, section, ok := r.cite(c.Quote, c.Hint, chunks)
	if !ok {
		r.rejected(c.Origin)
		return outRejected
	}

	heading := strings.Join(strings.Fields(cit.Quote), " ")
	id := ItemID(r.doc.DocID, KindRisk, riskKey(heading))
	if r.seen[id] {
		return outDuplicate
	}

	category, severity := c.Category, c.Severity
	reason := ""
	if !riskCategories[category] {
		category, reason = "other", "unknown_category"
	}
	if !severities[severity] {
		severity, reason = "low", firstReason(reason, "unknown_severity")
	}
	conf, status, review, keep := r.grade(c.Confidence, evidence{match: cit.Match, reason: reason})
	if !keep {
		return outDropped
	}
	r.claim(id)
	r.risks = append(r.risks, schemas.Risk{
		ID:             id,
		Heading:        heading,
		Category:       category,
		Severity:       severity,
		SeverityReason: c.SeverityReason,
		Section:        section,
		Citation:       cit,
		Status:         status,
		ReviewReason:   review,
		Confidence:     conf,
		Provider:       r.providerOf(c.Origin),
		Provenance:     r.provenanceOf(c.Origin),
	})
	return outAdded
}

// fillRiskBodies sets each risk's body: from the end of its heading to the
// next risk heading in the same section, or to the end of the section.
func (r *runner) fillRiskBodies() {
	sort.SliceStable(r.risks, func(i, j int) bool { return r.risks[i].Citation.Start < r.risks[j].Citation.Start })
	for i := range r.risks {
		rk := &r.risks[i]
		end := len(r.doc.Text)
		if s := findSection(r.secs, rk.Section); s != nil {
			end = s.End
		}
		if i+1 < len(r.risks) && r.risks[i+1].Citation.Start < end {
			end = r.risks[i+1].Citation.Start
		}
		rk.BodyStart = rk.Citation.End
		rk.BodyEnd = max(end, rk.BodyStart)
	}
}

func (r *runner) addMetric(c *MetricCandidate, chunks []Chunk) outcome {
	if strings.TrimSpace(c.Quote) == "" || !decimalRe.MatchString(c.Value) {
		r.drop(KindMetric)
		return outMalformed
	}
	if len(c.Dimensions) > 0 && r.countDimensional() >= r.cfg.MaxDimensional {
		r.dimCapped++
		return outCapped
	}
	cit, _, ok := r.cite(c.Quote, c.Hint, chunks)
	if !ok {
		r.rejected(c.Origin)
		return outRejected
	}
	m := schemas.Metric{
		Metric:      c.Metric,
		Label:       c.Label,
		Concept:     c.Concept,
		Value:       c.Value,
		Display:     c.Display,
		Scale:       c.Scale,
		Unit:        c.Unit,
		Currency:    c.Currency,
		PeriodType:  c.PeriodType,
		PeriodStart: c.PeriodStart,
		PeriodEnd:   c.PeriodEnd,
		Dimensions:  c.Dimensions,
		Source:      c.Source,
		Citation:    cit,
		Provider:    r.providerOf(c.Origin),
		Provenance:  r.provenanceOf(c.Origin),
	}
	reason := ""
	if m.Metric == "" {
		m.Metric, reason = MetricOther, "unknown_metric"
	}
	if m.Display == "" {
		m.Display = strings.TrimSpace(cit.Quote)
	}
	if !periodTypes[m.PeriodType] {
		m.PeriodType, m.PeriodStart, m.PeriodEnd = "unknown", "", ""
	}
	if !metricSources[m.Source] {
		m.Source, reason = "text", firstReason(reason, "unknown_source")
	}
	if m.Source == "ixbrl" {
		m.XBRLCheck = "not_applicable"
	} else {
		if r.checker == nil {
			r.checker = newFactChecker(r.doc.Facts)
		}
		var xbrlReason string
		m.XBRLCheck, xbrlReason = r.checker.check(&m)
		reason = firstReason(reason, xbrlReason)
	}
	if m.PeriodType == "unknown" && m.XBRLCheck != "disagree" {
		reason = firstReason(reason, "unknown_period")
	}
	if m.Source != "ixbrl" && m.XBRLCheck == "agree" && r.hasFact(&m) {
		// The XBRL fact already grounds this figure.
		return outCovered
	}
	if c.ReviewReason != "" && m.XBRLCheck != "disagree" && (reason == "" || reason == "unknown_period") {
		// The provider's cause is more precise than a missing period.
		reason = c.ReviewReason
	}
	var keep bool
	m.Confidence, m.Status, m.ReviewReason, keep = r.grade(c.Confidence, evidence{match: cit.Match, xbrl: m.XBRLCheck, reason: reason})
	if !keep {
		return outDropped
	}
	key := metricKey(&m)
	m.ID = ItemID(r.doc.DocID, KindMetric, key)
	if r.seen[m.ID] && m.XBRLCheck == "disagree" {
		// Keep a figure that contradicts the XBRL fact next to it, for review.
		m.ID = ItemID(r.doc.DocID, KindMetric, key+"|"+m.Source+"|"+m.Value)
	}
	if r.seen[m.ID] && m.Source == "ixbrl" {
		// Two concepts of one metric and period, such as Revenues and
		// RevenueFromContractWithCustomer..., are both kept.
		m.ID = ItemID(r.doc.DocID, KindMetric, key+"|"+m.Concept)
	}
	if !r.claim(m.ID) {
		return outDuplicate
	}
	r.metrics = append(r.metrics, m)
	if len(m.Dimensions) > 0 {
		r.dimensional++
	} else if m.Source == "ixbrl" {
		if r.factPeriods == nil {
			r.factPeriods = map[string]bool{}
		}
		r.factPeriods[m.Metric+"|"+m.PeriodEnd] = true
	}
	return outAdded
}

// hasFact reports whether an XBRL metric without dimensions of the same
// metric and period end was emitted.
func (r *runner) hasFact(m *schemas.Metric) bool {
	return r.factPeriods[m.Metric+"|"+m.PeriodEnd]
}

func (r *runner) countDimensional() int {
	return r.dimensional
}

func (r *runner) addGuidance(c *GuidanceCandidate, chunks []Chunk) outcome {
	if isWithdrawal(c) {
		return r.addWithdrawal(c, chunks)
	}
	if strings.TrimSpace(c.Quote) == "" || !decimalRe.MatchString(c.Low) || !decimalRe.MatchString(c.High) {
		r.drop(KindGuidance)
		return outMalformed
	}
	if (c.PriorLow != "" && !decimalRe.MatchString(c.PriorLow)) || (c.PriorHigh != "" && !decimalRe.MatchString(c.PriorHigh)) {
		r.drop(KindGuidance)
		return outMalformed
	}
	cit, _, ok := r.cite(c.Quote, c.Hint, chunks)
	if !ok {
		r.rejected(c.Origin)
		return outRejected
	}

	g := schemas.Guidance{
		Metric:     c.Metric,
		Label:      c.Label,
		Period:     c.Period,
		Low:        c.Low,
		High:       c.High,
		Scale:      c.Scale,
		Unit:       c.Unit,
		Currency:   c.Currency,
		Basis:      c.Basis,
		Direction:  c.Direction,
		PriorLow:   c.PriorLow,
		PriorHigh:  c.PriorHigh,
		Citation:   cit,
		Provider:   r.providerOf(c.Origin),
		Provenance: r.provenanceOf(c.Origin),
	}

	reason := ""
	if g.Period == "" {
		reason = "unknown_period"
	}
	if g.Metric == "" {
		g.Metric, reason = MetricOther, firstReason(reason, "unknown_metric")
	}
	if !bases[g.Basis] {
		g.Basis = "unspecified"
	}
	if !directions[g.Direction] {
		g.Direction = "unspecified"
	}
	g.ID = ItemID(r.doc.DocID, KindGuidance, guidanceKey(&g))
	if r.seen[g.ID] {
		if !r.mergeDuplicate(&g) {
			return outDuplicate
		}
		g.ID = ItemID(r.doc.DocID, KindGuidance, guidanceKey(&g)+"|"+keyText(cit.Quote))
		if r.seen[g.ID] {
			return outDuplicate
		}
		reason = firstReason(reason, reasonRepeatedTarget)
	}
	var keep bool
	g.Confidence, g.Status, g.ReviewReason, keep = r.grade(c.Confidence, evidence{match: cit.Match, reason: reason})
	if !keep {
		return outDropped
	}
	r.claim(g.ID)
	r.guidance = append(r.guidance, g)
	return outAdded
}

func (r *runner) warnings() []string {
	var out []string
	if r.noRisk {
		out = append(out, "passes: no risk factor section (Item 1A) found")
	}
	for _, kind := range []Kind{KindRisk, KindMetric, KindGuidance} {
		if n := r.malformed[kind]; n > 0 {
			out = append(out, fmt.Sprintf("passes: dropped %d malformed %s candidates from provider %s", n, kind, r.provider.Name()))
		}
	}
	if r.dimCapped > 0 {
		out = append(out, fmt.Sprintf("passes: dropped %d dimensional metrics over the limit of %d", r.dimCapped, r.cfg.MaxDimensional))
	}
	for _, kind := range []Kind{KindRisk, KindMetric, KindGuidance} {
		if n := r.report.Dropped[kind]; n > 0 {
			out = append(out, fmt.Sprintf("passes: dropped %d %s candidates with confidence below %g", n, kind, r.cfg.ReviewMin))
		}
	}
	return out
}

func clamp01(x float64) float64 {
	return min(max(x, 0), 1)
}
