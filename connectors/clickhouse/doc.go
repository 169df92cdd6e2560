// Package clickhouse is the load stage's sink: it writes extraction results
// (schemas.Result), dead letters (schemas.DeadLetter) and review decisions
// (schemas.ReviewDecision) to ClickHouse tables, either straight to a server
// (Sink) or to JSONEachRow files that clickhouse-client loads later
// (FileSink).
//
// It owns the table definitions (Tables, DDL), the versioned migrations
// (Migrations, Migrate), the analyst views, the single mapping from a
// result to rows (Rows, DeadLetterRow, ReviewDecisionRow) and the batch
// INSERT. It imports schemas and no other finx package.
//
// # Usage
//
//	sink, err := clickhouse.Open(ctx, clickhouse.Config{Addr: "127.0.0.1:9000"}, logger)
//	...
//	err = sink.Write(ctx, results) // one INSERT per table, split by BatchRows and BatchBytes
//	err = sink.Close()
//
// Without a server, NewFileSink(dir) writes dir/<table>.json and
// dir/schema.sql; see FileSink for the load commands.
//
// # Tables
//
// filings has one row per document. risks, metrics and guidance have one row
// per item, keyed by company (cik), then metric and period for metrics, then
// (doc_id, id), and partitioned by the year of the filing date. Each item
// row carries its citation in quote_* columns and the filing's cik,
// company, form and filing_date. removed_risks, llm_calls, extraction_runs,
// review_decisions and dead_letters hold one row per removed risk factor,
// LLM call, extraction, review decision and failed message. All use
// ReplacingMergeTree(version), with version the extraction (or failure, or
// decision) time in Unix nanoseconds, so a replayed document leaves one row
// per key after merges. Before a merge, both versions are visible: read
// with FINAL, the latest_* views, or argMax(col, version). argMax skips
// NULLs, so for the Nullable decimal columns use
// tupleElement(argMax(tuple(col), version), 1) or the *_text column.
// crawl_state holds the EDGAR crawler's state (CrawlState): one row per
// fetched document or filing, the newest version deciding.
//
// The analyst views key a company by company_key: its CIK, else its
// company name in lowercase, else its document, so that filings without a
// CIK or a name never merge.
//
// # Migrations
//
// Open applies the pending migrations before it writes, and records each
// in schema_migrations; finx migrate does the same on its own and prints the
// statements. Each step checks the database before it acts, so databases
// made by an older finx, by schema.sql or by nothing all reach the same
// schema. Open returns a *SchemaError when a table still lacks a column it
// writes.
//
// # Server versions
//
// The server version is read once per Open or Migrate. Servers older than
// 20.1 get PathPortable: String for enumerations and DateTime for
// timestamps, which clickhouse-server 18.16 supports. Newer servers get
// PathCurrent: LowCardinality(String) for enumerations and DateTime64(3)
// for the times of LLM calls and review decisions. Tables that exist keep
// their types. The file sink's schema.sql uses PathPortable, which loads on
// both. The tests run the migrations, views and queries on 18.16.1 through
// the native protocol, and the DDL of both paths, the file sink's output,
// the views and docs/queries.md on chdb 4.4.0 (ClickHouse 26.9).
//
// Decimal values are Nullable(Decimal(38, 6)) next to a String column with
// the exact text. A value with more than 32 integer or 6 fraction digits is
// NULL in the decimal column. On 18.16.1, toString of a Decimal(38, 6)
// garbles values of 10^21 and above (the TSV and JSON output formats print
// them right), so queries that need the text read the *_text column. LLM
// costs are Decimal(38, 12) next to cost_usd_text.
//
// # Metrics
//
//   - finx_clickhouse_rows_written_total{table}
//   - finx_clickhouse_inserts_total{table, outcome}
//   - finx_clickhouse_insert_duration_seconds{table}
//
// # Log keys
//
// component=clickhouse, addr, database, server_version, revision, path,
// migration, description, statements, duration, table, rows, docs.
package clickhouse
