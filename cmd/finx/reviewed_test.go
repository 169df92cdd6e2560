package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/finx-dev/finx/connectors/clickhouse"
	"github.com/finx-dev/finx/schemas"
)

// recordingSink keeps the results it is asked to write.
type recordingSink struct{ written []*schemas.Result }

func (r *recordingSink) Write(_ context.Context, results []*schemas.Result) error {
	r.written = append(r.written, results...)
	return nil
}
func (r *recordingSink) WriteDeadLetters(context.Context, []schemas.DeadLetter) error { return nil }
func (r *recordingSink) Close() error                                                 { return nil }

func TestReviewedSinkKeepsDecisions(t *testing.T) {
	doc := "ab"
	rejected := schemas.Risk{ID: "0123456789abcdef", Heading: "Old heading", Status: schemas.StatusRejected}
	after, err := json.Marshal(rejected)
	if err != nil {
		t.Fatal(err)
	}
	older, err := json.Marshal(schemas.Risk{ID: "0123456789abcdef", Heading: "Older", Status: schemas.StatusAccepted})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	decisions := []schemas.ReviewDecision{
		{DocID: doc, Kind: schemas.KindRisk, ItemID: rejected.ID, After: string(older), DecidedAt: t0},
		{DocID: doc, Kind: schemas.KindRisk, ItemID: rejected.ID, After: string(after), DecidedAt: t0.Add(time.Hour)},
		{DocID: doc, Kind: schemas.KindMetric, ItemID: "1111111111111111", After: "{not json", DecidedAt: t0},
	}
	inner := &recordingSink{}
	s := &reviewedSink{
		sink:      inner,
		decisions: func(context.Context) ([]schemas.ReviewDecision, error) { return decisions, nil },
		logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	res := &schemas.Result{
		Filing:  schemas.Filing{DocID: doc},
		Risks:   []schemas.Risk{{ID: rejected.ID, Heading: "Old heading", Status: schemas.StatusAccepted}, {ID: "fedcba9876543210", Status: schemas.StatusAccepted}},
		Metrics: []schemas.Metric{{ID: "1111111111111111", Value: "5", Status: schemas.StatusNeedsReview}},
	}
	if err := s.Write(context.Background(), []*schemas.Result{res}); err != nil {
		t.Fatal(err)
	}
	got := inner.written[0]
	if got.Risks[0].Status != schemas.StatusRejected {
		t.Errorf("decided risk: got status %q, want the latest decision's rejected", got.Risks[0].Status)
	}
	if got.Risks[1].Status != schemas.StatusAccepted {
		t.Errorf("undecided risk: got status %q, want accepted", got.Risks[1].Status)
	}
	if got.Metrics[0].Value != "5" || got.Metrics[0].Status != schemas.StatusNeedsReview {
		t.Errorf("metric with an invalid decision: got %+v, want it unchanged", got.Metrics[0])
	}
}

func TestReviewedSinkFailsWithoutDecisions(t *testing.T) {
	inner := &recordingSink{}
	s := &reviewedSink{
		sink:      inner,
		decisions: func(context.Context) ([]schemas.ReviewDecision, error) { return nil, errors.New("connection refused") },
		logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	err := s.Write(context.Background(), []*schemas.Result{{Filing: schemas.Filing{DocID: "ab"}}})
	if err == nil {
		t.Fatal("got nil error, want the decisions' read error")
	}
	if len(inner.written) != 0 {
		t.Errorf("wrote %d results without the decisions, want none", len(inner.written))
	}
}

// TestDemoKeepsReviewDecisions runs the demo, stores a reviewer's rejection
// of one risk, runs the demo again on the same folder and checks that the
// re-extracted risk is still rejected.
func TestDemoKeepsReviewDecisions(t *testing.T) {
	out := t.TempDir()
	args := []string{"--clickhouse", "", "--out", out, "--blob-dir", filepath.Join(out, "blobs"), filepath.Join("..", "..", "fixtures", "html")}
	if stdout, stderr, err := runDemoCmd(t, args...); err != nil {
		t.Fatalf("first demo: %v\n%s\n%s", err, stdout, stderr)
	}
	risks := readRows(t, filepath.Join(out, "risks.json"))
	if len(risks) == 0 {
		t.Fatal("the fixture 10-K gave no risks")
	}
	row := risks[0]
	docID, itemID := row["doc_id"].(string), row["id"].(string)
	decided := schemas.Risk{ID: itemID, Heading: row["heading"].(string), Category: "other", Severity: "low",
		Status: schemas.StatusRejected, Provider: "rules"}
	after, err := json.Marshal(decided)
	if err != nil {
		t.Fatal(err)
	}
	fsink, err := clickhouse.NewFileSink(out)
	if err != nil {
		t.Fatal(err)
	}
	err = fsink.WriteReviewDecisions(context.Background(), []schemas.ReviewDecision{{
		SchemaVersion: schemas.SchemaVersion, DecisionID: "d1", DocID: docID, Kind: schemas.KindRisk,
		ItemID: itemID, Action: schemas.ActionReject, Reviewer: "tester", After: string(after),
		DecidedAt: time.Now().UTC(),
	}})
	if cerr := fsink.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}

	if stdout, stderr, err := runDemoCmd(t, args...); err != nil {
		t.Fatalf("second demo: %v\n%s\n%s", err, stdout, stderr)
	}
	found := false
	for _, r := range readRows(t, filepath.Join(out, "risks.json")) {
		if r["id"] == itemID {
			found = true
			if r["status"] != schemas.StatusRejected {
				t.Errorf("risk %s after re-extraction: got status %v, want rejected", itemID, r["status"])
			}
		}
	}
	if !found {
		t.Errorf("risk %s missing after re-extraction", itemID)
	}
	if n := len(readRows(t, filepath.Join(out, "review_decisions.json"))); n != 1 {
		t.Errorf("review decisions after the second run: got %d, want 1", n)
	}
}
