package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	kafkago "github.com/segmentio/kafka-go"
)

// lagQueryTimeout bounds the broker requests that one scrape sends to
// compute the committed lag of all watched groups, so that an unreachable
// broker delays a scrape by at most this long. Prometheus times out a scrape
// after 10 s by default (scrape_timeout).
const lagQueryTimeout = 3 * time.Second

// Metrics exports the statistics of kafka-go readers and writers to
// Prometheus. kafka-go resets its counters on every Stats call, so Metrics
// keeps the running totals, and nothing else may call Stats on a watched
// reader or writer. A nil *Metrics is valid and records nothing.
type Metrics struct {
	mu      sync.Mutex
	readers []*watchedReader
	writers []*watchedWriter
	// groups are the consumer groups whose committed lag Collect queries,
	// one per group and topic.
	groups []*watchedGroup
	// transport carries the lag queries. WatchReader creates it with the
	// first group.
	transport *kafkago.Transport
	logger    *slog.Logger

	messages   *prometheus.Desc
	bytes      *prometheus.Desc
	errors     *prometheus.Desc
	retries    *prometheus.Desc
	rebalances *prometheus.Desc
	lag        *prometheus.Desc
	groupLag   *prometheus.Desc
	lagErrors  *prometheus.Desc
}

// watchedGroup is a consumer group of one topic whose committed lag is
// queried on each scrape.
type watchedGroup struct {
	group, topic string
	client       *kafkago.Client
	// errors counts failed lag queries. failing is true after the last
	// one failed, so that only the change is logged.
	errors  int64
	failing bool
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
			"Records between the last fetched offset and the high watermark of the partition fetched last, by topic and group.",
			[]string{"topic", "group"}, nil),
		groupLag: prometheus.NewDesc("finx_kafka_consumer_group_lag_messages",
			"Records between the group's committed offset and the high watermark, by topic, partition and group; queried from the broker on each scrape.",
			[]string{"topic", "partition", "group"}, nil),
		lagErrors: prometheus.NewDesc("finx_kafka_consumer_group_lag_errors_total",
			"Scrapes whose committed lag query failed, by topic and group; the lag series are missing from those scrapes.",
			[]string{"topic", "group"}, nil),
	}
	if err := reg.Register(m); err != nil {
		return nil, fmt.Errorf("kafka: register metrics: %w", err)
	}
	return m, nil
}

// Close closes the broker connections of the lag queries. It does not close
// the watched readers and writers. Collect after Close opens new connections.
func (m *Metrics) Close() {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.transport != nil {
		m.transport.CloseIdleConnections()
	}
}

// SetLogger sets the logger of failed lag queries, and nil discards them. A
// query that fails is logged at warn level once, and its recovery at info
// level, however many scrapes fail in between.
func (m *Metrics) SetLogger(logger *slog.Logger) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.logger = logger
}

// WatchReader adds a reader to the exported statistics. The reader's
// consumer group, if it has one, is added to the committed lag queries.
func (m *Metrics) WatchReader(r *kafkago.Reader) {
	if m == nil {
		return
	}
	cfg := r.Config()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.readers = append(m.readers, &watchedReader{reader: r, topic: cfg.Topic, group: cfg.GroupID})
	if cfg.GroupID == "" {
		return
	}
	for _, g := range m.groups {
		if g.group == cfg.GroupID && g.topic == cfg.Topic {
			return
		}
	}
	if m.transport == nil {
		t := &kafkago.Transport{}
		if cfg.Dialer != nil {
			t.ClientID = cfg.Dialer.ClientID
			t.DialTimeout = cfg.Dialer.Timeout
		}
		m.transport = t
	}
	m.groups = append(m.groups, &watchedGroup{
		group:  cfg.GroupID,
		topic:  cfg.Topic,
		client: &kafkago.Client{Addr: kafkago.TCP(cfg.Brokers...), Transport: m.transport, Timeout: lagQueryTimeout},
	})
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
	for _, d := range []*prometheus.Desc{m.messages, m.bytes, m.errors, m.retries, m.rebalances, m.lag, m.groupLag, m.lagErrors} {
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
	m.collectGroupLag(ch)
}

// collectGroupLag queries the committed lag of each watched group. It runs
// with m.mu held, so that two scrapes do not query at once.
func (m *Metrics) collectGroupLag(ch chan<- prometheus.Metric) {
	if len(m.groups) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), lagQueryTimeout)
	defer cancel()
	for _, g := range m.groups {
		lags, err := committedLag(ctx, g.client, g.group, g.topic)
		switch {
		case err != nil:
			g.errors++
			if !g.failing && m.logger != nil {
				m.logger.Warn("consumer group lag query failed, retried on each scrape", "group", g.group, "topic", g.topic, "err", err)
			}
			g.failing = true
		case g.failing:
			g.failing = false
			if m.logger != nil {
				m.logger.Info("consumer group lag query recovered", "group", g.group, "topic", g.topic)
			}
		}
		ch <- prometheus.MustNewConstMetric(m.lagErrors, prometheus.CounterValue, float64(g.errors), g.topic, g.group)
		for partition, lag := range lags {
			ch <- prometheus.MustNewConstMetric(m.groupLag, prometheus.GaugeValue, float64(lag), g.topic, strconv.Itoa(partition), g.group)
		}
	}
}

// committedLag returns, per partition of topic, the records between the
// group's committed offset and the partition's high watermark. A partition
// without a committed offset counts from its first retained offset, because
// finx readers start a new group at the earliest offset.
func committedLag(ctx context.Context, client *kafkago.Client, group, topic string) (map[int]int64, error) {
	meta, err := client.Metadata(ctx, &kafkago.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return nil, fmt.Errorf("kafka: metadata of %s: %w", topic, err)
	}
	var partitions []int
	for _, t := range meta.Topics {
		if t.Name != topic {
			continue
		}
		if t.Error != nil {
			return nil, fmt.Errorf("kafka: metadata of %s: %w", topic, t.Error)
		}
		for _, p := range t.Partitions {
			partitions = append(partitions, p.ID)
		}
	}
	if len(partitions) == 0 {
		return nil, fmt.Errorf("kafka: metadata of %s lists no partitions", topic)
	}

	requests := make([]kafkago.OffsetRequest, 0, 2*len(partitions))
	for _, p := range partitions {
		requests = append(requests, kafkago.FirstOffsetOf(p), kafkago.LastOffsetOf(p))
	}
	offsets, err := client.ListOffsets(ctx, &kafkago.ListOffsetsRequest{Topics: map[string][]kafkago.OffsetRequest{topic: requests}})
	if err != nil {
		return nil, fmt.Errorf("kafka: list offsets of %s: %w", topic, err)
	}
	committed, err := client.OffsetFetch(ctx, &kafkago.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: partitions}})
	if err != nil {
		return nil, fmt.Errorf("kafka: committed offsets of group %s on %s: %w", group, topic, err)
	}
	// A group that never committed has no offsets: Apache Kafka 4.4 returns
	// -1 for each partition, and kfake returns GROUP_ID_NOT_FOUND.
	if committed.Error != nil && !errors.Is(committed.Error, kafkago.GroupIdNotFound) {
		return nil, fmt.Errorf("kafka: committed offsets of group %s on %s: %w", group, topic, committed.Error)
	}
	commits := make(map[int]int64, len(partitions))
	for _, p := range committed.Topics[topic] {
		if p.Error != nil {
			return nil, fmt.Errorf("kafka: committed offset of group %s on %s/%d: %w", group, topic, p.Partition, p.Error)
		}
		commits[p.Partition] = p.CommittedOffset
	}

	lags := make(map[int]int64, len(partitions))
	var failed []string
	for _, p := range offsets.Topics[topic] {
		if p.Error != nil {
			failed = append(failed, fmt.Sprintf("%d: %v", p.Partition, p.Error))
			continue
		}
		start, ok := commits[p.Partition]
		if !ok || start < 0 {
			start = p.FirstOffset
		}
		lags[p.Partition] = max(p.LastOffset-start, 0)
	}
	if len(failed) > 0 {
		return nil, fmt.Errorf("kafka: list offsets of %s failed for partitions %s", topic, strings.Join(failed, ", "))
	}
	return lags, nil
}
