package review

import (
	"context"
	"testing"
	"time"

	"github.com/finx-dev/finx/connectors/clickhouse"
	"github.com/finx-dev/finx/internal/testenv"
	"github.com/finx-dev/finx/schemas"
)

// TestCHStoreDecide runs the store against a real ClickHouse server: load a
// result with the sink, decide on its needs_review metric, and read back the
// decision and the new version.
func TestCHStoreDecide(t *testing.T) {
	addr := testenv.ClickHouseAddr(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const database = "s3serve_review_test"
	cfg := clickhouse.Config{Addr: addr, Database: database}

	store, err := OpenCHStore(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Start from empty tables: drop what an earlier run left and open again.
	if err := store.conn.Exec(ctx, "DROP DATABASE IF EXISTS "+database); err != nil {
		t.Fatal(err)
	}
	store.Close()
	store, err = OpenCHStore(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		store.conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+database)
		store.Close()
	})

	sink, err := clickhouse.Open(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := sink.Write(ctx, []*schemas.Result{testResult(t)}); err != nil {
		t.Fatal(err)
	}
	sink.Close()

	filings, err := store.Filings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(filings) != 1 || filings[0].DocID != testDocID || filings[0].Company != "Acme <b>Corp</b>" || filings[0].ExtractedAt.IsZero() {
		t.Fatalf("got filings %+v, want the test filing", filings)
	}
	items, err := store.Items(ctx, testDocID)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 3 {
		t.Fatalf("got %d items, want 3", len(items))
	}
	queue, err := store.NeedsReview(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(queue) != 1 || queue[0].Metric == nil || queue[0].Metric.Value != "12500000" || queue[0].CIK != "0000000001" {
		t.Fatalf("got queue %+v, want the revenue metric of CIK 0000000001", queue)
	}
	g := findItem(t, store, schemas.KindGuidance, "3000000000000003").Guidance
	if g.Low != "50" || g.Degraded != "llm_unavailable" || g.Model != "deepseek-chat" {
		t.Errorf("got guidance low %q, degraded %q, model %q; want 50, llm_unavailable, deepseek-chat", g.Low, g.Degraded, g.Model)
	}

	srv, err := New(Config{Store: store, Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	d, err := srv.Decide(ctx, Decision{Kind: schemas.KindMetric, DocID: testDocID, ItemID: "2000000000000002",
		Action: schemas.ActionCorrect, Reviewer: "bob", Version: queue[0].Version, Fields: map[string]string{"value": "12400000"}})
	if err != nil {
		t.Fatal(err)
	}
	decisions, err := store.Decisions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(decisions) != 1 || decisions[0].DecisionID != d.DecisionID || decisions[0].Reviewer != "bob" || decisions[0].After != d.After {
		t.Errorf("got decisions %+v, want the one decision by bob", decisions)
	}
	m := findItem(t, store, schemas.KindMetric, "2000000000000002")
	if m.Metric.Value != "12400000" || m.Status() != schemas.StatusAccepted || m.Version <= queue[0].Version {
		t.Errorf("got value %s, status %s, version %d; want 12400000, accepted, above %d", m.Metric.Value, m.Status(), m.Version, queue[0].Version)
	}
	if queue, err = store.NeedsReview(ctx); err != nil || len(queue) != 0 {
		t.Errorf("got queue of %d (err %v) after the decision, want 0", len(queue), err)
	}
}
