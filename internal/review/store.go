package review

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/finx-dev/finx/connectors/clickhouse"
	"github.com/finx-dev/finx/schemas"
)

// Store reads the extraction tables and stores review decisions. FileStore
// reads the file sink's folder; CHStore reads a ClickHouse database.
type Store interface {
	// Filings returns the latest row of every document.
	Filings(ctx context.Context) ([]Filing, error)
	// Items returns the latest version of every item of one document.
	Items(ctx context.Context, docID string) ([]Item, error)
	// NeedsReview returns the latest version of every item whose status is
	// needs_review, in no particular order.
	NeedsReview(ctx context.Context) ([]Item, error)
	// Decide stores the decision and after, the item's new version, whose
	// Version must exceed that of the version decided on.
	Decide(ctx context.Context, d schemas.ReviewDecision, after Item) error
	// Decisions returns every stored decision, oldest first.
	Decisions(ctx context.Context) ([]schemas.ReviewDecision, error)
	// Ping checks that the store can be read.
	Ping(ctx context.Context) error
	Close() error
}

// Errors of the review package.
var (
	// ErrNotFound: no document or item has the requested id.
	ErrNotFound = errors.New("review: not found")
	// ErrInvalidKind: the kind is not risk, metric or guidance.
	ErrInvalidKind = errors.New("review: invalid kind, want risk, metric or guidance")
	// ErrStale: the item changed since the reviewer saw it.
	ErrStale = errors.New("review: the item has a newer version")
	// ErrReadOnly: the server has no FINX_SERVE_TOKEN and takes no decisions.
	ErrReadOnly = errors.New("review: read-only server (set FINX_SERVE_TOKEN to allow decisions)")
)

// itemRow returns the table and the row that store the item as a new version,
// built by clickhouse.Rows, the mapping the sinks use, so that the row has
// every column the load stage writes. The row keeps the item's extraction
// time and gets the version given.
func itemRow(it Item, version uint64) (clickhouse.Table, clickhouse.Row, error) {
	name, err := tableOf(it.Kind)
	if err != nil {
		return clickhouse.Table{}, nil, err
	}
	res := &schemas.Result{
		Filing:      schemas.Filing{DocID: it.DocID, CIK: it.CIK, Company: it.Company, Form: it.Form, FilingDate: it.FilingDate},
		ExtractedAt: it.ExtractedAt,
	}
	switch {
	case it.Risk != nil:
		res.Risks = []schemas.Risk{*it.Risk}
	case it.Metric != nil:
		res.Metrics = []schemas.Metric{*it.Metric}
	case it.Guidance != nil:
		res.Guidance = []schemas.Guidance{*it.Guidance}
	}
	rows, err := clickhouse.Rows(res)
	if err != nil {
		return clickhouse.Table{}, nil, fmt.Errorf("review: row of %s %s: %w", it.Kind, it.ID(), err)
	}
	if len(rows[name]) != 1 {
		return clickhouse.Table{}, nil, fmt.Errorf("review: row of %s %s: got %d rows, want 1", it.Kind, it.ID(), len(rows[name]))
	}
	for _, t := range clickhouse.Tables() {
		if t.Name != name {
			continue
		}
		r := rows[name][0]
		for i, c := range t.Columns {
			if c.Name == "version" {
				r[i] = version
				return t, r, nil
			}
		}
		return clickhouse.Table{}, nil, fmt.Errorf("review: table %s has no version column", name)
	}
	return clickhouse.Table{}, nil, fmt.Errorf("review: clickhouse package has no table %s", name)
}

// latestFilings returns the filing of each row, keeping only the highest
// version of every document, in the order the documents first appear.
func latestFilings(rows []row) []Filing {
	index := make(map[string]int)
	var out []Filing
	for _, r := range rows {
		f := filingFromRow(r)
		if i, ok := index[f.DocID]; ok {
			if f.Version > out[i].Version {
				out[i] = f
			}
			continue
		}
		index[f.DocID] = len(out)
		out = append(out, f)
	}
	return out
}

// needingReview returns the items whose status is needs_review. Callers
// pass the latest version of each item, so that a decided item is left out.
func needingReview(items []Item) []Item {
	var out []Item
	for _, it := range items {
		if it.Status() == schemas.StatusNeedsReview {
			out = append(out, it)
		}
	}
	return out
}

func decisionFromRow(r row) schemas.ReviewDecision {
	return schemas.ReviewDecision{
		SchemaVersion: r.int("schema_version"),
		DecisionID:    r.str("decision_id"),
		DocID:         r.str("doc_id"),
		Kind:          r.str("kind"),
		ItemID:        r.str("item_id"),
		Action:        r.str("action"),
		Reviewer:      r.str("reviewer"),
		Before:        r.str("before"),
		After:         r.str("after"),
		Note:          r.str("note"),
		Provider:      r.str("provider"),
		DecidedAt:     r.time("decided_at"),
	}
}

// encodeJSONEachRow appends the row as one JSONEachRow line in the form the
// file sink writes: decimals as JSON numbers from their exact text, times as
// "YYYY-MM-DD hh:mm:ss" in UTC.
func encodeJSONEachRow(buf *bytes.Buffer, t clickhouse.Table, r clickhouse.Row) error {
	if len(r) != len(t.Columns) {
		return fmt.Errorf("review: encode %s row: got %d values, want %d", t.Name, len(r), len(t.Columns))
	}
	buf.WriteByte('{')
	for i, c := range t.Columns {
		if i > 0 {
			buf.WriteByte(',')
		}
		name, _ := json.Marshal(c.Name)
		buf.Write(name)
		buf.WriteByte(':')
		var value []byte
		var err error
		switch v := r[i].(type) {
		case *string:
			if v == nil {
				value = []byte("null")
			} else {
				value = []byte(json.Number(*v).String())
			}
		case time.Time:
			value, err = json.Marshal(v.UTC().Format(dateTimeLayout))
		case float64:
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("review: encode %s.%s: float %v has no JSON form", t.Name, c.Name, v)
			}
			value, err = json.Marshal(v)
		default:
			value, err = json.Marshal(v)
		}
		if err != nil {
			return fmt.Errorf("review: encode %s.%s: %w", t.Name, c.Name, err)
		}
		buf.Write(value)
	}
	buf.WriteString("}\n")
	return nil
}
