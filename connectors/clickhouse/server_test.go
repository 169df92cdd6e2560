package clickhouse

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/finx-dev/finx/internal/testenv"
	"github.com/finx-dev/finx/schemas"
)

// These tests need a ClickHouse server: scripts/services start prints the
// FINX_CLICKHOUSE_ADDR to export. Each test works in a database of its own
// and drops it at the end.

func testDatabase() string {
	return fmt.Sprintf("finx_test_%d_%d", os.Getpid(), time.Now().UnixNano())
}

func openTestSink(t *testing.T, cfg Config) *Sink {
	t.Helper()
	cfg.Addr = testenv.ClickHouseAddr(t)
	if cfg.Database == "" {
		cfg.Database = testDatabase()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	logger := slog.New(slog.NewTextHandler(testWriter{t}, nil))
	s, err := Open(ctx, cfg, logger)
	if err != nil {
		t.Fatalf("Open(%s): %v", cfg.Addr, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s.mu.Lock()
		closed := s.closed
		s.mu.Unlock()
		if closed {
			// The test closed the sink and dropped its database itself.
			return
		}
		if err := s.conn.Exec(ctx, "DROP DATABASE IF EXISTS "+quoteIdent(s.Database())); err != nil {
			t.Errorf("drop database %s: %v", s.Database(), err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// testWriter sends log output to t.Log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func queryString(t *testing.T, s *Sink, query string) string {
	t.Helper()
	var out string
	if err := s.conn.QueryRow(context.Background(), query).Scan(&out); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return out
}

func queryCount(t *testing.T, s *Sink, query string) uint64 {
	t.Helper()
	var n uint64
	if err := s.conn.QueryRow(context.Background(), query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func exec1(t *testing.T, s *Sink, query string) {
	t.Helper()
	if err := s.conn.Exec(context.Background(), query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func TestSinkOpenCreatesTables(t *testing.T) {
	s := openTestSink(t, Config{})
	if v := s.ServerVersion(); v.Major == 0 {
		t.Errorf("ServerVersion: got %+v, want the server's version", v)
	}
	var want []string
	for _, table := range Tables() {
		want = append(want, table.Name)
	}
	for _, v := range views() {
		want = append(want, v.name)
	}
	want = append(want, TableSchemaMigrations, TableCrawlState)
	slices.Sort(want)
	got := queryString(t, s, fmt.Sprintf("SELECT arrayStringConcat(groupArray(name), ',') FROM (SELECT name FROM system.tables WHERE database = '%s' ORDER BY name)", s.Database()))
	if got != strings.Join(want, ",") {
		t.Errorf("tables: got %s, want %s", got, strings.Join(want, ","))
	}
	// Running the DDL again on existing tables changes nothing.
	for _, stmt := range DDL(s.Database()) {
		exec1(t, s, stmt)
	}
}

func TestSinkWriteReadsBackExactValues(t *testing.T) {
	s := openTestSink(t, Config{})
	ctx := context.Background()
	res := sampleResult()
	if err := s.Write(ctx, []*schemas.Result{res}); err != nil {
		t.Fatal(err)
	}
	db := s.Database()

	counts := map[string]uint64{TableFilings: 1, TableRisks: 1, TableMetrics: 5, TableGuidance: 1}
	for table, want := range counts {
		if got := queryCount(t, s, fmt.Sprintf("SELECT count() FROM %s.%s", db, table)); got != want {
			t.Errorf("%s: got %d rows, want %d", table, got, want)
		}
	}

	decimals := []struct{ id, want string }{
		{"1111111111111111", "391035000000"},
		{"2222222222222222", "-0.04"},
		{"3333333333333333", "0.33"},
		{"4444444444444444", "39000966000"},
	}
	for _, c := range decimals {
		t.Run("value "+c.want, func(t *testing.T) {
			// The comparison with a Decimal literal checks the stored value
			// exactly; toString shows it for the failure message.
			q := fmt.Sprintf("SELECT concat(toString(value), ' ', toString(value = toDecimal128('%s', 6)), ' ', value_text) FROM %s.metrics WHERE id = '%s'", c.want, db, c.id)
			got := queryString(t, s, q)
			parts := strings.Fields(got)
			if len(parts) != 3 || parts[1] != "1" || parts[2] != c.want {
				t.Errorf("value, equality, value_text: got %q, want the value %s, 1, %s", got, c.want, c.want)
			}
		})
	}
	huge := queryString(t, s, fmt.Sprintf("SELECT concat(toString(isNull(value)), ' ', value_text) FROM %s.metrics WHERE id = '5555555555555555'", db))
	if huge != "1 1234567890123456789012345678901234" {
		t.Errorf("out-of-range value: got %q, want NULL value and the exact text", huge)
	}

	quote := queryString(t, s, fmt.Sprintf("SELECT quote FROM %s.risks", db))
	if want := res.Risks[0].Citation.Quote; quote != want {
		t.Errorf("risks.quote: got %q, want %q", quote, want)
	}
	dims := queryString(t, s, fmt.Sprintf("SELECT arrayStringConcat(dimensions, '|') FROM %s.metrics WHERE id = '1111111111111111'", db))
	if dims != "srt:ProductOrServiceAxis=ex:WidgetsMember" {
		t.Errorf("metrics.dimensions: got %q, want srt:ProductOrServiceAxis=ex:WidgetsMember", dims)
	}
	at := queryString(t, s, fmt.Sprintf("SELECT toString(extracted_at) FROM %s.filings", db))
	if at != "2025-02-03 14:05:06" {
		t.Errorf("filings.extracted_at: got %s, want 2025-02-03 14:05:06", at)
	}
	version := queryCount(t, s, fmt.Sprintf("SELECT version FROM %s.filings", db))
	if want := uint64(res.ExtractedAt.UnixNano()); version != want {
		t.Errorf("filings.version: got %d, want %d", version, want)
	}
	guidance := queryString(t, s, fmt.Sprintf("SELECT concat(toString(low), ' ', toString(high), ' ', toString(prior_low), ' ', toString(isNull(prior_high))) FROM %s.guidance", db))
	if guidance != "4.350000 4.500000 4.200000 1" {
		t.Errorf("guidance low high prior_low isNull(prior_high): got %q, want 4.350000 4.500000 4.200000 1", guidance)
	}
}

func TestSinkReplayKeepsNewestRow(t *testing.T) {
	s := openTestSink(t, Config{})
	ctx := context.Background()
	db := s.Database()

	first := sampleResult()
	second := sampleResult()
	second.ExtractedAt = first.ExtractedAt.Add(time.Hour)
	second.Risks[0].Heading = "Supply risk, second extraction"
	// The same result again and then the older one arrive after the newer:
	// the newest version must win whatever the insert order.
	for _, res := range []*schemas.Result{first, second, first} {
		if err := s.Write(ctx, []*schemas.Result{res}); err != nil {
			t.Fatal(err)
		}
	}
	if got := queryCount(t, s, fmt.Sprintf("SELECT count() FROM %s.risks", db)); got != 3 {
		t.Errorf("risks before merge: got %d rows, want 3, one per write", got)
	}
	if got := queryCount(t, s, fmt.Sprintf("SELECT count() FROM %s.%s", db, ViewLatestRisks)); got != 1 {
		t.Errorf("%s before merge: got %d rows, want 1", ViewLatestRisks, got)
	}
	view := queryString(t, s, fmt.Sprintf("SELECT concat(heading, ' | ', toString(extracted_at), ' | ', toString(latest_version)) FROM %s.%s", db, ViewLatestRisks))
	if want := fmt.Sprintf("%s | 2025-02-03 15:05:06 | %d", second.Risks[0].Heading, second.ExtractedAt.UnixNano()); view != want {
		t.Errorf("%s before merge: got %q, want %q", ViewLatestRisks, view, want)
	}
	for _, table := range []string{TableFilings, TableRisks, TableMetrics, TableGuidance} {
		exec1(t, s, fmt.Sprintf("OPTIMIZE TABLE %s.%s FINAL", db, table))
	}
	want := map[string]uint64{TableFilings: 1, TableRisks: 1, TableMetrics: 5, TableGuidance: 1}
	for table, n := range want {
		if got := queryCount(t, s, fmt.Sprintf("SELECT count() FROM %s.%s", db, table)); got != n {
			t.Errorf("%s after OPTIMIZE FINAL: got %d rows, want %d", table, got, n)
		}
	}
	if got := queryString(t, s, fmt.Sprintf("SELECT heading FROM %s.risks", db)); got != second.Risks[0].Heading {
		t.Errorf("risks after OPTIMIZE FINAL: got heading %q, want %q", got, second.Risks[0].Heading)
	}
	if got := queryString(t, s, fmt.Sprintf("SELECT toString(extracted_at) FROM %s.filings", db)); got != "2025-02-03 15:05:06" {
		t.Errorf("filings.extracted_at after OPTIMIZE FINAL: got %s, want 2025-02-03 15:05:06", got)
	}
}

func TestSinkWriteDeadLetters(t *testing.T) {
	s := openTestSink(t, Config{})
	ctx := context.Background()
	first := sampleDeadLetter()
	later := sampleDeadLetter()
	later.Reason = "parse_timeout"
	later.FailedAt = first.FailedAt.Add(time.Minute)
	other := sampleDeadLetter()
	other.Offset = 42
	if err := s.WriteDeadLetters(ctx, []schemas.DeadLetter{first, other}); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteDeadLetters(ctx, []schemas.DeadLetter{later}); err != nil {
		t.Fatal(err)
	}
	exec1(t, s, fmt.Sprintf("OPTIMIZE TABLE %s.dead_letters FINAL", s.Database()))
	got := queryString(t, s, fmt.Sprintf("SELECT arrayStringConcat(groupArray(concat(toString(kafka_offset), ':', reason)), ',') FROM (SELECT kafka_offset, reason FROM %s.dead_letters ORDER BY kafka_offset)", s.Database()))
	if got != "41:parse_timeout,42:truncated_pdf" {
		t.Errorf("dead letters: got %s, want 41:parse_timeout,42:truncated_pdf", got)
	}
}

func TestSinkSplitsBatches(t *testing.T) {
	reg := prometheus.NewRegistry()
	s := openTestSink(t, Config{BatchRows: 2, Registerer: reg})
	if err := s.Write(context.Background(), []*schemas.Result{sampleResult()}); err != nil {
		t.Fatal(err)
	}
	if got := queryCount(t, s, fmt.Sprintf("SELECT count() FROM %s.metrics", s.Database())); got != 5 {
		t.Errorf("metrics: got %d rows, want 5", got)
	}
	// 5 metric rows in batches of at most 2 make 3 INSERTs.
	if got := counterValue(t, reg, "finx_clickhouse_inserts_total", "outcome=ok", "table=metrics"); got != 3 {
		t.Errorf("inserts into metrics: got %v, want 3", got)
	}
	if got := counterValue(t, reg, "finx_clickhouse_rows_written_total", "table=metrics"); got != 5 {
		t.Errorf("rows written to metrics: got %v, want 5", got)
	}
}

func TestSinkSplitsBatchesByBytes(t *testing.T) {
	reg := prometheus.NewRegistry()
	// Each risk row of the large result holds more than 100 bytes of text,
	// so 250 bytes fit two rows per INSERT.
	s := openTestSink(t, Config{BatchBytes: 250, Registerer: reg})
	res := largeResult(1, 5)
	if err := s.Write(context.Background(), []*schemas.Result{res}); err != nil {
		t.Fatal(err)
	}
	if got := queryCount(t, s, fmt.Sprintf("SELECT count() FROM %s.risks", s.Database())); got != 5 {
		t.Errorf("risks: got %d rows, want 5", got)
	}
	rows, _ := Rows(res)
	want := 0
	for start := 0; start < len(rows[TableRisks]); want++ {
		start = s.batchEnd(rows[TableRisks], start)
	}
	if want < 3 {
		t.Fatalf("batchEnd splits 5 risk rows into %d INSERTs, want at least 3", want)
	}
	if got := counterValue(t, reg, "finx_clickhouse_inserts_total", "outcome=ok", "table=risks"); got != float64(want) {
		t.Errorf("inserts into risks: got %v, want %d", got, want)
	}
}

func TestRowSize(t *testing.T) {
	cases := []struct {
		row  Row
		want int
	}{
		{Row{"abc", uint64(1)}, 11},
		{Row{[]string{"a", "bc"}, costDecimal("0.5")}, 8},
		{Row{(*string)(nil), 1.5}, 16},
	}
	for _, c := range cases {
		if got := rowSize(c.row); got != c.want {
			t.Errorf("rowSize(%v): got %d, want %d", c.row, got, c.want)
		}
	}
}

// counterValue returns the value of the counter with exactly the labels,
// given as name=value sorted by name.
func counterValue(t *testing.T, reg *prometheus.Registry, name string, labels ...string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			var got []string
			for _, l := range m.GetLabel() {
				got = append(got, l.GetName()+"="+l.GetValue())
			}
			if strings.Join(got, ",") == strings.Join(labels, ",") {
				return m.GetCounter().GetValue()
			}
		}
	}
	t.Fatalf("no counter %s%v", name, labels)
	return 0
}

func TestSinkWriteErrorNamesTableAndDocs(t *testing.T) {
	s := openTestSink(t, Config{})
	exec1(t, s, fmt.Sprintf("DROP TABLE %s.metrics", s.Database()))
	err := s.Write(context.Background(), []*schemas.Result{sampleResult()})
	var we *WriteError
	if !errors.As(err, &we) {
		t.Fatalf("got %v, want a *WriteError", err)
	}
	if want := s.Database() + ".metrics"; we.Table != want {
		t.Errorf("Table: got %s, want %s", we.Table, want)
	}
	if len(we.DocIDs) != 1 || we.DocIDs[0] != sampleDocID {
		t.Errorf("DocIDs: got %v, want [%s]", we.DocIDs, sampleDocID)
	}
	if we.Temporary() {
		t.Errorf("Temporary() for a missing table: got true, want false (%v)", err)
	}
}

func TestSinkClosed(t *testing.T) {
	s := openTestSink(t, Config{})
	exec1(t, s, "DROP DATABASE "+quoteIdent(s.Database()))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	err := s.Write(context.Background(), []*schemas.Result{sampleResult()})
	if !errors.Is(err, ErrClosed) {
		t.Errorf("Write after Close: got %v, want ErrClosed", err)
	}
}

func TestOpenUnreachableServer(t *testing.T) {
	// A port that was free a moment ago: nothing listens there.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = Open(ctx, Config{Addr: addr, DialTimeout: time.Second}, nil)
	if err == nil || !strings.Contains(err.Error(), addr) {
		t.Fatalf("got %v, want an error naming %s", err, addr)
	}
}

// clickhouseClient runs clickhouse-client against the test server with stdin
// from the reader.
func clickhouseClient(t *testing.T, stdin []byte, args ...string) {
	t.Helper()
	host, port, err := net.SplitHostPort(testenv.ClickHouseAddr(t))
	if err != nil {
		t.Fatal(err)
	}
	bin, err := exec.LookPath("clickhouse-client")
	if err != nil {
		t.Fatalf("clickhouse-client is not on PATH (scripts/services start installs it): %v", err)
	}
	cmd := exec.Command(bin, append([]string{"--host", host, "--port", port}, args...)...)
	cmd.Stdin = bytes.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("clickhouse-client %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// dumpTable returns every row of the table as JSONEachRow, sorted.
func dumpTable(t *testing.T, s *Sink, database, table string) string {
	t.Helper()
	rows, err := s.conn.Query(context.Background(), fmt.Sprintf(
		"SELECT * FROM %s.%s ORDER BY doc_id, version", quoteIdent(database), quoteIdent(table)))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out strings.Builder
	cols := rows.ColumnTypes()
	for rows.Next() {
		vals := make([]any, len(cols))
		for i, c := range cols {
			vals[i] = newScanTarget(c.ScanType())
		}
		if err := rows.Scan(vals...); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&out, "%v\n", derefAll(vals))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestFileSinkLoadsWithClickHouseClient(t *testing.T) {
	native := openTestSink(t, Config{})
	fileDB := native.Database() + "_files"
	t.Cleanup(func() { exec1(t, native, "DROP DATABASE IF EXISTS "+fileDB) })

	dir := t.TempDir()
	fs, err := NewFileSink(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	res := sampleResult()
	dl := sampleDeadLetter()
	if err := fs.Write(ctx, []*schemas.Result{res}); err != nil {
		t.Fatal(err)
	}
	if err := fs.WriteDeadLetters(ctx, []schemas.DeadLetter{dl}); err != nil {
		t.Fatal(err)
	}
	decisions := []schemas.ReviewDecision{sampleReviewDecision()}
	if err := fs.WriteReviewDecisions(ctx, decisions); err != nil {
		t.Fatal(err)
	}
	if err := fs.Close(); err != nil {
		t.Fatal(err)
	}
	if err := native.Write(ctx, []*schemas.Result{res}); err != nil {
		t.Fatal(err)
	}
	if err := native.WriteDeadLetters(ctx, []schemas.DeadLetter{dl}); err != nil {
		t.Fatal(err)
	}
	if err := native.WriteReviewDecisions(ctx, decisions); err != nil {
		t.Fatal(err)
	}

	// schema.sql names the database finx; the test loads the same
	// statements for its own database, in the same multiquery form.
	clickhouseClient(t, []byte(strings.Join(DDL(fileDB), ";\n\n")+";\n"), "--multiquery")
	for _, table := range Tables() {
		data, err := os.ReadFile(filepath.Join(dir, table.Name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		clickhouseClient(t, data, "--query", fmt.Sprintf("INSERT INTO %s.%s FORMAT JSONEachRow", fileDB, table.Name))
	}

	counts := map[string]uint64{TableFilings: 1, TableRisks: 1, TableMetrics: 5, TableGuidance: 1, TableDeadLetters: 1,
		TableRemovedRisks: 1, TableLLMCalls: 2, TableExtractionRuns: 1, TableReviewDecisions: 1}
	for table, want := range counts {
		if got := queryCount(t, native, fmt.Sprintf("SELECT count() FROM %s.%s", fileDB, table)); got != want {
			t.Errorf("%s loaded from file: got %d rows, want %d", table, got, want)
		}
	}
	exact := queryCount(t, native, fmt.Sprintf("SELECT count() FROM %s.metrics WHERE value = toDecimal128('391035000000', 6) AND id = '1111111111111111'", fileDB))
	if exact != 1 {
		t.Errorf("metrics.value 391035000000 loaded from file: got %d matching rows, want 1", exact)
	}
	for _, table := range Tables() {
		fromFile := dumpTable(t, native, fileDB, table.Name)
		fromServer := dumpTable(t, native, native.Database(), table.Name)
		if fromFile == "" || fromFile != fromServer {
			t.Errorf("%s: rows loaded from the file differ from rows inserted natively\nfile:\n%s\nnative:\n%s", table.Name, fromFile, fromServer)
		}
	}
}

func newScanTarget(typ reflect.Type) any {
	return reflect.New(typ).Interface()
}

func derefAll(ptrs []any) []any {
	out := make([]any, len(ptrs))
	for i, p := range ptrs {
		out[i] = reflect.ValueOf(p).Elem().Interface()
	}
	return out
}

func TestOpenReportsOutdatedTable(t *testing.T) {
	s := openTestSink(t, Config{})
	exec1(t, s, fmt.Sprintf("ALTER TABLE %s.metrics DROP COLUMN value_text", s.Database()))
	exec1(t, s, fmt.Sprintf("ALTER TABLE %s.risks MODIFY COLUMN confidence Float32", s.Database()))

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	again, err := Open(ctx, Config{Addr: s.cfg.Addr, Database: s.Database()}, nil)
	if err == nil {
		again.Close()
		t.Fatal("got nil error for a table without value_text, want a *SchemaError")
	}
	var se *SchemaError
	if !errors.As(err, &se) {
		t.Fatalf("got %v, want a *SchemaError", err)
	}
	want := []string{"risks.confidence: type Float32, want Float64", "metrics.value_text: missing"}
	if strings.Join(se.Problems, "|") != strings.Join(want, "|") {
		t.Errorf("Problems: got %q, want %q", se.Problems, want)
	}
}
