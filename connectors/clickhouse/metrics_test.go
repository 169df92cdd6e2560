package clickhouse

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func TestMetricsShareRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	first, err := newMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	second, err := newMetrics(reg)
	if err != nil {
		t.Fatalf("second newMetrics on the same registry: %v", err)
	}
	first.observeInsert(TableRisks, 3, time.Now(), nil)
	second.observeInsert(TableRisks, 4, time.Now(), nil)
	second.observeInsert(TableRisks, 9, time.Now(), errors.New("send failed"))
	if got := counterValue(t, reg, "finx_clickhouse_rows_written_total", "table=risks"); got != 7 {
		t.Errorf("rows written: got %v, want 7 from both sinks", got)
	}
	if got := counterValue(t, reg, "finx_clickhouse_inserts_total", "outcome=error", "table=risks"); got != 1 {
		t.Errorf("failed inserts: got %v, want 1", got)
	}
}

func TestMetricsRegistryConflict(t *testing.T) {
	reg := prometheus.NewRegistry()
	// A gauge under the counter's name makes registration fail.
	reg.MustRegister(prometheus.NewGauge(prometheus.GaugeOpts{Name: "finx_clickhouse_rows_written_total", Help: "x"}))
	if _, err := newMetrics(reg); err == nil {
		t.Fatal("got nil error for a name taken by another metric type, want an error")
	}
}

func TestMetricsNilRegistry(t *testing.T) {
	m, err := newMetrics(nil)
	if err != nil || m != nil {
		t.Fatalf("got (%v, %v), want (nil, nil)", m, err)
	}
	// A nil *metrics records nothing and must not panic.
	m.observeInsert(TableRisks, 1, time.Now(), nil)
}

func TestSchemaErrorMessage(t *testing.T) {
	e := &SchemaError{Database: "finx", Problems: []string{"metrics.value_text: missing", "risks.confidence: type Float32, want Float64"}}
	msg := e.Error()
	for _, want := range []string{"database finx", "metrics.value_text: missing", "risks.confidence: type Float32, want Float64", "ALTER TABLE"} {
		if !strings.Contains(msg, want) {
			t.Errorf("Error() = %q, want it to contain %q", msg, want)
		}
	}
}
