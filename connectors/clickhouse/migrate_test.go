package clickhouse

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/finx-dev/finx/internal/testenv"
	"github.com/finx-dev/finx/schemas"
)

func TestMigrationsOrdered(t *testing.T) {
	ms := Migrations()
	for i, m := range ms {
		if m.ID != uint32(i+1) {
			t.Errorf("migration %d: got ID %d, want %d", i, m.ID, i+1)
		}
		if m.Description == "" {
			t.Errorf("migration %d: empty description", m.ID)
		}
	}
}

// TestMigrationPlanFresh plans every migration against an empty database:
// each table is created once, each view once per migration that replaces
// the views, and nothing is altered or rebuilt.
func TestMigrationPlanFresh(t *testing.T) {
	st := &dbState{tables: map[string]*tableState{}}
	var all []string
	viewMigrations := 0
	for _, m := range Migrations() {
		for _, s := range m.steps("finx") {
			if _, ok := s.(replaceViews); ok {
				viewMigrations++
			}
			all = append(all, s.plan("finx", PathPortable, st)...)
		}
	}
	joined := strings.Join(all, "\n")
	for _, table := range Tables() {
		if n := strings.Count(joined, "CREATE TABLE IF NOT EXISTS finx."+table.Name+"\n"); n != 1 {
			t.Errorf("CREATE TABLE finx.%s: got %d statements, want 1", table.Name, n)
		}
	}
	for _, v := range views() {
		if n := strings.Count(joined, "CREATE VIEW finx."+v.name+" AS"); n != viewMigrations {
			t.Errorf("CREATE VIEW finx.%s: got %d statements, want %d", v.name, n, viewMigrations)
		}
	}
	for _, banned := range []string{"ALTER TABLE", "RENAME TABLE", "INSERT INTO"} {
		if strings.Contains(joined, banned) {
			t.Errorf("plan for an empty database contains %s", banned)
		}
	}
}

// migrationConn opens a connection of its own, for setting up databases
// without running the migrations that Open runs.
func migrationConn(t *testing.T) (Config, func(query string)) {
	t.Helper()
	cfg := Config{Addr: testenv.ClickHouseAddr(t), Database: testDatabase()}.withDefaults()
	conn, err := dial(cfg)
	if err != nil {
		t.Fatal(err)
	}
	exec := func(query string) {
		t.Helper()
		if err := conn.Exec(context.Background(), query); err != nil {
			t.Fatalf("%v\n%s", err, query)
		}
	}
	t.Cleanup(func() {
		if err := conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+cfg.Database); err != nil {
			t.Errorf("drop database %s: %v", cfg.Database, err)
		}
		conn.Close()
	})
	return cfg, exec
}

func TestMigrateFreshDatabase(t *testing.T) {
	cfg, _ := migrationConn(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	dry, err := Migrate(ctx, cfg, nil, MigrateOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(dry.Applied) != len(Migrations()) || !dry.DryRun {
		t.Errorf("dry run: got %d migrations (DryRun %v), want %d planned", len(dry.Applied), dry.DryRun, len(Migrations()))
	}

	first, err := Migrate(ctx, cfg, nil, MigrateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if first.Current != 0 || len(first.Applied) != len(Migrations()) {
		t.Errorf("first run: got Current %d and %d applied, want 0 and %d", first.Current, len(first.Applied), len(Migrations()))
	}
	if want := PathFor(first.ServerVersion); first.Path != want {
		t.Errorf("Path: got %s, want %s for server %s", first.Path, want, first.ServerVersion)
	}
	second, err := Migrate(ctx, cfg, nil, MigrateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if last := Migrations()[len(Migrations())-1].ID; second.Current != last || len(second.Applied) != 0 {
		t.Errorf("second run: got Current %d and %d applied, want %d and 0", second.Current, len(second.Applied), last)
	}
}

// TestMigrateDryRunChangesNothing checks that a dry run on a missing
// database leaves it missing.
func TestMigrateDryRunChangesNothing(t *testing.T) {
	cfg, _ := migrationConn(t)
	ctx := context.Background()
	if _, err := Migrate(ctx, cfg, nil, MigrateOptions{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	report, err := Migrate(ctx, cfg, nil, MigrateOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if report.Current != 0 {
		t.Errorf("Current after two dry runs: got %d, want 0", report.Current)
	}
}

// loadFirstSchema creates the database with the DDL that finx wrote before
// migrations existed and loads the sample rows of that time.
func loadFirstSchema(t *testing.T, database string, exec func(string)) map[string]int {
	t.Helper()
	ddl, err := os.ReadFile(filepath.Join("testdata", "v1", "schema.sql"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(ddl), "DATABASE IF NOT EXISTS finx", "DATABASE IF NOT EXISTS "+database)
	text = strings.ReplaceAll(text, "finx.", database+".")
	for _, stmt := range strings.Split(text, ";\n") {
		if stmt = strings.TrimSpace(stmt); stmt != "" {
			exec(stmt)
		}
	}

	f, err := os.Open(filepath.Join("testdata", "v1", "rows.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines := make(map[string][]string)
	var table string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if name, ok := strings.CutPrefix(sc.Text(), "-- "); ok {
			table = name
			continue
		}
		lines[table] = append(lines[table], sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	counts := make(map[string]int)
	for table, ls := range lines {
		// The native protocol sends no inline data, so the rows go through
		// clickhouse-client as a user would load them.
		clickhouseClient(t, []byte(strings.Join(ls, "\n")+"\n"), "--query", fmt.Sprintf("INSERT INTO %s.%s FORMAT JSONEachRow", database, table))
		counts[table] = len(ls)
	}
	return counts
}

// TestMigrateFromFirstSchema migrates a database that an older finx
// created: the rows stay, the item tables get their new keys and the
// company columns from filings, and the sink writes to it afterwards.
func TestMigrateFromFirstSchema(t *testing.T) {
	cfg, exec := migrationConn(t)
	counts := loadFirstSchema(t, cfg.Database, exec)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	dry, err := Migrate(ctx, cfg, nil, MigrateOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	var planned []string
	for _, m := range dry.Applied {
		planned = append(planned, m.Statements...)
	}
	plan := strings.Join(planned, "\n")
	for _, want := range []string{
		"ALTER TABLE " + cfg.Database + ".filings ADD COLUMN model String AFTER provider",
		"ALTER TABLE " + cfg.Database + ".filings ADD COLUMN removed_risk_count UInt32 AFTER previous_doc_id",
		"RENAME TABLE " + cfg.Database + ".risks TO " + cfg.Database + ".risks_before_rebuild",
		"RENAME TABLE " + cfg.Database + ".metrics TO",
		"RENAME TABLE " + cfg.Database + ".guidance TO",
		"CREATE TABLE IF NOT EXISTS " + cfg.Database + ".llm_calls",
	} {
		if !strings.Contains(plan, want) {
			t.Errorf("dry run plan lacks %q", want)
		}
	}

	s, err := Open(ctx, cfg, nil)
	if err != nil {
		t.Fatalf("Open on the first schema: %v", err)
	}
	defer s.Close()
	db := cfg.Database
	for table, want := range counts {
		if got := queryCount(t, s, fmt.Sprintf("SELECT count() FROM %s.%s", db, table)); got != uint64(want) {
			t.Errorf("%s after migration: got %d rows, want %d", table, got, want)
		}
	}
	keys := queryString(t, s, fmt.Sprintf("SELECT arrayStringConcat(groupArray(concat(name, ': ', sorting_key, ' / ', partition_key)), '; ') FROM (SELECT name, sorting_key, partition_key FROM system.tables WHERE database = '%s' AND name IN ('risks', 'metrics', 'guidance') ORDER BY name)", db))
	wantKeys := "guidance: cik, metric, doc_id, id / toYear(toDateOrZero(filing_date)); metrics: cik, metric, period_end, doc_id, id / toYear(toDateOrZero(filing_date)); risks: cik, doc_id, id / toYear(toDateOrZero(filing_date))"
	if keys != wantKeys {
		t.Errorf("keys: got %q, want %q", keys, wantKeys)
	}
	if got := queryCount(t, s, fmt.Sprintf("SELECT count() FROM %s.metrics WHERE cik = '0000123456' AND form = '10-K' AND filing_date = '2025-01-31'", db)); got != 5 {
		t.Errorf("metrics with the company columns from filings: got %d, want 5", got)
	}
	if got := queryString(t, s, fmt.Sprintf("SELECT concat(value_text, ' ', toString(value = toDecimal128('391035000000', 6))) FROM %s.metrics WHERE id = '1111111111111111'", db)); got != "391035000000 1" {
		t.Errorf("metrics value after the rebuild: got %q, want 391035000000 1", got)
	}
	if got := queryCount(t, s, fmt.Sprintf("SELECT count() FROM system.tables WHERE database = '%s' AND name LIKE '%%rebuild%%'", db)); got != 0 {
		t.Errorf("tables left from the rebuild: got %d, want 0", got)
	}
	var ids []string
	for _, m := range Migrations() {
		ids = append(ids, fmt.Sprint(m.ID))
	}
	if got, want := queryString(t, s, fmt.Sprintf("SELECT arrayStringConcat(groupArray(toString(id)), ',') FROM (SELECT id FROM %s.schema_migrations ORDER BY id)", db)), strings.Join(ids, ","); got != want {
		t.Errorf("schema_migrations: got %s, want %s", got, want)
	}

	// The migrated database stores new rows and the views return them.
	res := sampleResult()
	res.ExtractedAt = res.ExtractedAt.Add(time.Hour)
	if err := s.Write(ctx, []*schemas.Result{res}); err != nil {
		t.Fatalf("Write after migration: %v", err)
	}
	if got := queryString(t, s, fmt.Sprintf("SELECT concat(model, ' ', change, ' ', cik) FROM %s.latest_risks", db)); got != "deepseek-chat reworded 0000123456" {
		t.Errorf("latest_risks after a new write: got %q, want deepseek-chat reworded 0000123456", got)
	}

	again, err := Migrate(ctx, cfg, nil, MigrateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Applied) != 0 {
		t.Errorf("Migrate after Open: got %d applied, want 0", len(again.Applied))
	}
}

// TestMigrateSchemaSQLDatabase migrates a database that schema.sql made:
// every migration is recorded, and none changes a table. schema.sql holds
// the tables of the file sink's output, so crawl_state is created.
func TestMigrateSchemaSQLDatabase(t *testing.T) {
	cfg, exec := migrationConn(t)
	for _, stmt := range DDL(cfg.Database) {
		exec(stmt)
	}
	report, err := Migrate(context.Background(), cfg, nil, MigrateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range report.Applied {
		for _, stmt := range m.Statements {
			if !strings.HasPrefix(stmt, "DROP TABLE IF EXISTS") && !strings.HasPrefix(stmt, "CREATE VIEW") &&
				firstLine(stmt) != "CREATE TABLE IF NOT EXISTS "+cfg.Database+"."+TableCrawlState {
				t.Errorf("migration %d on a schema.sql database: got %q, want only view replacements and crawl_state", m.ID, firstLine(stmt))
			}
		}
	}
}
