package kafka

import (
	"fmt"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	kafkago "github.com/segmentio/kafka-go"
)

// Metrics exports the statistics of kafka-go readers and writers to
// Prometheus. kafka-go resets its counters on every Stats call, so Metrics
// keeps the running totals, and nothing else may call Stats on a watched
// reader or writer. A nil *Metrics is valid and records nothing.
type Metrics struct {
	mu      sync.Mutex
	readers []*watchedReader
	writers []*watchedWriter

	messages   *prometheus.Desc
	bytes      *prometheus.Desc
	errors     *prometheus.Desc
	retries    *prometheus.Desc
	rebalances *prometheus.Desc
	lag        *prometheus.Desc
}

type watchedReader struct {
	reader *kafkago.Reader
	topic  string
	group  string
	// Totals since the reader was watched.
	messages, bytes, errors, rebalances int64
	lag                                 int64
}

type watchedWriter struct {
	writer *kafkago.Writer
	topic  string
	// Totals since the writer was watched.
	messages, bytes, errors, retries int64
}

// NewMetrics registers the kafka collector on reg. A nil reg gives a nil
// *Metrics, which records nothing.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	if reg == nil {
		return nil, nil
	}
	m := &Metrics{
		messages: prometheus.NewDesc("finx_kafka_messages_total",
			"Messages written or fetched, by topic and client (reader or writer).",
			[]string{"topic", "client"}, nil),
		bytes: prometheus.NewDesc("finx_kafka_message_bytes_total",
			"Bytes of message keys and values written or fetched, by topic and client.",
			[]string{"topic", "client"}, nil),
		errors: prometheus.NewDesc("finx_kafka_errors_total",
			"Errors that kafka-go counted, retried ones included, by topic and client.",
			[]string{"topic", "client"}, nil),
		retries: prometheus.NewDesc("finx_kafka_writer_retries_total",
			"Produce attempts after the first, by topic.",
			[]string{"topic"}, nil),
		rebalances: prometheus.NewDesc("finx_kafka_reader_rebalances_total",
			"Consumer group rebalances seen by readers, by topic and group.",
			[]string{"topic", "group"}, nil),
		lag: prometheus.NewDesc("finx_kafka_reader_lag_messages",
			"Records between the last fetched offset and the high watermark of its partition, by topic and group.",
			[]string{"topic", "group"}, nil),
	}
	if err := reg.Register(m); err != nil {
		return nil, fmt.Errorf("kafka: register metrics: %w", err)
	}
	return m, nil
}

// WatchReader adds a reader to the exported statistics.
func (m *Metrics) WatchReader(r *kafkago.Reader) {
	if m == nil {
		return
	}
	cfg := r.Config()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.readers = append(m.readers, &watchedReader{reader: r, topic: cfg.Topic, group: cfg.GroupID})
}

// WatchWriter adds a writer to the exported statistics.
func (m *Metrics) WatchWriter(w *kafkago.Writer) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.writers = append(m.writers, &watchedWriter{writer: w, topic: w.Topic})
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{m.messages, m.bytes, m.errors, m.retries, m.rebalances, m.lag} {
		ch <- d
	}
}

// labelKey identifies one series of a counter summed over watched clients.
type labelKey struct{ a, b string }

// Collect implements prometheus.Collector. Clients with the same labels are
// summed, so two readers of one group give one series.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.mu.Lock()
	defer m.mu.Unlock()

	sums := map[*prometheus.Desc]map[labelKey]float64{
		m.messages: {}, m.bytes: {}, m.errors: {}, m.retries: {}, m.rebalances: {},
	}
	lags := map[labelKey]float64{}
	for _, r := range m.readers {
		s := r.reader.Stats()
		r.messages += s.Messages
		r.bytes += s.Bytes
		r.errors += s.Errors
		r.rebalances += s.Rebalances
		r.lag = s.Lag
		client := labelKey{r.topic, "reader"}
		group := labelKey{r.topic, r.group}
		sums[m.messages][client] += float64(r.messages)
		sums[m.bytes][client] += float64(r.bytes)
		sums[m.errors][client] += float64(r.errors)
		sums[m.rebalances][group] += float64(r.rebalances)
		lags[group] = max(lags[group], float64(r.lag))
	}
	for _, w := range m.writers {
		s := w.writer.Stats()
		w.messages += s.Messages
		w.bytes += s.Bytes
		w.errors += s.Errors
		w.retries += s.Retries
		client := labelKey{w.topic, "writer"}
		sums[m.messages][client] += float64(w.messages)
		sums[m.bytes][client] += float64(w.bytes)
		sums[m.errors][client] += float64(w.errors)
		sums[m.retries][labelKey{w.topic, ""}] += float64(w.retries)
	}

	for desc, series := range sums {
		for k, v := range series {
			labels := []string{k.a, k.b}
			if desc == m.retries {
				labels = labels[:1]
			}
			ch <- prometheus.MustNewConstMetric(desc, prometheus.CounterValue, v, labels...)
		}
	}
	for k, v := range lags {
		ch <- prometheus.MustNewConstMetric(m.lag, prometheus.GaugeValue, v, k.a, k.b)
	}
}
