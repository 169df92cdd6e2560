package pipeline

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"

	"github.com/finx-dev/finx/schemas"
)

// groundedResult is testResult with citation statistics and two metrics,
// one whose figure disagrees with its XBRL fact.
func groundedResult(source string) *schemas.Result {
	r := testResult(source, "low")
	r.Stats = schemas.Stats{CitationsChecked: 5, CitationsVerified: 4, Rejected: 1}
	for i, check := range []string{"agree", "disagree"} {
		r.Metrics = append(r.Metrics, schemas.Metric{
			ID: fmt.Sprintf("%016x", 10+i), Metric: "revenue", Label: "Revenue", Value: "100", Display: "$100",
			Scale: 0, Unit: "USD", PeriodType: "duration", Source: "ixbrl", XBRLCheck: check,
			Citation: schemas.Citation{Quote: "Revenue", End: 7, CharEnd: 7, SourceOffset: -1, Match: schemas.MatchExact},
			Status:   schemas.StatusNeedsReview, Confidence: 1, Provider: "test",
		})
	}
	return r
}

func TestMetricsExtractStage(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	in := newFakeConsumer("filings.raw", []byte("ok"), []byte("ok"), []byte("bad"), []byte("panic"), []byte("failed"))
	stage := &ExtractStage{
		Consumer: in, Results: &fakeProducer{}, Flags: &fakeProducer{}, DeadLetters: &fakeProducer{},
		Decode: func(_ context.Context, msg kafka.Message) (schemas.Filing, []byte, error) {
			return schemas.Filing{DocID: testDocID, SourcePath: "doc-" + string(msg.Value)}, msg.Value, nil
		},
		Extract: func(_ context.Context, f schemas.Filing, content []byte) (*schemas.Result, error) {
			switch string(content) {
			case "bad":
				return nil, reasonError{"not_pdf"}
			case "panic":
				panic("boom")
			case "failed":
				return nil, errors.New("passes: provider failed")
			}
			return groundedResult(f.SourcePath), nil
		},
		Workers: 2,
		Backoff: fastBackoff,
		Metrics: m,
	}
	if err := runUntil(t, stage.Run, func() bool { return len(in.commits()) == 5 }); err != nil {
		t.Fatalf("Run: %v", err)
	}

	tests := []struct {
		name   string
		metric string
		labels map[string]string
		want   float64
	}{
		{"received", "finx_pipeline_messages_received_total", map[string]string{"stage": "extract"}, 5},
		{"ok", "finx_pipeline_messages_total", map[string]string{"stage": "extract", "outcome": "ok"}, 2},
		{"dead letters", "finx_pipeline_messages_total", map[string]string{"stage": "extract", "outcome": "dead_letter"}, 3},
		{"parse failure not_pdf", "finx_pipeline_parse_failures_total", map[string]string{"reason": "not_pdf"}, 1},
		{"citations checked", "finx_pipeline_citations_checked_total", nil, 10},
		{"citations verified", "finx_pipeline_citations_verified_total", nil, 8},
		{"quotes rejected", "finx_pipeline_quotes_rejected_total", nil, 2},
		{"xbrl agree", "finx_pipeline_xbrl_checks_total", map[string]string{"result": "agree"}, 2},
		{"xbrl disagree", "finx_pipeline_xbrl_checks_total", map[string]string{"result": "disagree"}, 2},
		{"xbrl no_fact at zero", "finx_pipeline_xbrl_checks_total", map[string]string{"result": "no_fact"}, 0},
		{"risks accepted", "finx_pipeline_items_total", map[string]string{"kind": "risk", "status": "accepted"}, 2},
		{"metrics needs_review", "finx_pipeline_items_total", map[string]string{"kind": "metric", "status": "needs_review"}, 4},
		{"guidance at zero", "finx_pipeline_items_total", map[string]string{"kind": "guidance", "status": "accepted"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n := counterValue(t, reg, tt.metric, tt.labels)
			if n == 0 {
				t.Fatalf("%s%v: no series", tt.metric, tt.labels)
			}
			if got != tt.want {
				t.Errorf("%s%v: got %v, want %v", tt.metric, tt.labels, got, tt.want)
			}
		})
	}
	// The stage's own reasons (panic, extract_failed) are not parse
	// failures, so not_pdf is the only series.
	if _, n := counterValue(t, reg, "finx_pipeline_parse_failures_total", nil); n != 1 {
		t.Errorf("parse failure series: got %d, want 1 (not_pdf only)", n)
	}
}

// counterValue sums the counters named name in reg whose labels include
// labels, and returns how many series matched.
func counterValue(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) (float64, int) {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	var n int
	for _, mf := range families {
		if mf.GetName() != name {
			continue
		}
		for _, metric := range mf.GetMetric() {
			matched := 0
			for _, l := range metric.GetLabel() {
				if v, ok := labels[l.GetName()]; ok && v == l.GetValue() {
					matched++
				}
			}
			if matched == len(labels) {
				sum += metric.GetCounter().GetValue()
				n++
			}
		}
	}
	return sum, n
}

func TestMetricsNilRecordsNothing(t *testing.T) {
	m, err := NewMetrics(nil)
	if err != nil || m != nil {
		t.Fatalf("NewMetrics(nil): got %v, %v; want nil, nil", m, err)
	}
	// Each method must accept the nil receiver.
	m.receivedN(schemas.StageLoad, 3)
	m.message(schemas.StageLoad, "ok")
	m.observe(schemas.StageLoad, 1)
	m.deadLetter(schemas.StageLoad, "invalid_result")
	m.extractFailed("not_pdf")
	m.result(groundedResult("doc"))
}

func TestMetricsRegisterTwiceFails(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := NewMetrics(reg); err != nil {
		t.Fatal(err)
	}
	if _, err := NewMetrics(reg); err == nil {
		t.Error("second NewMetrics on one registry: got nil error, want a registration error")
	}
}
