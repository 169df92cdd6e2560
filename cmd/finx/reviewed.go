package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/finx-dev/finx/schemas"
)

// reviewedSink applies the latest review decision of each item to results
// before the inner sink writes them. Item ids are deterministic, so a
// document extracted again, after a replay or a fix, gets the ids it had.
// Its new rows carry a newer version than the reviewer's, so without this
// they would undo the decision.
type reviewedSink struct {
	sink
	// decisions returns every stored decision, oldest first.
	decisions func(ctx context.Context) ([]schemas.ReviewDecision, error)
	logger    *slog.Logger
}

type decisionKey struct{ doc, kind, item string }

// Write applies the decisions, then writes. An error reading the decisions
// fails the write, so that the load stage retries it instead of storing
// rows that undo a decision.
//
// NOTE: every write reads all decisions; that is one small table scan per
// batch, which grows with the number of decisions ever taken.
func (s *reviewedSink) Write(ctx context.Context, results []*schemas.Result) error {
	if len(results) == 0 {
		return s.sink.Write(ctx, results)
	}
	all, err := s.decisions(ctx)
	if err != nil {
		return fmt.Errorf("read review decisions: %w", err)
	}
	if len(all) > 0 {
		latest := make(map[decisionKey]schemas.ReviewDecision, len(all))
		for _, d := range all {
			k := decisionKey{d.DocID, d.Kind, d.ItemID}
			if old, ok := latest[k]; !ok || !d.DecidedAt.Before(old.DecidedAt) {
				latest[k] = d
			}
		}
		for _, res := range results {
			s.apply(res, latest)
		}
	}
	return s.sink.Write(ctx, results)
}

// apply replaces each decided item of res with the decision's After JSON.
// A decision whose JSON does not decode is logged and left out.
func (s *reviewedSink) apply(res *schemas.Result, latest map[decisionKey]schemas.ReviewDecision) {
	doc := res.Filing.DocID
	for i := range res.Risks {
		if d, ok := latest[decisionKey{doc, schemas.KindRisk, res.Risks[i].ID}]; ok {
			replaceItem(s.logger, d, &res.Risks[i])
		}
	}
	for i := range res.Metrics {
		if d, ok := latest[decisionKey{doc, schemas.KindMetric, res.Metrics[i].ID}]; ok {
			replaceItem(s.logger, d, &res.Metrics[i])
		}
	}
	for i := range res.Guidance {
		if d, ok := latest[decisionKey{doc, schemas.KindGuidance, res.Guidance[i].ID}]; ok {
			replaceItem(s.logger, d, &res.Guidance[i])
		}
	}
}

// replaceItem decodes the decision's After into a new item and stores it
// in item; on invalid JSON it logs and leaves item as it was.
func replaceItem[T any](logger *slog.Logger, d schemas.ReviewDecision, item *T) {
	var decided T
	if err := json.Unmarshal([]byte(d.After), &decided); err != nil {
		logger.Warn("review decision not applied: its item JSON does not decode",
			"doc_id", d.DocID, "kind", d.Kind, "item_id", d.ItemID, "decision_id", d.DecisionID, "err", err)
		return
	}
	*item = decided
}
