package kafka

import (
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func TestMetricsCountMessages(t *testing.T) {
	cfg := startBroker(t)
	ctx := testContext(t)
	topic := uniqueTopic("metrics")
	if err := EnsureTopics(ctx, cfg, topic); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatalf("NewMetrics: %v", err)
	}

	const n = 7
	w := NewWriter(cfg, topic)
	defer w.Close()
	m.WatchWriter(w)
	if err := w.WriteMessages(ctx, keyedMessages(n)...); err != nil {
		t.Fatal(err)
	}
	r := NewReader(cfg, "metrics-group", topic)
	defer r.Close()
	m.WatchReader(r)
	fetchN(t, r, n)

	// Gather twice: kafka-go resets its counters on each Stats call, and the
	// totals must survive that.
	for round := range 2 {
		for _, client := range []string{"writer", "reader"} {
			labels := map[string]string{"topic": topic, "client": client}
			if got := counterValue(t, reg, "finx_kafka_messages_total", labels); got != n {
				t.Errorf("gather %d: finx_kafka_messages_total%v: got %v, want %d", round, labels, got, n)
			}
		}
	}
}

func TestMetricsNilRegistry(t *testing.T) {
	m, err := NewMetrics(nil)
	if err != nil || m != nil {
		t.Fatalf("got %v, %v, want a nil *Metrics and no error", m, err)
	}
	// Watching on a nil *Metrics does nothing and does not panic.
	m.WatchWriter(NewWriter(Config{Brokers: []string{"127.0.0.1:9092"}}, "t"))
}

func TestMetricsRegisterTwice(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := NewMetrics(reg); err != nil {
		t.Fatal(err)
	}
	if _, err := NewMetrics(reg); err == nil {
		t.Fatal("got nil error registering the collector twice, want one")
	}
}

// counterValue returns the value of the counter series with exactly these
// labels, or -1 when there is none.
func counterValue(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, family := range families {
		if family.GetName() != name {
			continue
		}
	series:
		for _, metric := range family.GetMetric() {
			if len(metric.GetLabel()) != len(labels) {
				continue
			}
			for _, l := range metric.GetLabel() {
				if labels[l.GetName()] != l.GetValue() {
					continue series
				}
			}
			return metric.GetCounter().GetValue()
		}
	}
	return -1
}

// gaugeSeries returns the values of the gauge series named name whose labels
// include labels, keyed by their partition label.
func gaugeSeries(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) map[string]float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	out := map[string]float64{}
	for _, family := range families {
		if family.GetName() != name {
			continue
		}
	series:
		for _, metric := range family.GetMetric() {
			partition := ""
			matched := 0
			for _, l := range metric.GetLabel() {
				if l.GetName() == "partition" {
					partition = l.GetValue()
				}
				if v, ok := labels[l.GetName()]; ok {
					if v != l.GetValue() {
						continue series
					}
					matched++
				}
			}
			if matched == len(labels) {
				out[partition] = metric.GetGauge().GetValue()
			}
		}
	}
	return out
}

func sumValues(m map[string]float64) float64 {
	var total float64
	for _, v := range m {
		total += v
	}
	return total
}

func TestMetricsConsumerGroupLag(t *testing.T) {
	cfg := startBroker(t)
	topic := uniqueTopic("lag")
	if err := EnsureTopics(testContext(t), cfg, topic); err != nil {
		t.Fatal(err)
	}
	checkGroupLag(t, cfg, topic, "lag-group")
}

// TestServiceConsumerGroupLag is TestMetricsConsumerGroupLag against the
// real broker in FINX_KAFKA_BROKERS, whose replies for a group without
// offsets differ from the embedded broker's.
func TestServiceConsumerGroupLag(t *testing.T) {
	cfg := serviceConfig(t)
	topic := serviceName(t, "lag")
	serviceTopics(t, cfg, topic)
	checkGroupLag(t, cfg, topic, serviceGroup(t, cfg, "lag"))
}

// checkGroupLag publishes to topic, which must be new and have
// cfg.Partitions partitions, and checks the committed lag of group before
// and after it commits.
func checkGroupLag(t *testing.T, cfg Config, topic, group string) {
	t.Helper()
	ctx := testContext(t)
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	m.SetLogger(slog.New(slog.NewTextHandler(tWriter{t}, nil)))

	const n = 9
	produce(t, cfg, topic, keyedMessages(n)...)
	r := NewReader(cfg, group, topic)
	defer r.Close()
	m.WatchReader(r)
	labels := map[string]string{"topic": topic, "group": group}

	// Without a committed offset the lag counts from the first offset.
	before := gaugeSeries(t, reg, "finx_kafka_consumer_group_lag_messages", labels)
	if len(before) != cfg.Partitions {
		t.Fatalf("lag series before commit: got %v, want one per partition (%d)", before, cfg.Partitions)
	}
	if got := sumValues(before); got != n {
		t.Errorf("lag before commit: got %v in all, want %d", got, n)
	}

	msgs := fetchN(t, r, n)
	if err := r.CommitMessages(ctx, msgs...); err != nil {
		t.Fatal(err)
	}
	after := gaugeSeries(t, reg, "finx_kafka_consumer_group_lag_messages", labels)
	if got := sumValues(after); len(after) != cfg.Partitions || got != 0 {
		t.Errorf("lag after committing all: got %v, want 0 on each of %d partitions", after, cfg.Partitions)
	}

	produce(t, cfg, topic, keyedMessages(2)...)
	if got := sumValues(gaugeSeries(t, reg, "finx_kafka_consumer_group_lag_messages", labels)); got != 2 {
		t.Errorf("lag after 2 more messages: got %v, want 2", got)
	}
	if got := counterValue(t, reg, "finx_kafka_consumer_group_lag_errors_total", labels); got != 0 {
		t.Errorf("lag query errors: got %v, want 0", got)
	}
}

// TestMetricsConsumerGroupLagUnreachable watches a reader whose broker
// closes every connection: the scrape still succeeds, without lag series,
// and counts the failed query.
func TestMetricsConsumerGroupLagUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conn.Close()
		}
	}()

	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	r := NewReader(Config{Brokers: []string{ln.Addr().String()}}, "down-group", "down")
	defer r.Close()
	m.WatchReader(r)

	labels := map[string]string{"topic": "down", "group": "down-group"}
	start := time.Now()
	// Each Gather queries once, so the second one counts two failures.
	if got := gaugeSeries(t, reg, "finx_kafka_consumer_group_lag_messages", labels); len(got) != 0 {
		t.Errorf("got lag series %v, want none", got)
	}
	if got := counterValue(t, reg, "finx_kafka_consumer_group_lag_errors_total", labels); got != 2 {
		t.Errorf("lag query errors after two scrapes: got %v, want 2", got)
	}
	if took := time.Since(start); took > 2*lagQueryTimeout+time.Second {
		t.Errorf("two scrapes took %v, want at most %v", took, 2*lagQueryTimeout+time.Second)
	}
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }
