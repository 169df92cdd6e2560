package edgar

import (
	"fmt"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/finx-dev/finx/internal/promreg"
)

// metrics are the crawler's collectors; a nil *metrics records nothing.
type metrics struct {
	requests  *prometheus.CounterVec
	throttled prometheus.Counter
	bytes     prometheus.Counter
	documents *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	if reg == nil {
		return nil, nil
	}
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "finx_edgar_requests_total",
			Help: "HTTP requests sent to EDGAR, by status code (\"error\" when no response arrived, \"rejected\" for a host not allowed).",
		}, []string{"status"}),
		throttled: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "finx_edgar_throttled_total",
			Help: "Responses that signalled throttling: HTTP 403, 429 or EDGAR's rate-limit notice.",
		}),
		bytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "finx_edgar_received_bytes_total",
			Help: "Response body bytes received, after decompression.",
		}),
		documents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "finx_edgar_documents_total",
			Help: "Filing documents by outcome: fetched, skipped (already in the state) or failed.",
		}, []string{"outcome"}),
	}
	var err error
	if m.requests, err = register(reg, m.requests); err != nil {
		return nil, err
	}
	if m.throttled, err = register(reg, m.throttled); err != nil {
		return nil, err
	}
	if m.bytes, err = register(reg, m.bytes); err != nil {
		return nil, err
	}
	if m.documents, err = register(reg, m.documents); err != nil {
		return nil, err
	}
	return m, nil
}

// register registers c through promreg, so that several crawlers may share
// one registry.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	c, err := promreg.Register(reg, c)
	if err != nil {
		return c, fmt.Errorf("edgar: register metrics: %w", err)
	}
	return c, nil
}

func (m *metrics) request(status int) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(strconv.Itoa(status)).Inc()
}

func (m *metrics) requestFailed(label string) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(label).Inc()
}

func (m *metrics) throttle() {
	if m == nil {
		return
	}
	m.throttled.Inc()
}

func (m *metrics) received(n int) {
	if m == nil {
		return
	}
	m.bytes.Add(float64(n))
}

func (m *metrics) document(outcome string) {
	if m == nil {
		return
	}
	m.documents.WithLabelValues(outcome).Inc()
}
