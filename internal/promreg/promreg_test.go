package promreg

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestRegisterReusesExisting(t *testing.T) {
	reg := prometheus.NewRegistry()
	opts := prometheus.CounterOpts{Name: "finx_test_total", Help: "test"}
	first, err := Register(reg, prometheus.NewCounter(opts))
	if err != nil {
		t.Fatal(err)
	}
	second, err := Register(reg, prometheus.NewCounter(opts))
	if err != nil {
		t.Fatalf("second Register: %v", err)
	}
	if first != second {
		t.Error("second Register returned a new counter, want the registered one")
	}
}

func TestRegisterConflict(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := Register(reg, prometheus.NewCounter(prometheus.CounterOpts{Name: "finx_conflict", Help: "a"})); err != nil {
		t.Fatal(err)
	}
	// Same name, other help text: Prometheus rejects it as inconsistent.
	if _, err := Register(reg, prometheus.NewCounter(prometheus.CounterOpts{Name: "finx_conflict", Help: "b"})); err == nil {
		t.Error("conflicting Register returned nil error")
	}
}
