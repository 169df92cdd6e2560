package clickhouse

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/finx-dev/finx/schemas"
)

// Sink writes results to a ClickHouse server over the native protocol.
//
// The native protocol of clickhouse-go v2.51 works with clickhouse-server
// 18.16 (handshake, batch INSERT, Decimal, Array(String), DateTime), tested
// by the integration tests. Its HTTP protocol does not: the client sends the
// setting client_protocol_version, which 18.16 rejects with "Unknown setting".
type Sink struct {
	conn    driver.Conn
	cfg     Config
	log     *slog.Logger
	metrics *metrics
	version ServerVersion
	path    Path

	mu     sync.Mutex
	closed bool
}

// ServerVersion is the version the server reported in the handshake.
type ServerVersion struct {
	Major, Minor, Patch uint64
	// Revision is the native protocol revision, 54412 for 18.16.1.
	Revision uint64
}

func (v ServerVersion) String() string {
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
}

// AtLeast reports whether v is major.minor or newer.
func (v ServerVersion) AtLeast(major, minor uint64) bool {
	return v.Major > major || v.Major == major && v.Minor >= minor
}

// Open connects to the server, reads its version, applies the pending
// migrations (see Migrations) and returns a *SchemaError when the tables
// still lack columns that the sink writes. ctx bounds only these steps. A
// nil logger discards the log.
func Open(ctx context.Context, cfg Config, logger *slog.Logger) (*Sink, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logger = logger.With("component", "clickhouse", "addr", cfg.Addr, "database", cfg.Database)
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, err
	}

	conn, err := dial(cfg)
	if err != nil {
		return nil, err
	}
	s := &Sink{conn: conn, cfg: cfg, log: logger, metrics: m}
	if err := s.init(ctx); err != nil {
		_ = conn.Close()
		return nil, err
	}
	return s, nil
}

func (s *Sink) init(ctx context.Context) error {
	v, err := serverVersion(ctx, s.conn, s.cfg.Addr)
	if err != nil {
		return err
	}
	s.version = v
	s.log.InfoContext(ctx, "clickhouse server connected", "server_version", v.String(), "revision", v.Revision)
	if !v.AtLeast(18, 16) {
		s.log.WarnContext(ctx, "clickhouse server older than 18.16 is untested", "server_version", v.String())
	}
	report, err := migrate(ctx, s.conn, s.cfg.Database, v, s.log, MigrateOptions{})
	if err != nil {
		return err
	}
	s.path = report.Path
	return s.checkSchema(ctx)
}

// ServerVersion returns the version the server reported when the sink opened.
func (s *Sink) ServerVersion() ServerVersion { return s.version }

// Path returns the column types chosen for the server version.
func (s *Sink) Path() Path { return s.path }

// Database returns the database that holds the tables.
func (s *Sink) Database() string { return s.cfg.Database }

// Write inserts the rows of the results: one INSERT per table per call, split
// only when a table has more than Config.BatchRows rows or
// Config.BatchBytes estimated bytes. Tables are written
// in the order of Tables(), filings last. On failure it returns a
// *WriteError naming the table and the documents. Tables written before the
// failure keep their rows, and writing the same results again is safe.
func (s *Sink) Write(ctx context.Context, results []*schemas.Result) error {
	if len(results) == 0 {
		return nil
	}
	batch := make(map[string][]Row)
	docIDs := make([]string, 0, len(results))
	for _, res := range results {
		rows, err := Rows(res)
		if err != nil {
			return err
		}
		docIDs = append(docIDs, res.Filing.DocID)
		for table, rs := range rows {
			batch[table] = append(batch[table], rs...)
		}
	}
	return s.insertAll(ctx, batch, docIDs)
}

// WriteDeadLetters inserts the dead letters in one INSERT into dead_letters.
func (s *Sink) WriteDeadLetters(ctx context.Context, letters []schemas.DeadLetter) error {
	if len(letters) == 0 {
		return nil
	}
	rows := make([]Row, len(letters))
	docIDs := make([]string, len(letters))
	for i := range letters {
		rows[i] = DeadLetterRow(&letters[i])
		docIDs[i] = letters[i].DocID
	}
	return s.insertAll(ctx, map[string][]Row{TableDeadLetters: rows}, docIDs)
}

// WriteReviewDecisions inserts the decisions into review_decisions, split
// into INSERTs of at most Config.BatchRows rows.
func (s *Sink) WriteReviewDecisions(ctx context.Context, decisions []schemas.ReviewDecision) error {
	if len(decisions) == 0 {
		return nil
	}
	rows := make([]Row, len(decisions))
	docIDs := make([]string, len(decisions))
	for i := range decisions {
		rows[i] = ReviewDecisionRow(&decisions[i])
		docIDs[i] = decisions[i].DocID
	}
	return s.insertAll(ctx, map[string][]Row{TableReviewDecisions: rows}, docIDs)
}

func (s *Sink) insertAll(ctx context.Context, batch map[string][]Row, docIDs []string) error {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return ErrClosed
	}
	for _, t := range Tables() {
		rows := batch[t.Name]
		for start := 0; start < len(rows); {
			end := s.batchEnd(rows, start)
			if err := s.insert(ctx, t, rows[start:end]); err != nil {
				return &WriteError{Table: s.cfg.Database + "." + t.Name, DocIDs: docIDs, Err: err}
			}
			start = end
		}
		if len(rows) > 0 {
			s.log.DebugContext(ctx, "clickhouse rows inserted", "table", t.Name, "rows", len(rows), "docs", len(docIDs))
		}
	}
	return nil
}

// batchEnd returns the end of the INSERT that starts at rows[start]: at
// most BatchRows rows and BatchBytes estimated bytes, and at least one row.
func (s *Sink) batchEnd(rows []Row, start int) int {
	end, size := start, 0
	for end < len(rows) && end-start < s.cfg.BatchRows {
		n := rowSize(rows[end])
		if end > start && size+n > s.cfg.BatchBytes {
			break
		}
		size += n
		end++
	}
	return end
}

// rowSize estimates the bytes of a row in an INSERT: the lengths of its
// strings and 8 bytes for each other value.
func rowSize(row Row) int {
	n := 0
	for _, v := range row {
		switch v := v.(type) {
		case string:
			n += len(v)
		case []string:
			for _, e := range v {
				n += len(e) + 1
			}
		case costDecimal:
			n += len(v)
		default:
			n += 8
		}
	}
	return n
}

// insert sends rows to t in one INSERT.
func (s *Sink) insert(ctx context.Context, t Table, rows []Row) (err error) {
	begin := time.Now()
	defer func() { s.metrics.observeInsert(t.Name, len(rows), begin, err) }()

	query := fmt.Sprintf("INSERT INTO %s.%s (%s)", quoteIdent(s.cfg.Database), quoteIdent(t.Name), strings.Join(quoteAll(t.ColumnNames()), ", "))
	b, err := s.conn.PrepareBatch(ctx, query)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	// Abort releases the connection when the batch is not sent; after Send
	// it returns an error that is of no interest.
	defer func() { _ = b.Abort() }()
	for i, row := range rows {
		if len(row) != len(t.Columns) {
			return fmt.Errorf("row %d has %d values, want %d", i, len(row), len(t.Columns))
		}
		if err := b.Append(row...); err != nil {
			return fmt.Errorf("append row %d (doc_id %v): %w", i, row[0], err)
		}
	}
	if err := b.Send(); err != nil {
		return fmt.Errorf("send %d rows: %w", len(rows), err)
	}
	return nil
}

// Close closes the connections. Write calls in progress finish or fail on
// their own; later calls return ErrClosed.
func (s *Sink) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	if err := s.conn.Close(); err != nil {
		return fmt.Errorf("clickhouse: close %s: %w", s.cfg.Addr, err)
	}
	return nil
}

func quoteAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = quoteIdent(n)
	}
	return out
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
