package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/finx-dev/finx/schemas"
)

// TableCrawlState is the table of CrawlState. Migration 6 creates it.
const TableCrawlState = "crawl_state"

// Values of the status column of crawl_state.
const (
	// CrawlStatusDone marks a document or filing that the crawl finished.
	CrawlStatusDone = "done"
	// CrawlStatusForgotten cancels an earlier CrawlStatusDone, so that the
	// next crawl fetches the key again.
	CrawlStatusForgotten = "forgotten"
)

var tableCrawlState = Table{
	Name:    TableCrawlState,
	OrderBy: "key",
	Columns: []Column{
		// key is the document URL or the dashed accession number.
		col("key", "String"),
		// kind is document or filing.
		enum("kind"),
		col("accession", "String"),
		col("cik", "String"),
		enum("form"),
		// url is the document URL, or the Archives folder of a filing.
		col("url", "String"),
		col("doc_id", "String"),
		enum("status"),
		col("fetched_at", typeTime),
		// version is the time of the record in Unix nanoseconds, so that
		// the newest record of a key wins.
		col("version", "UInt64"),
	},
}

// CrawlState is the EDGAR crawl state kept in the crawl_state table, so
// that crawlers on several hosts share it and it survives the loss of a
// host. It has the method set of edgar.State without importing edgar.
//
// Mark inserts one row, and Forget one row per key. Done reads the row with the
// largest version by argMax, which is correct before ReplacingMergeTree
// merges the rows of a key. Keys found done are cached in the process, so
// a crawl queries the server once per key that is done.
//
// Each Mark is one INSERT and so one part. A crawl makes at most about 10
// per second, SEC's request limit, which background merges absorb.
//
// NOTE: versions come from the clock of the host that writes them. A
// Forget on a host whose clock is behind the host of the Mark loses to it.
type CrawlState struct {
	conn     driver.Conn
	database string

	mu   sync.Mutex
	done map[string]bool
}

// OpenCrawlState connects to the server in cfg and applies the pending
// migrations to cfg.Database, which creates crawl_state. ctx bounds only
// these steps. A nil logger discards the log. Only Addr, Database,
// Username, Password, DialTimeout, ReadTimeout and MaxOpenConns of cfg
// apply.
func OpenCrawlState(ctx context.Context, cfg Config, logger *slog.Logger) (*CrawlState, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logger = logger.With("component", "clickhouse", "addr", cfg.Addr, "database", cfg.Database)
	conn, err := dial(cfg)
	if err != nil {
		return nil, err
	}
	v, err := serverVersion(ctx, conn, cfg.Addr)
	if err == nil {
		_, err = migrate(ctx, conn, cfg.Database, v, logger, MigrateOptions{})
	}
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	return &CrawlState{conn: conn, database: cfg.Database, done: make(map[string]bool)}, nil
}

// Done reports whether the newest record of key has status done.
func (s *CrawlState) Done(ctx context.Context, key string) (bool, error) {
	s.mu.Lock()
	cached := s.done[key]
	s.mu.Unlock()
	if cached {
		return true, nil
	}

	// An aggregate without GROUP BY returns one row even when no row
	// matches, with an empty status.
	query := fmt.Sprintf("SELECT argMax(status, version) FROM %s.%s WHERE key = ?", quoteIdent(s.database), TableCrawlState)
	var status string
	if err := s.conn.QueryRow(ctx, query, key).Scan(&status); err != nil {
		return false, fmt.Errorf("clickhouse: read %s.%s of %s: %w", s.database, TableCrawlState, key, err)
	}
	if status != CrawlStatusDone {
		return false, nil
	}
	s.mu.Lock()
	s.done[key] = true
	s.mu.Unlock()
	return true, nil
}

// Mark inserts a done record of key with the metadata of filing: its
// accession, CIK, form, SourcePath as the URL and DocID. kind is
// "document" or "filing". It returns after the server acknowledged the
// INSERT.
//
// NOTE: clickhouse-server acknowledges an INSERT once the part is written.
// 18.16 has no setting that fsyncs it first (system.merge_tree_settings
// lists none), so a power loss may lose the last records. The crawler then fetches those documents again, and the load
// stage replaces their rows by doc_id.
func (s *CrawlState) Mark(ctx context.Context, key, kind string, filing schemas.Filing) error {
	if key == "" {
		return errors.New("clickhouse: crawl state record has an empty key")
	}
	now := time.Now().UTC()
	row := Row{key, kind, filing.Accession, filing.CIK, filing.Form, filing.SourcePath, filing.DocID,
		CrawlStatusDone, toDateTime(now), versionOf(now)}
	if err := s.insert(ctx, []Row{row}); err != nil {
		return err
	}
	s.mu.Lock()
	s.done[key] = true
	s.mu.Unlock()
	return nil
}

// Forget inserts a forgotten record of each key, so that Done reports
// false and the next crawl fetches the document or filing again.
func (s *CrawlState) Forget(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	now := time.Now().UTC()
	rows := make([]Row, 0, len(keys))
	for _, key := range keys {
		rows = append(rows, Row{key, "", "", "", "", "", "", CrawlStatusForgotten, toDateTime(now), versionOf(now)})
	}
	if err := s.insert(ctx, rows); err != nil {
		return err
	}
	s.mu.Lock()
	for _, key := range keys {
		delete(s.done, key)
	}
	s.mu.Unlock()
	return nil
}

func (s *CrawlState) insert(ctx context.Context, rows []Row) error {
	query := fmt.Sprintf("INSERT INTO %s.%s (%s)", quoteIdent(s.database), TableCrawlState,
		strings.Join(tableCrawlState.ColumnNames(), ", "))
	b, err := s.conn.PrepareBatch(ctx, query)
	if err == nil {
		defer func() { _ = b.Abort() }()
		for _, row := range rows {
			if err = b.Append(row...); err != nil {
				break
			}
		}
	}
	if err == nil {
		err = b.Send()
	}
	if err != nil {
		return fmt.Errorf("clickhouse: insert %d rows into %s.%s, first key %s: %w", len(rows), s.database, TableCrawlState, rows[0][0], err)
	}
	return nil
}

// Database returns the database that contains crawl_state.
func (s *CrawlState) Database() string { return s.database }

// Close closes the connections.
func (s *CrawlState) Close() error { return s.conn.Close() }
