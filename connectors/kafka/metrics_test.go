package kafka

import (
	"testing"

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
