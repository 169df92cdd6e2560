package pipeline

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/finx-dev/finx/schemas"
)

// Metrics holds the collectors of all stages; a nil *Metrics records nothing.
type Metrics struct {
	received      *prometheus.CounterVec
	messages      *prometheus.CounterVec
	seconds       *prometheus.HistogramVec
	deadLetters   *prometheus.CounterVec
	parseFailures *prometheus.CounterVec
	checked       prometheus.Counter
	verified      prometheus.Counter
	rejected      prometheus.Counter
	xbrlChecks    *prometheus.CounterVec
	items         *prometheus.CounterVec
}

// Values of the result label of finx_pipeline_xbrl_checks_total: the
// Metric.XBRLCheck enum of the result schema.
var xbrlCheckResults = []string{"agree", "disagree", "no_fact", "not_applicable"}

// extractReasons are the extract-stage reasons that the stage itself assigns
// to a failed Extractor call. Every other reason on such a failure comes from
// the error (a parser's code such as not_html or no_text), so it counts as a
// parse failure.
var extractReasons = map[string]bool{"extract_failed": true, "extract_timeout": true, "panic": true}

// NewMetrics registers the pipeline's collectors on reg. A nil reg returns
// nil, and stages then record nothing.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	if reg == nil {
		return nil, nil
	}
	m := &Metrics{
		received: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "finx_pipeline_messages_received_total",
			Help: "Messages from the input topic that a stage began to handle, by stage; finx_pipeline_messages_total counts how they ended.",
		}, []string{"stage"}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "finx_pipeline_messages_total",
			Help: "Messages handled by a stage, by outcome (ok, dead_letter, skipped).",
		}, []string{"stage", "outcome"}),
		seconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "finx_pipeline_stage_seconds",
			Help:    "Time a stage spent on one message or batch, in seconds.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 14),
		}, []string{"stage"}),
		deadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "finx_pipeline_dead_letters_total",
			Help: "Messages sent to the dead-letter topic, by stage and reason code.",
		}, []string{"stage", "reason"}),
		parseFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "finx_pipeline_parse_failures_total",
			Help: "Documents the extract stage dead-lettered because they could not be parsed, by the parser's reason code.",
		}, []string{"reason"}),
		checked: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "finx_pipeline_citations_checked_total",
			Help: "Candidate items whose quote the citation check looked up in the document text.",
		}),
		verified: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "finx_pipeline_citations_verified_total",
			Help: "Candidate items whose quote was found in the document text; divided by finx_pipeline_citations_checked_total it is the grounding rate.",
		}),
		rejected: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "finx_pipeline_quotes_rejected_total",
			Help: "Candidate items dropped because their quote was not found in the document text.",
		}),
		xbrlChecks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "finx_pipeline_xbrl_checks_total",
			Help: "Extracted metrics by the comparison of their figure with the filing's inline XBRL fact (agree, disagree, no_fact, not_applicable).",
		}, []string{"result"}),
		items: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "finx_pipeline_items_total",
			Help: "Items in published results, by kind (risk, metric, guidance) and status (accepted, needs_review, rejected).",
		}, []string{"kind", "status"}),
	}
	collectors := []prometheus.Collector{
		m.received, m.messages, m.seconds, m.deadLetters, m.parseFailures,
		m.checked, m.verified, m.rejected, m.xbrlChecks, m.items,
	}
	for _, c := range collectors {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("pipeline: register metrics: %w", err)
		}
	}

	// Series with a fixed label set start at zero, so that a rate or a ratio
	// over them exists before the first event.
	for _, r := range xbrlCheckResults {
		m.xbrlChecks.WithLabelValues(r)
	}
	for _, kind := range []string{schemas.KindRisk, schemas.KindMetric, schemas.KindGuidance} {
		for _, status := range []string{schemas.StatusAccepted, schemas.StatusNeedsReview, schemas.StatusRejected} {
			m.items.WithLabelValues(kind, status)
		}
	}
	return m, nil
}

func (m *Metrics) receivedN(stage string, n int) {
	if m != nil {
		m.received.WithLabelValues(stage).Add(float64(n))
	}
}

func (m *Metrics) message(stage, outcome string) {
	if m != nil {
		m.messages.WithLabelValues(stage, outcome).Inc()
	}
}

func (m *Metrics) observe(stage string, seconds float64) {
	if m != nil {
		m.seconds.WithLabelValues(stage).Observe(seconds)
	}
}

func (m *Metrics) deadLetter(stage, reason string) {
	if m != nil {
		m.deadLetters.WithLabelValues(stage, reason).Inc()
	}
}

// extractFailed counts a failed Extractor call as a parse failure unless
// its reason is one that the stage assigns itself (see extractReasons).
func (m *Metrics) extractFailed(reason string) {
	if m != nil && !extractReasons[reason] {
		m.parseFailures.WithLabelValues(reason).Inc()
	}
}

// result adds a published result's citation checks, XBRL comparisons and
// items to the counters.
func (m *Metrics) result(res *schemas.Result) {
	if m == nil {
		return
	}
	m.checked.Add(float64(res.Stats.CitationsChecked))
	m.verified.Add(float64(res.Stats.CitationsVerified))
	m.rejected.Add(float64(res.Stats.Rejected))
	for i := range res.Metrics {
		if check := res.Metrics[i].XBRLCheck; check != "" {
			m.xbrlChecks.WithLabelValues(check).Inc()
		}
		m.items.WithLabelValues(schemas.KindMetric, res.Metrics[i].Status).Inc()
	}
	for i := range res.Risks {
		m.items.WithLabelValues(schemas.KindRisk, res.Risks[i].Status).Inc()
	}
	for i := range res.Guidance {
		m.items.WithLabelValues(schemas.KindGuidance, res.Guidance[i].Status).Inc()
	}
}
