package review

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/finx-dev/finx/connectors/clickhouse"
	"github.com/finx-dev/finx/schemas"
)

// CHStore reads the tables of a ClickHouse database and stores decisions in
// it, over the native protocol.
type CHStore struct {
	conn     driver.Conn
	database string
	// sink writes the decisions.
	sink *clickhouse.Sink
}

// plainIdent matches a database name that needs no quoting.
var plainIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// OpenCHStore opens the database through a clickhouse.Sink, which applies
// the pending migrations, and opens a second connection for queries.
func OpenCHStore(ctx context.Context, cfg clickhouse.Config, logger *slog.Logger) (*CHStore, error) {
	if cfg.Database == "" {
		cfg.Database = clickhouse.DefaultDatabase
	}
	if !plainIdent.MatchString(cfg.Database) {
		return nil, fmt.Errorf("review: invalid database name %q: want letters, digits and underscores", cfg.Database)
	}
	sink, err := clickhouse.Open(ctx, cfg, logger)
	if err != nil {
		return nil, err
	}
	conn, err := ch.Open(&ch.Options{
		Protocol: ch.Native,
		Addr:     []string{cfg.Addr},
		Auth:     ch.Auth{Database: "default", Username: cfg.Username, Password: cfg.Password},
	})
	if err != nil {
		sink.Close()
		return nil, fmt.Errorf("review: open clickhouse %s: %w", cfg.Addr, err)
	}
	return &CHStore{conn: conn, database: cfg.Database, sink: sink}, nil
}

// query runs the query and returns its rows by column name.
func (s *CHStore) query(ctx context.Context, query string, args ...any) ([]row, error) {
	rows, err := s.conn.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("review: query %q: %w", firstLine(query), err)
	}
	defer rows.Close()
	types := rows.ColumnTypes()
	var out []row
	for rows.Next() {
		dest := make([]any, len(types))
		for i, t := range types {
			dest[i] = reflect.New(t.ScanType()).Interface()
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("review: scan %q: %w", firstLine(query), err)
		}
		r := make(row, len(types))
		for i, t := range types {
			r[t.Name()] = scannedValue(dest[i])
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("review: read %q: %w", firstLine(query), err)
	}
	return out, nil
}

// scannedValue dereferences the scan destination; a NULL becomes nil.
func scannedValue(p any) any {
	v := reflect.ValueOf(p).Elem()
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	return v.Interface()
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

func (s *CHStore) table(name string) string { return s.database + "." + name }

// Filings returns the latest row of every document.
func (s *CHStore) Filings(ctx context.Context) ([]Filing, error) {
	rows, err := s.query(ctx, "SELECT * FROM "+s.table(clickhouse.TableFilings))
	if err != nil {
		return nil, err
	}
	return latestFilings(rows), nil
}

func (s *CHStore) items(ctx context.Context, where string, args ...any) ([]Item, error) {
	var all []Item
	for _, kind := range []string{schemas.KindRisk, schemas.KindMetric, schemas.KindGuidance} {
		table, _ := tableOf(kind)
		q := strings.ReplaceAll("SELECT * FROM "+s.table(table)+" WHERE "+where, "$table", s.table(table))
		rows, err := s.query(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			it, err := itemFromRow(kind, r)
			if err != nil {
				return nil, err
			}
			all = append(all, it)
		}
	}
	return latestItems(all), nil
}

// Items returns the latest version of every item of the document.
func (s *CHStore) Items(ctx context.Context, docID string) ([]Item, error) {
	return s.items(ctx, "doc_id = ?", docID)
}

// NeedsReview returns the items whose latest version needs review. It reads
// every version of the items that ever needed review and picks the latest in
// Go, because a WHERE on status would drop the newer, decided versions.
func (s *CHStore) NeedsReview(ctx context.Context) ([]Item, error) {
	items, err := s.items(ctx, "(doc_id, id) IN (SELECT doc_id, id FROM $table WHERE status = ?)", schemas.StatusNeedsReview)
	if err != nil {
		return nil, err
	}
	return needingReview(items), nil
}

// Decide inserts the item's new version, then the decision.
func (s *CHStore) Decide(ctx context.Context, d schemas.ReviewDecision, after Item) error {
	t, r, err := itemRow(after, after.Version)
	if err != nil {
		return err
	}
	if err := s.insert(ctx, t, r); err != nil {
		return err
	}
	return s.sink.WriteReviewDecisions(ctx, []schemas.ReviewDecision{d})
}

func (s *CHStore) insert(ctx context.Context, t clickhouse.Table, r clickhouse.Row) error {
	q := fmt.Sprintf("INSERT INTO %s (%s)", s.table(t.Name), strings.Join(t.ColumnNames(), ", "))
	batch, err := s.conn.PrepareBatch(ctx, q)
	if err != nil {
		return fmt.Errorf("review: insert into %s: %w", s.table(t.Name), err)
	}
	if err := batch.Append(r...); err != nil {
		batch.Abort()
		return fmt.Errorf("review: insert into %s: %w", s.table(t.Name), err)
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("review: insert into %s: %w", s.table(t.Name), err)
	}
	return nil
}

// Decisions returns every decision, oldest first.
func (s *CHStore) Decisions(ctx context.Context) ([]schemas.ReviewDecision, error) {
	rows, err := s.query(ctx, "SELECT * FROM "+s.table(clickhouse.TableReviewDecisions)+" ORDER BY decided_at")
	if err != nil {
		return nil, err
	}
	out := make([]schemas.ReviewDecision, 0, len(rows))
	for _, r := range rows {
		out = append(out, decisionFromRow(r))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DecidedAt.Before(out[j].DecidedAt) })
	return out, nil
}

// Ping checks the connection, waiting at most 5 seconds.
func (s *CHStore) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := s.conn.Ping(ctx); err != nil {
		return fmt.Errorf("review: ping clickhouse: %w", err)
	}
	return nil
}

// Close closes the connection and the sink.
func (s *CHStore) Close() error { return errors.Join(s.conn.Close(), s.sink.Close()) }
