package clickhouse

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/finx-dev/finx/internal/promreg"
)

// metrics are the sink's collectors; a nil *metrics records nothing.
type metrics struct {
	rows     *prometheus.CounterVec
	inserts  *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	if reg == nil {
		return nil, nil
	}
	m := &metrics{
		rows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "finx_clickhouse_rows_written_total",
			Help: "Rows inserted into ClickHouse, by table.",
		}, []string{"table"}),
		inserts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "finx_clickhouse_inserts_total",
			Help: "INSERT statements sent to ClickHouse, by table and outcome (ok, error).",
		}, []string{"table", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "finx_clickhouse_insert_duration_seconds",
			Help:    "Time to prepare, fill and send one INSERT, by table.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 12),
		}, []string{"table"}),
	}
	var err error
	if m.rows, err = register(reg, m.rows); err != nil {
		return nil, err
	}
	if m.inserts, err = register(reg, m.inserts); err != nil {
		return nil, err
	}
	if m.duration, err = register(reg, m.duration); err != nil {
		return nil, err
	}
	return m, nil
}

// register registers c through promreg, so that several sinks may share
// one registry.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	c, err := promreg.Register(reg, c)
	if err != nil {
		return c, fmt.Errorf("clickhouse: register metrics: %w", err)
	}
	return c, nil
}

func (m *metrics) observeInsert(table string, rows int, start time.Time, err error) {
	if m == nil {
		return
	}
	m.duration.WithLabelValues(table).Observe(time.Since(start).Seconds())
	if err != nil {
		m.inserts.WithLabelValues(table, "error").Inc()
		return
	}
	m.inserts.WithLabelValues(table, "ok").Inc()
	m.rows.WithLabelValues(table).Add(float64(rows))
}
