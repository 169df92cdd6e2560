package clickhouse

import (
	"fmt"
	"strings"
)

// Table names, one table per kind of row.
const (
	TableFilings     = "filings"
	TableRisks       = "risks"
	TableMetrics     = "metrics"
	TableGuidance    = "guidance"
	TableDeadLetters = "dead_letters"
)

// ViewLatestRisks is a view with the newest version of each risk, so that
// queries see one row per (doc_id, id) before the background merges of
// ReplacingMergeTree have removed older versions.
const ViewLatestRisks = "latest_risks"

// Column is one column of a table: its name and its ClickHouse type.
type Column struct {
	Name string
	Type string
}

// Table describes one table that the sinks write. Rows for it are Row values
// with one entry per column, in column order.
type Table struct {
	Name    string
	Columns []Column
	// OrderBy is the sorting key, which is also the key that
	// ReplacingMergeTree deduplicates on.
	OrderBy string
}

// Column types shared by several tables. They are limited to types that
// clickhouse-server 18.16 supports: no DateTime64, Map or LowCardinality.
const (
	// typeDecimal holds exact decimals with up to 32 integer and 6 fraction
	// digits. Values outside that range are NULL here, and the matching
	// *_text column keeps the exact text.
	typeDecimal = "Nullable(Decimal(38, 6))"
	// typeTime is a UTC timestamp in whole seconds. Naming the time zone
	// makes text input such as JSONEachRow independent of the server's zone.
	typeTime = "DateTime('UTC')"
)

// citationColumns are the flattened schemas.Citation fields. The names carry
// a quote_ prefix because END is an SQL keyword and risks also have a body
// span.
var citationColumns = []Column{
	{"quote", "String"},
	{"quote_start", "UInt64"},
	{"quote_end", "UInt64"},
	{"quote_char_start", "UInt64"},
	{"quote_char_end", "UInt64"},
	{"quote_page", "UInt32"},
	{"quote_source_offset", "Int64"},
	{"quote_match", "String"},
}

// itemTail are the columns every item table ends with.
var itemTail = []Column{
	{"status", "String"},
	{"review_reason", "String"},
	{"confidence", "Float64"},
	{"provider", "String"},
	{"extracted_at", typeTime},
	// version orders replays of a document: the extraction time in Unix
	// nanoseconds. ReplacingMergeTree keeps the row with the largest version.
	{"version", "UInt64"},
}

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
		{"doc_id", "String"},
		{"source_path", "String"},
		{"media_type", "String"},
		{"form", "String"},
		{"company", "String"},
		{"cik", "String"},
		{"accession", "String"},
		// filing_date is the ISO date as the filing states it, or empty;
		// toDateOrZero(filing_date) turns it into a Date.
		{"filing_date", "String"},
		{"size", "UInt64"},
		{"blob_ref", "String"},
		{"published_at", typeTime},
		{"pages", "UInt32"},
		{"pages_with_text", "UInt32"},
		{"sections", "Array(String)"},
		{"section_titles", "Array(String)"},
		{"risk_count", "UInt32"},
		{"metric_count", "UInt32"},
		{"guidance_count", "UInt32"},
		{"citations_checked", "UInt32"},
		{"citations_verified", "UInt32"},
		{"rejected", "UInt32"},
		{"text_bytes", "UInt64"},
		{"duration_ms", "UInt64"},
		{"warnings", "Array(String)"},
		{"provider", "String"},
		{"schema_version", "UInt16"},
		{"extracted_at", typeTime},
		{"version", "UInt64"},
	},
}

var tableRisks = Table{
	Name:    TableRisks,
	OrderBy: "(doc_id, id)",
	Columns: join([]Column{
		{"doc_id", "String"},
		{"id", "String"},
		{"heading", "String"},
		{"category", "String"},
		{"severity", "String"},
		{"severity_reason", "String"},
		{"section", "String"},
		{"body_start", "UInt64"},
		{"body_end", "UInt64"},
	}, citationColumns, itemTail),
}

var tableMetrics = Table{
	Name:    TableMetrics,
	OrderBy: "(doc_id, id)",
	Columns: join([]Column{
		{"doc_id", "String"},
		{"id", "String"},
		{"metric", "String"},
		{"label", "String"},
		{"concept", "String"},
		{"value", typeDecimal},
		{"value_text", "String"},
		{"display", "String"},
		{"scale", "Int32"},
		{"unit", "String"},
		{"currency", "String"},
		{"period_type", "String"},
		{"period_start", "String"},
		{"period_end", "String"},
		// dimensions are "axis=member" pairs.
		{"dimensions", "Array(String)"},
		{"source", "String"},
		{"xbrl_check", "String"},
	}, citationColumns, itemTail),
}

var tableGuidance = Table{
	Name:    TableGuidance,
	OrderBy: "(doc_id, id)",
	Columns: join([]Column{
		{"doc_id", "String"},
		{"id", "String"},
		{"metric", "String"},
		{"label", "String"},
		{"period", "String"},
		// low, high, prior_low and prior_high are unscaled, as printed;
		// multiply by 10^scale for base units.
		{"low", typeDecimal},
		{"low_text", "String"},
		{"high", typeDecimal},
		{"high_text", "String"},
		{"scale", "Int32"},
		{"unit", "String"},
		{"currency", "String"},
		{"basis", "String"},
		{"direction", "String"},
		{"prior_low", typeDecimal},
		{"prior_low_text", "String"},
		{"prior_high", typeDecimal},
		{"prior_high_text", "String"},
	}, citationColumns, itemTail),
}

var tableDeadLetters = Table{
	Name:    TableDeadLetters,
	OrderBy: "(doc_id, id)",
	Columns: []Column{
		{"doc_id", "String"},
		// id identifies the failed message: document, stage and Kafka
		// position, so that a replay of the same failure replaces its row.
		{"id", "String"},
		{"source_path", "String"},
		{"stage", "String"},
		{"reason", "String"},
		{"error", "String"},
		{"kafka_topic", "String"},
		{"kafka_partition", "Int32"},
		{"kafka_offset", "Int64"},
		{"attempts", "UInt32"},
		{"schema_version", "UInt16"},
		{"failed_at", typeTime},
		// version is failed_at in Unix nanoseconds.
		{"version", "UInt64"},
	},
}

// Tables returns the tables the sinks write, in the order Write inserts them.
// The filings row comes last, so that a document's filings row is present
// only when the inserts of its items have succeeded.
func Tables() []Table {
	return []Table{tableRisks, tableMetrics, tableGuidance, tableFilings, tableDeadLetters}
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
// table in the database.
//
// The engine is ReplacingMergeTree(version) with an ORDER BY clause, a form
// that clickhouse-server 18.16 and current releases both accept. A
// replay of a document inserts rows with the same sorting key; merges keep
// the row with the largest version. Until a merge runs, queries see both
// rows, so queries that need one row per key use argMax(column, version) or
// OPTIMIZE TABLE ... FINAL.
func (t Table) CreateStatement(database string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE IF NOT EXISTS %s.%s\n(\n", quoteIdent(database), quoteIdent(t.Name))
	for i, c := range t.Columns {
		sep := ","
		if i == len(t.Columns)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "    %s %s%s\n", quoteIdent(c.Name), c.Type, sep)
	}
	fmt.Fprintf(&b, ")\nENGINE = ReplacingMergeTree(version)\nORDER BY %s", t.OrderBy)
	return b.String()
}

// latestRisksView selects the newest version of each risk with argMax over a
// tuple, which clickhouse-server 18.16 supports while FINAL on a view does
// not. The subquery gives the tuple a name of its own, so that no alias
// equals a column name inside an aggregate, which old and new query
// analyzers resolve differently.
func latestRisksView(database string) string {
	cols := []string{"heading", "category", "severity", "severity_reason", "section", "quote", "quote_page", "status", "confidence", "provider", "extracted_at"}
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE VIEW IF NOT EXISTS %s.%s AS\nSELECT\n    doc_id,\n    id,\n", quoteIdent(database), quoteIdent(ViewLatestRisks))
	for i, c := range cols {
		fmt.Fprintf(&b, "    latest.%d AS %s,\n", i+1, quoteIdent(c))
	}
	b.WriteString("    latest_version\nFROM\n(\n    SELECT\n        doc_id,\n        id,\n")
	fmt.Fprintf(&b, "        argMax(tuple(%s), version) AS latest,\n", strings.Join(quoteAll(cols), ", "))
	fmt.Fprintf(&b, "        max(version) AS latest_version\n    FROM %s.%s\n    GROUP BY doc_id, id\n)", quoteIdent(database), quoteIdent(TableRisks))
	return b.String()
}

// DDL returns the statements that create the database, its tables and its
// views, each with IF NOT EXISTS so that running them again changes nothing.
// They run on clickhouse-server 18.16 and on current releases.
//
// NOTE: IF NOT EXISTS leaves an existing table as it is. A column added here
// later needs an ALTER TABLE ... ADD COLUMN IF NOT EXISTS statement as well.
func DDL(database string) []string {
	stmts := []string{fmt.Sprintf("CREATE DATABASE IF NOT EXISTS %s", quoteIdent(database))}
	for _, t := range Tables() {
		stmts = append(stmts, t.CreateStatement(database))
	}
	return append(stmts, latestRisksView(database))
}

// quoteIdent returns a plain identifier unchanged and quotes any other name
// with backticks, which clickhouse-server 18.16 and current releases accept.
func quoteIdent(name string) string {
	if plainIdent.MatchString(name) {
		return name
	}
	return "`" + strings.ReplaceAll(strings.ReplaceAll(name, `\`, `\\`), "`", "\\`") + "`"
}
