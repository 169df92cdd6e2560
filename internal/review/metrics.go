package review

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/finx-dev/finx/internal/promreg"
	"github.com/finx-dev/finx/schemas"
)

// metrics are the review server's collectors. A nil *metrics records nothing.
type metrics struct {
	backlog         *prometheus.GaugeVec
	decisions       *prometheus.CounterVec
	correctionRatio *prometheus.GaugeVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	if reg == nil {
		return nil, nil
	}
	backlog, err := promreg.Register(reg, prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "finx_review_backlog_items",
		Help: "Items whose latest version needs review, by kind; updated on each scrape.",
	}, []string{"kind"}))
	if err != nil {
		return nil, err
	}
	decisions, err := promreg.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "finx_review_decisions_total",
		Help: "Review decisions stored by this process, by item kind, action and the provider that extracted the item.",
	}, []string{"kind", "action", "provider"}))
	if err != nil {
		return nil, err
	}
	ratio, err := promreg.Register(reg, prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "finx_review_correction_ratio",
		Help: "Share of all stored review decisions that corrected or rejected the item (0 to 1), by item kind and provider; updated on each scrape.",
	}, []string{"kind", "provider"}))
	if err != nil {
		return nil, err
	}
	return &metrics{backlog: backlog, decisions: decisions, correctionRatio: ratio}, nil
}

func (m *metrics) decided(d schemas.ReviewDecision) {
	if m == nil {
		return
	}
	m.decisions.WithLabelValues(d.Kind, d.Action, d.Provider).Inc()
}

// refresh sets the backlog and correction gauges from the store's items and
// decisions.
func (m *metrics) refresh(backlog []Item, decisions []schemas.ReviewDecision) {
	if m == nil {
		return
	}
	counts := map[string]int{schemas.KindRisk: 0, schemas.KindMetric: 0, schemas.KindGuidance: 0}
	for i := range backlog {
		counts[backlog[i].Kind]++
	}
	for kind, n := range counts {
		m.backlog.WithLabelValues(kind).Set(float64(n))
	}
	type key struct{ kind, provider string }
	total := make(map[key]int)
	changed := make(map[key]int)
	for _, d := range decisions {
		k := key{d.Kind, d.Provider}
		total[k]++
		if d.Action == schemas.ActionCorrect || d.Action == schemas.ActionReject {
			changed[k]++
		}
	}
	m.correctionRatio.Reset()
	for k, n := range total {
		m.correctionRatio.WithLabelValues(k.kind, k.provider).Set(float64(changed[k]) / float64(n))
	}
}
