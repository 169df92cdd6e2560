package clickhouse

import (
	"context"
	"fmt"
	"time"
)

// ReviewItem is one row of the review_queue view: an item with status
// needs_review that no review decision names yet.
type ReviewItem struct {
	// Kind is schemas.KindRisk, KindMetric or KindGuidance.
	Kind   string
	DocID  string
	ItemID string
	CIK    string
	// Company, Form and FilingDate are the filing's, as the item row
	// stores them.
	Company    string
	Form       string
	FilingDate string
	// Label is the risk heading or the metric or guidance label.
	Label        string
	ReviewReason string
	Confidence   float64
	Provider     string
	ExtractedAt  time.Time
}

// ReviewQueue returns up to limit items of the review_queue view, oldest
// extraction first. A limit of 0 or less returns every item.
func (s *Sink) ReviewQueue(ctx context.Context, limit int) ([]ReviewItem, error) {
	query := fmt.Sprintf("SELECT kind, doc_id, item_id, cik, company, form, filing_date, label, review_reason, confidence, provider, extracted_at FROM %s.%s",
		quoteIdent(s.cfg.Database), ViewReviewQueue)
	if limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := s.conn.Query(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: read %s.%s: %w", s.cfg.Database, ViewReviewQueue, err)
	}
	defer rows.Close()
	var items []ReviewItem
	for rows.Next() {
		var it ReviewItem
		if err := rows.Scan(&it.Kind, &it.DocID, &it.ItemID, &it.CIK, &it.Company, &it.Form, &it.FilingDate,
			&it.Label, &it.ReviewReason, &it.Confidence, &it.Provider, &it.ExtractedAt); err != nil {
			return nil, fmt.Errorf("clickhouse: read %s.%s: %w", s.cfg.Database, ViewReviewQueue, err)
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: read %s.%s: %w", s.cfg.Database, ViewReviewQueue, err)
	}
	return items, nil
}
