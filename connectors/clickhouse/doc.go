// Package clickhouse is the load stage's sink: it writes extraction results
// (schemas.Result) and dead letters (schemas.DeadLetter) to ClickHouse
// tables, either straight to a server (Sink) or to JSONEachRow files that
// clickhouse-client loads later (FileSink).
//
// It owns the table definitions (DDL, Tables), the single mapping from a
// result to rows (Rows, DeadLetterRow) and the batch INSERT. It imports
// schemas and no other finx package.
//
// # Usage
//
//	sink, err := clickhouse.Open(ctx, clickhouse.Config{Addr: "127.0.0.1:9000"}, logger)
//	...
//	err = sink.Write(ctx, results) // one INSERT per table
//	err = sink.Close()
//
// Without a server, NewFileSink(dir) writes dir/<table>.json and
// dir/schema.sql; see FileSink for the load commands.
//
// # Tables
//
// filings has one row per document. risks, metrics and guidance have one row
// per item, keyed by (doc_id, id), with the citation flattened into quote_*
// columns. dead_letters has one row per failed message. All use
// ReplacingMergeTree(version) with version the extraction (or failure) time
// in Unix nanoseconds, so a replayed document leaves one row per key after
// merges. Before a merge, both versions are visible: read with FINAL, the
// view latest_risks, or argMax(col, version). argMax skips NULLs, so for the
// Nullable decimal columns use tupleElement(argMax(tuple(col), version), 1)
// or the *_text column.
// Open returns a *SchemaError when existing tables lack a column it writes.
//
// # Server versions
//
// DDL and inserts are meant for clickhouse-server 18.16 and current
// releases, so the tables use no DateTime64, Map or LowCardinality. The
// tests run them on 18.16.1 through the native protocol, and the DDL, the
// file sink's output and the documented queries on chdb 4.4.0 (ClickHouse
// 26.9). Decimal values are Nullable(Decimal(38, 6)) next to a String column
// with the exact text. A value with more than 32 integer or 6 fraction
// digits is NULL in the decimal column. On 18.16.1, toString of a
// Decimal(38, 6) garbles values of 10^21 and above (the TSV and JSON output
// formats print them right), so queries that need the text read the *_text
// column.
//
// # Metrics
//
//   - finx_clickhouse_rows_written_total{table}
//   - finx_clickhouse_inserts_total{table, outcome}
//   - finx_clickhouse_insert_duration_seconds{table}
//
// # Log keys
//
// component=clickhouse, addr, database, server_version, revision, timezone,
// table, rows, docs.
package clickhouse
