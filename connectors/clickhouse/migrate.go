package clickhouse

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// Migration is one versioned change of the schema. Migrations run in ID
// order, and schema_migrations records each one run, so that a later run
// skips it.
//
// Every step looks at the database before it acts: a CREATE has IF NOT
// EXISTS, a column is added only when missing and a table is rebuilt only
// when its sorting or partition key differs. So a database that an older
// finx created, one that schema.sql created and a new one all end in the
// same schema.
type Migration struct {
	ID          uint32
	Description string
	steps       func(database string) []step
}

// Migrations returns the schema's migrations in the order they run.
//
// NOTE: a migration must not change once released, except that CREATE
// statements follow the newest table definitions, which the later steps
// tolerate. A column added to a table needs a new migration with an
// addColumn step, a new sorting or partition key one with a rebuildTable
// step, and a changed view one with a replaceViews step.
func Migrations() []Migration {
	return []Migration{
		{ID: 1, Description: "create filings, risks, metrics, guidance and dead_letters", steps: func(db string) []step {
			var out []step
			for _, t := range []Table{tableRisks, tableMetrics, tableGuidance, tableFilings, tableDeadLetters} {
				out = append(out, createTable{t})
			}
			return out
		}},
		{ID: 2, Description: "add provenance, previous_doc_id and removed_risk_count to filings", steps: func(db string) []step {
			var out []step
			for _, name := range []string{"model", "prompt_version", "degraded", "previous_doc_id", "removed_risk_count"} {
				out = append(out, addColumn{table: tableFilings, column: name})
			}
			return out
		}},
		{ID: 3, Description: "rebuild risks, metrics and guidance keyed by company and partitioned by filing year, with company, provenance and risk change columns", steps: func(db string) []step {
			return []step{rebuildTable{tableRisks}, rebuildTable{tableMetrics}, rebuildTable{tableGuidance}}
		}},
		{ID: 4, Description: "create removed_risks, llm_calls, extraction_runs and review_decisions", steps: func(db string) []step {
			return []step{createTable{tableRemovedRisks}, createTable{tableLLMCalls}, createTable{tableExtractionRuns}, createTable{tableReviewDecisions}}
		}},
		{ID: 5, Description: "create the analyst views: latest_risks, latest_metrics, risk_changes, guidance_history, review_queue and the views they read", steps: func(db string) []step {
			return []step{replaceViews{}}
		}},
		{ID: 6, Description: "create crawl_state, the EDGAR crawl state", steps: func(db string) []step {
			return []step{createTable{tableCrawlState}}
		}},
		{ID: 7, Description: "replace the analyst views: key companies by CIK, else name, else document, and keep metric rows without a period start apart", steps: func(db string) []step {
			return []step{replaceViews{}}
		}},
		{ID: 8, Description: "add period_end, the end of the reported period, to filings", steps: func(db string) []step {
			return []step{addColumn{table: tableFilings, column: "period_end"}}
		}},
	}
}

// MigrationResult is one pending migration that Migrate ran or, with
// DryRun, would run.
type MigrationResult struct {
	ID          uint32
	Description string
	// Statements are the SQL statements in order; empty when the database
	// already had what the migration adds.
	Statements []string
}

// MigrateReport describes a Migrate call.
type MigrateReport struct {
	Database      string
	ServerVersion ServerVersion
	Path          Path
	// Applied are the pending migrations in order; with DryRun none ran.
	Applied []MigrationResult
	// Current is the highest migration ID recorded before the call, 0 for
	// none.
	Current uint32
	DryRun  bool
}

// MigrateOptions changes what Migrate does.
type MigrateOptions struct {
	// DryRun plans the pending migrations without changing the database.
	// Each migration is planned against the database as it is, so the
	// statements of a migration after the first pending one may differ
	// from what a real run executes.
	DryRun bool
}

// Migrate connects to the server in cfg and applies the pending
// migrations to cfg.Database, creating it when missing. A nil logger
// discards the log.
func Migrate(ctx context.Context, cfg Config, logger *slog.Logger, opts MigrateOptions) (*MigrateReport, error) {
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
	defer conn.Close()
	version, err := serverVersion(ctx, conn, cfg.Addr)
	if err != nil {
		return nil, err
	}
	return migrate(ctx, conn, cfg.Database, version, logger, opts)
}

func dial(cfg Config) (driver.Conn, error) {
	conn, err := ch.Open(&ch.Options{
		Protocol:     ch.Native,
		Addr:         []string{cfg.Addr},
		Auth:         ch.Auth{Database: "default", Username: cfg.Username, Password: cfg.Password},
		DialTimeout:  cfg.DialTimeout,
		ReadTimeout:  cfg.ReadTimeout,
		MaxOpenConns: cfg.MaxOpenConns,
		MaxIdleConns: cfg.MaxOpenConns,
	})
	if err != nil {
		return nil, fmt.Errorf("clickhouse: open %s: %w", cfg.Addr, err)
	}
	return conn, nil
}

func serverVersion(ctx context.Context, conn driver.Conn, addr string) (ServerVersion, error) {
	if err := conn.Ping(ctx); err != nil {
		return ServerVersion{}, fmt.Errorf("clickhouse: ping %s: %w", addr, err)
	}
	sv, err := conn.ServerVersion()
	if err != nil {
		return ServerVersion{}, fmt.Errorf("clickhouse: server version of %s: %w", addr, err)
	}
	return ServerVersion{Major: sv.Version.Major, Minor: sv.Version.Minor, Patch: sv.Version.Patch, Revision: sv.Revision}, nil
}

// migrate applies the pending migrations with the path of the server
// version.
//
// NOTE: two processes that migrate the same database at once may both run
// a rebuild and lose rows written in between. Run finx migrate before
// starting loaders, or start one loader first.
func migrate(ctx context.Context, conn driver.Conn, database string, v ServerVersion, log *slog.Logger, opts MigrateOptions) (*MigrateReport, error) {
	p := PathFor(v)
	log.InfoContext(ctx, "clickhouse schema path chosen", "path", string(p), "server_version", v.String())
	report := &MigrateReport{Database: database, ServerVersion: v, Path: p, DryRun: opts.DryRun}

	applied, err := appliedMigrations(ctx, conn, database)
	if err != nil {
		return nil, err
	}
	for id := range applied {
		report.Current = max(report.Current, id)
	}
	if !opts.DryRun {
		for _, stmt := range []string{
			fmt.Sprintf("CREATE DATABASE IF NOT EXISTS %s", quoteIdent(database)),
			tableSchemaMigrations.createStatement(database, TableSchemaMigrations, p),
		} {
			if err := conn.Exec(ctx, stmt); err != nil {
				return nil, fmt.Errorf("clickhouse: migrate %s: %q: %w", database, firstLine(stmt), err)
			}
		}
	}

	var st *dbState
	for _, m := range Migrations() {
		if applied[m.ID] {
			continue
		}
		// A real run reads the state that the previous migration left. A
		// dry run changes nothing, so it reads the state once and the steps
		// record their planned effect in it.
		if st == nil || !opts.DryRun {
			if st, err = loadState(ctx, conn, database); err != nil {
				return nil, err
			}
		}
		result := MigrationResult{ID: m.ID, Description: m.Description}
		for _, s := range m.steps(database) {
			result.Statements = append(result.Statements, s.plan(database, p, st)...)
		}
		report.Applied = append(report.Applied, result)
		if opts.DryRun {
			continue
		}
		start := time.Now()
		for _, stmt := range result.Statements {
			if err := conn.Exec(ctx, stmt); err != nil {
				return report, fmt.Errorf("clickhouse: migration %d (%s) on %s: %q: %w", m.ID, m.Description, database, firstLine(stmt), err)
			}
		}
		if err := recordMigration(ctx, conn, database, m, p, v, len(result.Statements)); err != nil {
			return report, err
		}
		log.InfoContext(ctx, "clickhouse migration applied", "migration", m.ID, "description", m.Description,
			"statements", len(result.Statements), "duration", time.Since(start))
	}
	return report, nil
}

// appliedMigrations returns the IDs in schema_migrations; none when the
// database or the table is missing.
func appliedMigrations(ctx context.Context, conn driver.Conn, database string) (map[uint32]bool, error) {
	// The database name is a plain identifier (Config.Validate), so it is
	// safe inside a string literal.
	var n uint64
	q := fmt.Sprintf("SELECT count() FROM system.tables WHERE database = '%s' AND name = '%s'", database, TableSchemaMigrations)
	if err := conn.QueryRow(ctx, q).Scan(&n); err != nil {
		return nil, fmt.Errorf("clickhouse: look up %s.%s: %w", database, TableSchemaMigrations, err)
	}
	applied := make(map[uint32]bool)
	if n == 0 {
		return applied, nil
	}
	rows, err := conn.Query(ctx, fmt.Sprintf("SELECT DISTINCT id FROM %s.%s", quoteIdent(database), TableSchemaMigrations))
	if err != nil {
		return nil, fmt.Errorf("clickhouse: read %s.%s: %w", database, TableSchemaMigrations, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id uint32
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("clickhouse: read %s.%s: %w", database, TableSchemaMigrations, err)
		}
		applied[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: read %s.%s: %w", database, TableSchemaMigrations, err)
	}
	return applied, nil
}

func recordMigration(ctx context.Context, conn driver.Conn, database string, m Migration, p Path, v ServerVersion, statements int) error {
	now := time.Now().UTC()
	b, err := conn.PrepareBatch(ctx, fmt.Sprintf("INSERT INTO %s.%s (%s)", quoteIdent(database), TableSchemaMigrations,
		strings.Join(tableSchemaMigrations.ColumnNames(), ", ")))
	if err == nil {
		defer func() { _ = b.Abort() }()
		err = b.Append(m.ID, m.Description, string(p), v.String(), uint32(statements), toDateTime(now), versionOf(now))
	}
	if err == nil {
		err = b.Send()
	}
	if err != nil {
		return fmt.Errorf("clickhouse: record migration %d in %s.%s: %w", m.ID, database, TableSchemaMigrations, err)
	}
	return nil
}

// dbState is the part of a database that the migration steps check: its
// tables with their keys and columns.
type dbState struct {
	tables map[string]*tableState
}

type tableState struct {
	engine       string
	sortingKey   string
	partitionKey string
	columns      map[string]string
}

func loadState(ctx context.Context, conn driver.Conn, database string) (*dbState, error) {
	st := &dbState{tables: make(map[string]*tableState)}
	rows, err := conn.Query(ctx, fmt.Sprintf("SELECT name, engine, sorting_key, partition_key FROM system.tables WHERE database = '%s'", database))
	if err != nil {
		return nil, fmt.Errorf("clickhouse: read tables of %s: %w", database, err)
	}
	for rows.Next() {
		t := &tableState{columns: make(map[string]string)}
		var name string
		if err := rows.Scan(&name, &t.engine, &t.sortingKey, &t.partitionKey); err != nil {
			rows.Close()
			return nil, fmt.Errorf("clickhouse: read tables of %s: %w", database, err)
		}
		st.tables[name] = t
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: read tables of %s: %w", database, err)
	}

	rows, err = conn.Query(ctx, fmt.Sprintf("SELECT table, name, type FROM system.columns WHERE database = '%s'", database))
	if err != nil {
		return nil, fmt.Errorf("clickhouse: read columns of %s: %w", database, err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, name, typ string
		if err := rows.Scan(&table, &name, &typ); err != nil {
			return nil, fmt.Errorf("clickhouse: read columns of %s: %w", database, err)
		}
		if t := st.tables[table]; t != nil {
			t.columns[name] = typ
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: read columns of %s: %w", database, err)
	}
	return st, nil
}

// step is one part of a migration. plan returns the statements that bring
// the database from state st to what the step adds.
type step interface {
	plan(database string, p Path, st *dbState) []string
}

// createTable creates a table that is missing.
type createTable struct{ table Table }

func (s createTable) plan(database string, p Path, st *dbState) []string {
	if st.tables[s.table.Name] != nil {
		return nil
	}
	st.tables[s.table.Name] = plannedState(s.table, p)
	return []string{s.table.createStatement(database, s.table.Name, p)}
}

// plannedState is the state of the table after its CREATE statement.
func plannedState(t Table, p Path) *tableState {
	ts := &tableState{engine: "ReplacingMergeTree", sortingKey: t.OrderBy, partitionKey: t.PartitionBy, columns: make(map[string]string)}
	for _, c := range t.Columns {
		ts.columns[c.Name] = c.TypeFor(p)
	}
	return ts
}

// addColumn adds one column of the table's definition when it is missing,
// after the column that precedes it in the definition. clickhouse-server
// 18.16 has no ADD COLUMN IF NOT EXISTS, so the step checks
// system.columns instead.
type addColumn struct {
	table  Table
	column string
}

func (s addColumn) plan(database string, p Path, st *dbState) []string {
	t := st.tables[s.table.Name]
	if t == nil {
		return nil
	}
	if _, ok := t.columns[s.column]; ok {
		return nil
	}
	i := slices.IndexFunc(s.table.Columns, func(c Column) bool { return c.Name == s.column })
	if i < 0 {
		panic("clickhouse: migration adds column " + s.column + ", which table " + s.table.Name + " does not define")
	}
	stmt := fmt.Sprintf("ALTER TABLE %s.%s ADD COLUMN %s %s", quoteIdent(database), quoteIdent(s.table.Name),
		quoteIdent(s.column), s.table.Columns[i].TypeFor(p))
	if i > 0 {
		stmt += " AFTER " + quoteIdent(s.table.Columns[i-1].Name)
	}
	// Record the column for the later steps of a dry run.
	t.columns[s.column] = s.table.Columns[i].TypeFor(p)
	return []string{stmt}
}

// rebuildTable gives a table its defined sorting and partition keys by
// copying it into a new table and swapping the two, because ClickHouse
// cannot change the sorting key of an existing MergeTree table to one with
// other columns. Columns missing in the old table take their default,
// except the company columns, which come from the filings table.
type rebuildTable struct{ table Table }

// Suffixes of the tables a rebuild uses while it runs.
const (
	rebuildSuffix = "_rebuild"
	oldSuffix     = "_before_rebuild"
)

func (s rebuildTable) plan(database string, p Path, st *dbState) []string {
	t := s.table
	cur := st.tables[t.Name]
	st.tables[t.Name] = plannedState(t, p)
	if cur == nil {
		return []string{t.createStatement(database, t.Name, p)}
	}
	if normalizeKey(cur.sortingKey) == normalizeKey(t.OrderBy) && normalizeKey(cur.partitionKey) == normalizeKey(t.PartitionBy) {
		st.tables[t.Name] = cur
		return nil
	}
	db := quoteIdent(database)
	tmp := t.Name + rebuildSuffix
	old := t.Name + oldSuffix

	var names, exprs []string
	needFilings := false
	for _, c := range t.Columns {
		if _, ok := cur.columns[c.Name]; ok {
			names = append(names, quoteIdent(c.Name))
			exprs = append(exprs, quoteIdent(c.Name))
			continue
		}
		if slices.ContainsFunc(companyColumns, func(cc Column) bool { return cc.Name == c.Name }) && st.tables[TableFilings] != nil {
			names = append(names, quoteIdent(c.Name))
			exprs = append(exprs, "rebuild_"+c.Name)
			needFilings = true
		}
	}
	from := fmt.Sprintf("%s.%s", db, quoteIdent(t.Name))
	if needFilings {
		// ANY LEFT JOIN ... USING is the join form that 18.16 and current
		// releases share. Documents without a filings row get empty
		// company columns.
		from += fmt.Sprintf(` ANY LEFT JOIN
(
    SELECT doc_id, tupleElement(f, 1) AS rebuild_cik, tupleElement(f, 2) AS rebuild_company,
        tupleElement(f, 3) AS rebuild_form, tupleElement(f, 4) AS rebuild_filing_date
    FROM (SELECT doc_id, argMax(tuple(cik, company, form, filing_date), version) AS f FROM %s.filings GROUP BY doc_id)
) AS rebuild_filings USING doc_id`, db)
	}
	return []string{
		fmt.Sprintf("DROP TABLE IF EXISTS %s.%s", db, quoteIdent(tmp)),
		fmt.Sprintf("DROP TABLE IF EXISTS %s.%s", db, quoteIdent(old)),
		t.createStatement(database, tmp, p),
		fmt.Sprintf("INSERT INTO %s.%s (%s)\nSELECT %s\nFROM %s", db, quoteIdent(tmp), strings.Join(names, ", "), strings.Join(exprs, ", "), from),
		fmt.Sprintf("RENAME TABLE %s.%s TO %s.%s, %s.%s TO %s.%s", db, quoteIdent(t.Name), db, quoteIdent(old), db, quoteIdent(tmp), db, quoteIdent(t.Name)),
		fmt.Sprintf("DROP TABLE %s.%s", db, quoteIdent(old)),
	}
}

// normalizeKey removes spaces and one pair of enclosing parentheses, so
// that "(cik, doc_id)" from the DDL equals "cik, doc_id" in system.tables.
func normalizeKey(k string) string {
	k = strings.ReplaceAll(k, " ", "")
	if strings.HasPrefix(k, "(") && strings.HasSuffix(k, ")") && strings.Count(k, "(") == 1 {
		k = k[1 : len(k)-1]
	}
	return k
}

// replaceViews drops every view and creates it again, which is how views
// change: they hold no data, and 18.16 has no CREATE OR REPLACE VIEW.
type replaceViews struct{}

func (replaceViews) plan(database string, _ Path, _ *dbState) []string {
	vs := views()
	var out []string
	for i := len(vs) - 1; i >= 0; i-- {
		out = append(out, vs[i].drop(database))
	}
	for _, v := range vs {
		out = append(out, v.create(database, false))
	}
	return out
}
