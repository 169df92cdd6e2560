package passes

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/finx-dev/finx/extractors/sections"
	"github.com/finx-dev/finx/schemas"
)

// normalizedConfidence is the confidence below which a candidate whose quote
// matched only after normalisation is needs_review.
const normalizedConfidence = 0.8

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
func Run(ctx context.Context, doc *schemas.Document, p Provider, cfg Config) (*schemas.Result, error) {
	if doc == nil {
		return nil, ErrNoDocument
	}
	if p == nil {
		return nil, ErrNoProvider
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	began := cfg.Now()

	secs := doc.Sections
	if len(secs) == 0 {
		var err error
		if secs, err = sections.FindContext(ctx, doc); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := &runner{
		doc:      doc,
		secs:     secs,
		provider: p,
		cfg:      cfg,
		loc:      newLocator(doc),
		seen:     map[string]bool{},
	}
	for _, kind := range []Kind{KindRisk, KindMetric, KindGuidance} {
		if err := r.runKind(ctx, kind); err != nil {
			return nil, err
		}
	}
	r.fillRiskBodies()

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
	for _, s := range secs {
		res.Sections = append(res.Sections, schemas.SectionSummary{ID: s.ID, Title: s.Title, Start: s.Start, End: s.End, Page: s.Page})
	}
	res.Warnings = append(append([]string{}, doc.Warnings...), r.warnings()...)
	res.Stats = r.stats
	res.Stats.TextBytes = len(doc.Text)
	end := cfg.Now()
	res.ExtractedAt = end
	res.Stats.DurationMS = max(end.Sub(began).Milliseconds(), 0)
	res.FillEmpty()
	return res, nil
}

// runner holds the state of one Run.
type runner struct {
	doc      *schemas.Document
	secs     []schemas.Section
	provider Provider
	cfg      Config
	loc      *locator
	checker  *factChecker

	stats     schemas.Stats
	seen      map[string]bool
	risks     []schemas.Risk
	metrics   []schemas.Metric
	guidance  []schemas.Guidance
	malformed map[Kind]int
	dimCapped int
	noRisk    bool
	// dimensional counts the metrics with dimensions, and factPeriods holds
	// the metric and period end of each XBRL metric without dimensions, so
	// that adding a metric does not scan the metrics found before it.
	dimensional int
	factPeriods map[string]bool
}

func (r *runner) runKind(ctx context.Context, kind Kind) error {
	chunks := Select(r.doc, r.secs, kind, r.cfg.ChunkBytes)
	if kind == KindRisk && len(chunks) == 0 && findSection(r.secs, "item_1") != nil {
		r.noRisk = true
	}
	if len(chunks) == 0 && (kind != KindMetric || len(r.doc.Facts) == 0) {
		return nil
	}
	passes := []Pass{PassPrimary}
	if !r.cfg.NoRecall {
		passes = append(passes, PassRecall)
	}
	for _, pass := range passes {
		if err := ctx.Err(); err != nil {
			return err
		}
		req := Request{Kind: kind, Pass: pass, Chunks: chunks, Document: r.doc}
		if pass == PassRecall {
			req.Known = r.known(kind)
		}
		resp, err := r.provider.Extract(ctx, req)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return ctxErr
			}
			return &ProviderError{Provider: r.provider.Name(), Kind: kind, Pass: pass, DocID: r.doc.DocID, Err: err}
		}
		n := 0
		switch kind {
		case KindRisk:
			n = len(resp.Risks)
			for i := range resp.Risks {
				if err := checkContext(ctx, i); err != nil {
					return err
				}
				r.addRisk(&resp.Risks[i], chunks)
			}
		case KindMetric:
			n = len(resp.Metrics)
			for i := range resp.Metrics {
				if err := checkContext(ctx, i); err != nil {
					return err
				}
				r.addMetric(&resp.Metrics[i], chunks)
			}
		case KindGuidance:
			n = len(resp.Guidance)
			for i := range resp.Guidance {
				if err := checkContext(ctx, i); err != nil {
					return err
				}
				r.addGuidance(&resp.Guidance[i], chunks)
			}
		}
		r.cfg.Logger.DebugContext(ctx, "pass done", "doc_id", r.doc.DocID, "kind", string(kind), "pass", string(pass), "chunks", len(chunks), "candidates", n)
	}
	return nil
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

// status returns an item's status and, for needs_review, the reason: the
// first problem the caller found (reason), else low confidence, else a quote
// that matched only after normalisation.
func (r *runner) status(conf float64, match string, reason string) (string, string) {
	switch {
	case reason != "":
		return schemas.StatusNeedsReview, reason
	case conf < r.cfg.ReviewBelow:
		return schemas.StatusNeedsReview, "low_confidence"
	case match == schemas.MatchNormalized && conf < normalizedConfidence:
		return schemas.StatusNeedsReview, "normalized_quote"
	}
	return schemas.StatusAccepted, ""
}

// firstReason keeps the reason already found, else takes next.
func firstReason(reason, next string) string {
	if reason != "" {
		return reason
	}
	return next
}

func (r *runner) addRisk(c *RiskCandidate, chunks []Chunk) {
	if strings.TrimSpace(c.Quote) == "" {
		r.drop(KindRisk)
		return
	}
	cit, section, ok := r.cite(c.Quote, c.Hint, chunks)
	if !ok {
		return
	}

	heading := strings.Join(strings.Fields(cit.Quote), " ")
	id := ItemID(r.doc.DocID, KindRisk, riskKey(heading))
	if !r.claim(id) {
		return
	}

	conf := clamp01(c.Confidence)
	category, severity := c.Category, c.Severity
	reason := ""
	if !riskCategories[category] {
		category, reason = "other", "unknown_category"
	}
	if !severities[severity] {
		severity, reason = "low", firstReason(reason, "unknown_severity")
	}
	status, review := r.status(conf, cit.Match, reason)
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
		Provider:       r.provider.Name(),
	})
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

func (r *runner) addMetric(c *MetricCandidate, chunks []Chunk) {
	if strings.TrimSpace(c.Quote) == "" || !decimalRe.MatchString(c.Value) {
		r.drop(KindMetric)
		return
	}
	if len(c.Dimensions) > 0 && r.countDimensional() >= r.cfg.MaxDimensional {
		r.dimCapped++
		return
	}
	cit, _, ok := r.cite(c.Quote, c.Hint, chunks)
	if !ok {
		return
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
		Confidence:  clamp01(c.Confidence),
		Provider:    r.provider.Name(),
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
		m.XBRLCheck = r.checker.check(&m)
	}
	if m.XBRLCheck == "disagree" {
		reason = firstReason(reason, "xbrl_disagree")
	}
	if m.PeriodType == "unknown" {
		reason = firstReason(reason, "unknown_period")
	}
	m.Status, m.ReviewReason = r.status(m.Confidence, cit.Match, reason)

	if m.Source != "ixbrl" && m.XBRLCheck == "agree" && r.hasFact(&m) {
		// The XBRL fact already grounds this figure.
		return
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
		return
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
}

// hasFact reports whether an XBRL metric without dimensions of the same
// metric and period end was emitted.
func (r *runner) hasFact(m *schemas.Metric) bool {
	return r.factPeriods[m.Metric+"|"+m.PeriodEnd]
}

func (r *runner) countDimensional() int {
	return r.dimensional
}

func (r *runner) addGuidance(c *GuidanceCandidate, chunks []Chunk) {
	if strings.TrimSpace(c.Quote) == "" || !decimalRe.MatchString(c.Low) || !decimalRe.MatchString(c.High) {
		r.drop(KindGuidance)
		return
	}
	if (c.PriorLow != "" && !decimalRe.MatchString(c.PriorLow)) || (c.PriorHigh != "" && !decimalRe.MatchString(c.PriorHigh)) {
		r.drop(KindGuidance)
		return
	}
	cit, _, ok := r.cite(c.Quote, c.Hint, chunks)
	if !ok {
		return
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
		Confidence: clamp01(c.Confidence),
		Provider:   r.provider.Name(),
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
	g.Status, g.ReviewReason = r.status(g.Confidence, cit.Match, reason)
	g.ID = ItemID(r.doc.DocID, KindGuidance, guidanceKey(&g))
	if !r.claim(g.ID) {
		return
	}
	r.guidance = append(r.guidance, g)
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
	return out
}

func clamp01(x float64) float64 {
	return min(max(x, 0), 1)
}
