package grafana

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/finx-dev/finx/connectors/clickhouse"
	"github.com/finx-dev/finx/internal/testenv"
	"github.com/finx-dev/finx/schemas"
)

// datasourceUID is the uid of the provisioned ClickHouse data source.
const datasourceUID = "finx-clickhouse"

type target struct {
	RefID      string `json:"refId"`
	RawSQL     string `json:"rawSql"`
	Datasource struct {
		Type string `json:"type"`
		UID  string `json:"uid"`
	} `json:"datasource"`
}

type panel struct {
	ID      int      `json:"id"`
	Title   string   `json:"title"`
	Type    string   `json:"type"`
	Targets []target `json:"targets"`
	Panels  []panel  `json:"panels"`
}

type query struct {
	panel string
	sql   string
}

// dashboardQueries returns the rawSql of every panel target, rows' nested
// panels included.
func dashboardQueries(t *testing.T) []query {
	t.Helper()
	files, err := filepath.Glob("dashboards/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no dashboards/*.json (err %v)", err)
	}
	var out []query
	var walk func(file string, ps []panel)
	walk = func(file string, ps []panel) {
		for _, p := range ps {
			walk(file, p.Panels)
			for _, tg := range p.Targets {
				if tg.Datasource.UID != datasourceUID || tg.Datasource.Type != "grafana-clickhouse-datasource" {
					t.Errorf("%s panel %q: got data source %s/%s, want grafana-clickhouse-datasource/%s",
						file, p.Title, tg.Datasource.Type, tg.Datasource.UID, datasourceUID)
				}
				if strings.TrimSpace(tg.RawSQL) == "" {
					t.Errorf("%s panel %q: empty rawSql", file, p.Title)
					continue
				}
				out = append(out, query{panel: filepath.Base(file) + ": " + p.Title, sql: tg.RawSQL})
			}
		}
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var d struct {
			Panels []panel `json:"panels"`
		}
		if err := json.Unmarshal(data, &d); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		walk(file, d.Panels)
	}
	return out
}

// Time range of the macros: 2020-09-13 to 2033-05-18, around the sample's
// times.
const (
	rangeFrom = "1600000000"
	rangeTo   = "2000000000"
)

var (
	timeFilterMacro = regexp.MustCompile(`\$__timeFilter\(([^)]+)\)`)
	databaseName    = regexp.MustCompile(`\bfinx\.`)
)

// expandMacros replaces the data source plugin's macros with the SQL it
// sends for a fixed time range, and the database finx with database.
func expandMacros(sql, database string) string {
	sql = timeFilterMacro.ReplaceAllString(sql, "($1 >= toDateTime("+rangeFrom+") AND $1 <= toDateTime("+rangeTo+"))")
	sql = strings.NewReplacer(
		"$__fromTime", "toDateTime("+rangeFrom+")",
		"$__toTime", "toDateTime("+rangeTo+")",
		"$__interval_s", "3600",
	).Replace(sql)
	return databaseName.ReplaceAllString(sql, database+".")
}

// sample returns a result that gives every panel at least one row.
func sample(now time.Time) *schemas.Result {
	cite := schemas.Citation{Quote: "q", Start: 0, End: 1, SourceOffset: -1, Match: schemas.MatchExact}
	res := &schemas.Result{
		SchemaVersion: schemas.SchemaVersion,
		Filing: schemas.Filing{DocID: strings.Repeat("c", 64), SourcePath: "/filings/acme.htm", MediaType: schemas.MediaHTML,
			Form: "10-Q", Company: "Acme", CIK: "0000000001", FilingDate: now.Format(time.DateOnly), PublishedAt: now},
		Risks: []schemas.Risk{
			{ID: "1000000000000001", Heading: "New risk", Category: "market", Severity: "high", Change: schemas.ChangeNew,
				Citation: cite, Status: schemas.StatusAccepted, Confidence: 0.9, Provider: "rules"},
			{ID: "1000000000000002", Heading: "Doubtful risk", Category: "other", Severity: "low", Change: schemas.ChangeUnknown,
				Citation: cite, Status: schemas.StatusNeedsReview, Confidence: 0.4, Provider: "rules"},
		},
		Metrics: []schemas.Metric{{ID: "2000000000000001", Metric: "revenue", Label: "Revenue", Value: "12500000", Display: "12.5",
			Scale: 6, Unit: "USD", PeriodType: "duration", PeriodStart: "2026-07-01", PeriodEnd: "2026-09-30", Source: "text",
			XBRLCheck: "no_fact", Citation: cite, Status: schemas.StatusAccepted, Confidence: 0.8, Provider: "rules"}},
		Guidance: []schemas.Guidance{{ID: "3000000000000001", Metric: "revenue", Period: "fiscal 2027", Low: "45", High: "48",
			Scale: 6, Unit: "USD", Basis: "gaap", Direction: "lowered", PriorLow: "50", PriorHigh: "55",
			Citation: cite, Status: schemas.StatusAccepted, Confidence: 0.7, Provider: "rules"}},
		Stats:    schemas.Stats{DurationMS: 42},
		Provider: "llm",
		LLMCalls: []schemas.LLMCall{{CallID: "call-1", DocID: strings.Repeat("c", 64), Pass: "risk", Provider: "deepseek",
			Model: "deepseek-chat", Outcome: "ok", Attempt: 1, PromptCacheMissTokens: 1000, CompletionTokens: 200,
			CostUSD: "0.000512", LatencyMS: 900, CalledAt: now}},
		ExtractedAt: now,
	}
	res.FillEmpty()
	return res
}

// TestDashboardQueries runs every rawSql of the dashboards on the tables
// that the clickhouse package creates, loaded with a sample, and fails on
// any error or on a panel without rows.
func TestDashboardQueries(t *testing.T) {
	addr := testenv.ClickHouseAddr(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const database = "s3serve_grafana_test"
	queries := dashboardQueries(t)
	if len(queries) < 8 {
		t.Fatalf("got %d dashboard queries, want at least 8", len(queries))
	}

	conn, err := ch.Open(&ch.Options{Protocol: ch.Native, Addr: []string{addr}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+database); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+database) })

	sink, err := clickhouse.Open(ctx, clickhouse.Config{Addr: addr, Database: database}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	now := time.Now().UTC().Truncate(time.Second)
	res := sample(now)
	if err := sink.Write(ctx, []*schemas.Result{res}); err != nil {
		t.Fatal(err)
	}
	if err := sink.WriteDeadLetters(ctx, []schemas.DeadLetter{{SchemaVersion: schemas.SchemaVersion, DocID: strings.Repeat("d", 64),
		SourcePath: "/filings/bad.pdf", Stage: schemas.StageExtract, Reason: "not_pdf", Error: "pdf: not a PDF",
		Attempts: 1, FailedAt: now}}); err != nil {
		t.Fatal(err)
	}
	if err := sink.WriteReviewDecisions(ctx, []schemas.ReviewDecision{{SchemaVersion: schemas.SchemaVersion, DecisionID: "d1",
		DocID: res.Filing.DocID, Kind: schemas.KindMetric, ItemID: "2000000000000001", Action: schemas.ActionCorrect,
		Reviewer: "alice", Before: "{}", After: "{}", Provider: "rules", DecidedAt: now}}); err != nil {
		t.Fatal(err)
	}
	t.Logf("server %s, DDL path %s", sink.ServerVersion(), sink.Path())

	for _, q := range queries {
		t.Run(q.panel, func(t *testing.T) {
			sql := expandMacros(q.sql, database)
			if strings.Contains(sql, "$") {
				t.Fatalf("unexpanded macro or variable left in:\n%s", sql)
			}
			rows, err := conn.Query(ctx, sql)
			if err != nil {
				t.Fatalf("query failed: %v\n%s", err, sql)
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				n++
			}
			if err := rows.Err(); err != nil {
				t.Fatalf("reading rows failed: %v\n%s", err, sql)
			}
			if n == 0 {
				t.Errorf("got no rows on the sample, want at least one:\n%s", sql)
			}
		})
	}
}

// writeSample writes the sample with the file sink into a new folder.
func writeSample(t *testing.T, dir string, now time.Time) {
	t.Helper()
	ctx := context.Background()
	sink, err := clickhouse.NewFileSink(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	res := sample(now)
	if err := sink.Write(ctx, []*schemas.Result{res}); err != nil {
		t.Fatal(err)
	}
	if err := sink.WriteDeadLetters(ctx, []schemas.DeadLetter{{SchemaVersion: schemas.SchemaVersion, DocID: strings.Repeat("d", 64),
		SourcePath: "/filings/bad.pdf", Stage: schemas.StageExtract, Reason: "not_pdf", Error: "pdf: not a PDF",
		Attempts: 1, FailedAt: now}}); err != nil {
		t.Fatal(err)
	}
	if err := sink.WriteReviewDecisions(ctx, []schemas.ReviewDecision{{SchemaVersion: schemas.SchemaVersion, DecisionID: "d1",
		DocID: res.Filing.DocID, Kind: schemas.KindMetric, ItemID: "2000000000000001", Action: schemas.ActionCorrect,
		Reviewer: "alice", Before: "{}", After: "{}", Provider: "rules", DecidedAt: now}}); err != nil {
		t.Fatal(err)
	}
}

// TestDashboardQueriesCurrent runs every rawSql on chdb, an in-process
// current ClickHouse release, on the tables of the current DDL path
// (LowCardinality enumerations, DateTime64 event times), which the compose
// file's clickhouse-server 24.8 gets. FINX_CHDB_PYTHON names a Python that
// can import chdb; scripts/test sets it.
func TestDashboardQueriesCurrent(t *testing.T) {
	python := os.Getenv("FINX_CHDB_PYTHON")
	if python == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("FINX_CHDB_PYTHON is not set: CI needs a Python with chdb (scripts/test sets it)")
		}
		t.Skip("FINX_CHDB_PYTHON is not set; skipping the test that needs a Python with chdb")
	}
	dir := t.TempDir()
	writeSample(t, dir, time.Now().UTC().Truncate(time.Second))
	schema := strings.Join(clickhouse.DDLFor(clickhouse.DefaultDatabase, clickhouse.PathCurrent), "\n;\n") + "\n"
	if err := os.WriteFile(filepath.Join(dir, "schema.sql"), []byte(schema), 0o644); err != nil {
		t.Fatal(err)
	}
	queries := make(map[string]string)
	for _, q := range dashboardQueries(t) {
		queries[q.panel] = expandMacros(q.sql, clickhouse.DefaultDatabase)
	}
	data, err := json.Marshal(queries)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "queries.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, python, "testdata/run_queries.py", dir)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var out struct {
		Version string            `json:"version"`
		Rows    map[string]*int   `json:"rows"`
		Errors  map[string]string `json:"errors"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("chdb script output is not JSON (run error %v): %v\nstdout:\n%s\nstderr:\n%s", runErr, err, stdout.String(), stderr.String())
	}
	t.Logf("chdb ClickHouse %s", out.Version)
	for step, msg := range out.Errors {
		t.Errorf("%s: %s", step, msg)
	}
	for panel := range queries {
		n := out.Rows[panel]
		if n != nil && *n == 0 {
			t.Errorf("%s: got no rows on the sample, want at least one", panel)
		}
	}
}
