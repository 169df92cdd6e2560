// Package edgar crawls SEC EDGAR for filing documents: 10-K and 10-Q
// primary documents and the earnings releases (EX-99 exhibits) of 8-K
// filings that report Item 2.02. It uses colly (github.com/gocolly/colly/v2)
// for the requests and keeps to SEC's fair-access rules.
//
// # Sources
//
// A crawl starts from tickers (company_tickers.json), CIKs (the
// submissions JSON, with the older paged files when Query.Since reaches
// back), a daily form index (CrawlDaily), the latest-filings Atom feed
// (Follow, deduplicated by accession number) or a list of document URLs
// (FetchURLs). For each filing the crawler reads the
// <accession>-index-headers.html page, or index.json when that page is
// missing, to find the primary document and the EX-99 exhibits.
//
// # Fair access
//
// Every request carries Config.UserAgent, which must hold a name and a
// contact email; New rejects a Config without them. Requests pass one
// Limiter shared by the process (Config.Rate, default 8 and at most 10 per
// second). HTTP 403 and 429, and SEC's rate-limit notice served with
// status 200, count as throttling: every request pauses for
// Config.ThrottleBackoff (default 10 minutes) and the notice is never
// handed to the sink. HTTP 5xx, broken connections and bodies shorter than
// their Content-Length are retried Config.Retries times. Requests and
// redirects to hosts outside the allowed hosts are rejected.
//
// # Output and state
//
// Documents go to a Sink: DirSink writes each with a .meta.json sidecar;
// cmd/finx publishes to Kafka. A State records finished documents and
// filings, so a restarted crawl skips them: FileState keeps JSON lines,
// fsynced on each record. State's methods take only schemas types, so the
// ClickHouse connector's CrawlState implements it without importing edgar.
//
// # Metrics
//
// With Config.Registerer set, the crawler registers
// finx_edgar_requests_total{status}, finx_edgar_throttled_total,
// finx_edgar_received_bytes_total and finx_edgar_documents_total{outcome}
// (fetched, skipped, failed). Log records carry the keys url, accession,
// status, attempt and err.
//
// The package imports schemas and no other finx package.
package edgar
