package clickhouse

import (
	"fmt"
	"strings"
)

// Table names, one table per kind of row.
const (
	TableFilings         = "filings"
	TableRisks           = "risks"
	TableMetrics         = "metrics"
	TableGuidance        = "guidance"
	TableRemovedRisks    = "removed_risks"
	TableLLMCalls        = "llm_calls"
	TableExtractionRuns  = "extraction_runs"
	TableDeadLetters     = "dead_letters"
	TableReviewDecisions = "review_decisions"
	// TableSchemaMigrations records the applied migrations; see Migrations.
	TableSchemaMigrations = "schema_migrations"
)

// Path selects the column types of the DDL. Open and Migrate pick it from
// the server version: PathPortable for servers older than 20.1, PathCurrent
// for 20.1 and later.
type Path string

const (
	// PathPortable uses only types that clickhouse-server 18.16 supports:
	// String for enumerations and DateTime for timestamps. Its DDL also
	// runs on current releases; the file sink's schema.sql uses it.
	PathPortable Path = "portable"
	// PathCurrent stores enumerations as LowCardinality(String), which is
	// experimental in 18.16, and event times of LLM calls and review
	// decisions as DateTime64(3, 'UTC'), which 20.1 introduced.
	PathCurrent Path = "current"
)

// PathFor returns the path for a server version.
//
// NOTE: the migration steps have run against clickhouse-server 18.16.1
// only. For current releases the tests run the DDL that the steps produce
// on an empty database (DDLFor with PathCurrent) in chdb, not the steps,
// so a rebuild on a current server is untested.
func PathFor(v ServerVersion) Path {
	if v.AtLeast(20, 1) {
		return PathCurrent
	}
	return PathPortable
}

// Column is one column of a table: its name and its ClickHouse type.
type Column struct {
	Name string
	// Type is the type on PathPortable.
	Type string
	// Current is the type on PathCurrent; empty means Type.
	Current string
}

// TypeFor returns the column's type on the path.
func (c Column) TypeFor(p Path) string {
	if p == PathCurrent && c.Current != "" {
		return c.Current
	}
	return c.Type
}

// Table describes one table that the sinks write. Rows for it are Row values
// with one entry per column, in column order.
type Table struct {
	Name    string
	Columns []Column
	// OrderBy is the sorting key, which is also the key that
	// ReplacingMergeTree deduplicates on.
	OrderBy string
	// PartitionBy is the partition key expression, empty for none.
	// ReplacingMergeTree replaces rows only within a partition, so the
	// expression must give every version of a key the same partition.
	PartitionBy string
}

// Column types shared by several tables.
const (
	// typeDecimal holds exact decimals with up to 32 integer and 6 fraction
	// digits. Values outside that range are NULL here, and the matching
	// *_text column keeps the exact text.
	typeDecimal = "Nullable(Decimal(38, 6))"
	// typeCost holds US dollar amounts with 12 fraction digits, enough for
	// the price of a single token; cost_usd_text keeps the exact text.
	typeCost = "Decimal(38, 12)"
	// typeTime is a UTC timestamp in whole seconds. Naming the time zone
	// makes text input such as JSONEachRow independent of the server's zone.
	typeTime = "DateTime('UTC')"
	// typeEventTime is typeTime on PathCurrent with milliseconds.
	typeEventTime = "DateTime64(3, 'UTC')"
	typeEnum      = "LowCardinality(String)"
)

func col(name, typ string) Column { return Column{Name: name, Type: typ} }

// enum is a String column with few distinct values, such as a status.
func enum(name string) Column { return Column{Name: name, Type: "String", Current: typeEnum} }

// eventTime is a timestamp in seconds on PathPortable and in milliseconds
// on PathCurrent.
func eventTime(name string) Column { return Column{Name: name, Type: typeTime, Current: typeEventTime} }

// filingYear partitions item tables by the year of the filing. The filing
// date is the same in every extraction of a document, so replays land in
// the partition of the row they replace. Years rather than months keep a
// backfill of decades of filings below the 100 partitions that one INSERT
// may touch (max_partitions_per_insert_block).
const filingYear = "toYear(toDateOrZero(filing_date))"

// citationColumns are the flattened schemas.Citation fields. The names carry
// a quote_ prefix because END is an SQL keyword and risks also have a body
// span.
var citationColumns = []Column{
	col("quote", "String"),
	col("quote_start", "UInt64"),
	col("quote_end", "UInt64"),
	col("quote_char_start", "UInt64"),
	col("quote_char_end", "UInt64"),
	col("quote_page", "UInt32"),
	col("quote_source_offset", "Int64"),
	enum("quote_match"),
}

// companyColumns copy the filing's company, form and date onto each item
// row, so that analyst queries filter and sort items without a join.
var companyColumns = []Column{
	col("cik", "String"),
	col("company", "String"),
	enum("form"),
	// filing_date is the ISO date as the filing states it, or empty;
	// toDateOrZero(filing_date) turns it into a Date.
	col("filing_date", "String"),
}

// provenanceColumns are the schemas.Provenance fields.
var provenanceColumns = []Column{
	enum("model"),
	enum("prompt_version"),
	enum("degraded"),
}

// itemTail are the columns every item table ends with.
var itemTail = join([]Column{
	enum("status"),
	enum("review_reason"),
	col("confidence", "Float64"),
	enum("provider"),
}, provenanceColumns, []Column{
	col("extracted_at", typeTime),
	// version orders replays of a document: the extraction time in Unix
	// nanoseconds. ReplacingMergeTree keeps the row with the largest version.
	col("version", "UInt64"),
})

func join(parts ...[]Column) []Column {
	var out []Column
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var tableFilings = Table{
	Name:    TableFilings,
	OrderBy: "doc_id",
	Columns: []Column{
		col("doc_id", "String"),
		col("source_path", "String"),
		col("media_type", "String"),
		col("form", "String"),
		col("company", "String"),
		col("cik", "String"),
		col("accession", "String"),
		col("filing_date", "String"),
		// Migration 8 adds period_end, the end of the reported period.
		col("period_end", "String"),
		col("size", "UInt64"),
		col("blob_ref", "String"),
		col("published_at", typeTime),
		col("pages", "UInt32"),
		col("pages_with_text", "UInt32"),
		col("sections", "Array(String)"),
		col("section_titles", "Array(String)"),
		col("risk_count", "UInt32"),
		col("metric_count", "UInt32"),
		col("guidance_count", "UInt32"),
		col("citations_checked", "UInt32"),
		col("citations_verified", "UInt32"),
		col("rejected", "UInt32"),
		col("text_bytes", "UInt64"),
		col("duration_ms", "UInt64"),
		col("warnings", "Array(String)"),
		col("provider", "String"),
		// Migration 2 adds the columns from model to removed_risk_count.
		col("model", "String"),
		col("prompt_version", "String"),
		col("degraded", "String"),
		// previous_doc_id is the filing that the risk changes compare with.
		col("previous_doc_id", "String"),
		col("removed_risk_count", "UInt32"),
		col("schema_version", "UInt16"),
		col("extracted_at", typeTime),
		col("version", "UInt64"),
	},
}

var tableRisks = Table{
	Name:        TableRisks,
	OrderBy:     "(cik, doc_id, id)",
	PartitionBy: filingYear,
	Columns: join([]Column{
		col("doc_id", "String"),
		col("id", "String"),
	}, companyColumns, []Column{
		col("heading", "String"),
		enum("category"),
		enum("severity"),
		col("severity_reason", "String"),
		enum("section"),
		// change is new, reworded, unchanged or unknown against the
		// previous filing of the company and form.
		enum("change"),
		col("previous_id", "String"),
		col("body_start", "UInt64"),
		col("body_end", "UInt64"),
	}, citationColumns, itemTail),
}

var tableMetrics = Table{
	Name:        TableMetrics,
	OrderBy:     "(cik, metric, period_end, doc_id, id)",
	PartitionBy: filingYear,
	Columns: join([]Column{
		col("doc_id", "String"),
		col("id", "String"),
	}, companyColumns, []Column{
		enum("metric"),
		col("label", "String"),
		col("concept", "String"),
		col("value", typeDecimal),
		col("value_text", "String"),
		col("display", "String"),
		col("scale", "Int32"),
		enum("unit"),
		enum("currency"),
		enum("period_type"),
		col("period_start", "String"),
		col("period_end", "String"),
		// dimensions are "axis=member" pairs.
		col("dimensions", "Array(String)"),
		enum("source"),
		enum("xbrl_check"),
	}, citationColumns, itemTail),
}

var tableGuidance = Table{
	Name:        TableGuidance,
	OrderBy:     "(cik, metric, doc_id, id)",
	PartitionBy: filingYear,
	Columns: join([]Column{
		col("doc_id", "String"),
		col("id", "String"),
	}, companyColumns, []Column{
		enum("metric"),
		col("label", "String"),
		col("period", "String"),
		// low, high, prior_low and prior_high are unscaled, as printed;
		// multiply by 10^scale for base units.
		col("low", typeDecimal),
		col("low_text", "String"),
		col("high", typeDecimal),
		col("high_text", "String"),
		col("scale", "Int32"),
		enum("unit"),
		enum("currency"),
		enum("basis"),
		enum("direction"),
		col("prior_low", typeDecimal),
		col("prior_low_text", "String"),
		col("prior_high", typeDecimal),
		col("prior_high_text", "String"),
	}, citationColumns, itemTail),
}

var tableRemovedRisks = Table{
	Name:        TableRemovedRisks,
	OrderBy:     "(cik, doc_id, previous_id, heading)",
	PartitionBy: filingYear,
	Columns: join([]Column{
		col("doc_id", "String"),
	}, companyColumns, []Column{
		col("previous_doc_id", "String"),
		col("previous_id", "String"),
		col("heading", "String"),
		enum("provider"),
		col("extracted_at", typeTime),
		col("version", "UInt64"),
	}),
}

var tableLLMCalls = Table{
	Name:    TableLLMCalls,
	OrderBy: "(doc_id, call_id, called_at)",
	// Calls happen while finx runs, so one INSERT touches few months.
	PartitionBy: "toYYYYMM(called_at)",
	Columns: []Column{
		col("doc_id", "String"),
		// call_id names document, pass, chunk and attempt. A new extraction
		// of the document repeats it at another called_at, and both calls
		// stay because both were paid for.
		col("call_id", "String"),
		enum("pass"),
		enum("provider"),
		enum("model"),
		enum("prompt_version"),
		enum("outcome"),
		col("attempt", "UInt32"),
		col("prompt_cache_hit_tokens", "UInt64"),
		col("prompt_cache_miss_tokens", "UInt64"),
		col("completion_tokens", "UInt64"),
		// cost_usd is 0 when cost_usd_text does not fit Decimal(38, 12).
		col("cost_usd", typeCost),
		col("cost_usd_text", "String"),
		col("latency_ms", "UInt64"),
		eventTime("called_at"),
		col("extracted_at", typeTime),
		col("version", "UInt64"),
	},
}

var tableExtractionRuns = Table{
	Name:    TableExtractionRuns,
	OrderBy: "(doc_id, version)",
	// Runs happen while finx runs, so one INSERT touches few months.
	PartitionBy: "toYYYYMM(extracted_at)",
	Columns: join([]Column{
		col("doc_id", "String"),
	}, companyColumns, []Column{
		col("source_path", "String"),
		enum("provider"),
	}, provenanceColumns, []Column{
		col("duration_ms", "UInt64"),
		col("text_bytes", "UInt64"),
		col("pages", "UInt32"),
		col("risk_count", "UInt32"),
		col("metric_count", "UInt32"),
		col("guidance_count", "UInt32"),
		col("removed_risk_count", "UInt32"),
		col("needs_review_count", "UInt32"),
		col("citations_checked", "UInt32"),
		col("citations_verified", "UInt32"),
		col("rejected", "UInt32"),
		col("llm_call_count", "UInt32"),
		col("prompt_cache_hit_tokens", "UInt64"),
		col("prompt_cache_miss_tokens", "UInt64"),
		col("completion_tokens", "UInt64"),
		col("warnings", "Array(String)"),
		col("extracted_at", typeTime),
		col("version", "UInt64"),
	}),
}

var tableReviewDecisions = Table{
	Name:        TableReviewDecisions,
	OrderBy:     "(doc_id, item_id, decision_id)",
	PartitionBy: "toYYYYMM(decided_at)",
	Columns: []Column{
		col("doc_id", "String"),
		col("item_id", "String"),
		col("decision_id", "String"),
		enum("kind"),
		enum("action"),
		col("reviewer", "String"),
		// before and after are the item's JSON around the decision.
		col("before", "String"),
		col("after", "String"),
		col("note", "String"),
		enum("provider"),
		col("schema_version", "UInt16"),
		eventTime("decided_at"),
		// version is decided_at in Unix nanoseconds.
		col("version", "UInt64"),
	},
}

var tableDeadLetters = Table{
	Name:    TableDeadLetters,
	OrderBy: "(doc_id, id)",
	Columns: []Column{
		col("doc_id", "String"),
		// id identifies the failed message: document, stage and Kafka
		// position, so that a replay of the same failure replaces its row.
		col("id", "String"),
		col("source_path", "String"),
		col("stage", "String"),
		col("reason", "String"),
		col("error", "String"),
		col("kafka_topic", "String"),
		col("kafka_partition", "Int32"),
		col("kafka_offset", "Int64"),
		col("attempts", "UInt32"),
		col("schema_version", "UInt16"),
		col("failed_at", typeTime),
		// version is failed_at in Unix nanoseconds.
		col("version", "UInt64"),
	},
}

var tableSchemaMigrations = Table{
	Name:    TableSchemaMigrations,
	OrderBy: "id",
	Columns: []Column{
		col("id", "UInt32"),
		col("description", "String"),
		col("path", "String"),
		col("server_version", "String"),
		col("statements", "UInt32"),
		col("applied_at", typeTime),
		col("version", "UInt64"),
	},
}

// Tables returns the tables the sinks write, in the order Write inserts them.
// The filings row comes last among a result's rows, so that a document's
// filings row is present only when the inserts of its items have succeeded.
func Tables() []Table {
	return []Table{tableRisks, tableMetrics, tableGuidance, tableRemovedRisks, tableLLMCalls,
		tableExtractionRuns, tableFilings, tableDeadLetters, tableReviewDecisions}
}

// ColumnNames returns the column names in order.
func (t Table) ColumnNames() []string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return names
}

// CreateStatement returns the CREATE TABLE IF NOT EXISTS statement of the
// table in the database with PathPortable types.
func (t Table) CreateStatement(database string) string {
	return t.createStatement(database, t.Name, PathPortable)
}

// createStatement returns the CREATE TABLE IF NOT EXISTS statement of the
// table under the name, with the path's types.
//
// The engine is ReplacingMergeTree(version) with PARTITION BY and ORDER BY
// clauses, a form that clickhouse-server 18.16 and current releases both
// accept. A replay of a document inserts rows with the same sorting key;
// merges keep the row with the largest version. Until a merge runs, queries
// see both rows, so queries that need one row per key use
// argMax(column, version), FINAL or the latest_* views.
func (t Table) createStatement(database, name string, p Path) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE IF NOT EXISTS %s.%s\n(\n", quoteIdent(database), quoteIdent(name))
	for i, c := range t.Columns {
		sep := ","
		if i == len(t.Columns)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "    %s %s%s\n", quoteIdent(c.Name), c.TypeFor(p), sep)
	}
	b.WriteString(")\nENGINE = ReplacingMergeTree(version)\n")
	if t.PartitionBy != "" {
		fmt.Fprintf(&b, "PARTITION BY %s\n", t.PartitionBy)
	}
	fmt.Fprintf(&b, "ORDER BY %s", t.OrderBy)
	return b.String()
}

// DDL returns the statements that create the database, its tables and its
// views in their newest form with PathPortable types, each with IF NOT
// EXISTS, so that running them again changes nothing. They run on
// clickhouse-server 18.16 and on current releases. The file sink writes them
// to schema.sql.
//
// NOTE: IF NOT EXISTS leaves an existing table as it is, so DDL does not
// upgrade a database made by an older finx. Migrate does.
func DDL(database string) []string {
	return DDLFor(database, PathPortable)
}

// DDLFor is DDL with the path's column types.
func DDLFor(database string, p Path) []string {
	stmts := []string{fmt.Sprintf("CREATE DATABASE IF NOT EXISTS %s", quoteIdent(database))}
	stmts = append(stmts, tableSchemaMigrations.createStatement(database, tableSchemaMigrations.Name, p))
	for _, t := range Tables() {
		stmts = append(stmts, t.createStatement(database, t.Name, p))
	}
	for _, v := range views() {
		stmts = append(stmts, v.create(database, true))
	}
	return stmts
}

// quoteIdent returns a plain identifier unchanged and quotes any other name
// with backticks, which clickhouse-server 18.16 and current releases accept.
func quoteIdent(name string) string {
	if plainIdent.MatchString(name) {
		return name
	}
	return "`" + strings.ReplaceAll(strings.ReplaceAll(name, `\`, `\\`), "`", "\\`") + "`"
}
