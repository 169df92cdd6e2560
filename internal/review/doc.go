// Package review is the web application behind finx serve. It shows each
// filing's text with every extracted item highlighted at its citation, a
// queue of the items that need review, and per-company pages with risk
// factor changes, guidance history and metric charts. It stores reviewers'
// decisions.
//
// # Data
//
// A Store reads the tables that the load stage writes: FileStore reads the
// JSONEachRow files of clickhouse.FileSink, CHStore a ClickHouse database.
// A decision is stored twice. One schemas.ReviewDecision row in
// review_decisions keeps the item's JSON before and after. A new row of the
// item in its table has status accepted or rejected and a higher version, so
// that ReplacingMergeTree, the views and this package pick the reviewed
// version.
// The document text comes from Config.Document, which cmd/finx implements by
// parsing the source file again with the extract stage's parser.
//
// # Security
//
// Pages are html/template output. Every response carries a strict
// Content-Security-Policy (no inline script or style, frame-ancestors
// 'none'), X-Content-Type-Options: nosniff and X-Frame-Options: DENY.
// Without Config.Token the server is read-only. With it, a reviewer logs in
// with the token and a name; the session cookie is HttpOnly and
// SameSite=Strict, every form carries the session's CSRF token, and POST
// requests pass net/http's CrossOriginProtection (Sec-Fetch-Site and Origin
// checks). Sessions live in memory, so a restart logs reviewers out.
// The server checks at most one token per second, and it sends the response
// to a wrong token after one second. It locks out a client address after 5
// failures in a row (ratelimit.go has the limits). Bidi control characters are shown as markers such
// as [U+202E] on every page.
//
// Take decisions with one server per store: the version check is a lock
// within one process.
//
// # Metrics
//
//   - finx_review_backlog_items{kind}
//   - finx_review_decisions_total{kind, action, provider}
//   - finx_review_correction_ratio{kind, provider}
//
// # Log keys
//
// component=review, doc_id, kind, item_id, action, reviewer, decision_id,
// version, source, err.
//
// It imports schemas and connectors/clickhouse (for the row mapping and the
// server connection), and no extractor: cmd/finx supplies the parser.
package review
