package pipeline

import "github.com/prometheus/client_golang/prometheus"

// Metrics holds the collectors of all stages; a nil *Metrics records nothing.
type Metrics struct {
	messages    *prometheus.CounterVec
	seconds     *prometheus.HistogramVec
	deadLetters *prometheus.CounterVec
}

// NewMetrics registers the pipeline's collectors on reg. A nil reg returns
// nil, and stages then record nothing.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	if reg == nil {
		return nil, nil
	}
	m := &Metrics{
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "finx_pipeline_messages_total",
			Help: "Messages handled by a stage, by outcome.",
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
	}
	for _, c := range []prometheus.Collector{m.messages, m.seconds, m.deadLetters} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
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
