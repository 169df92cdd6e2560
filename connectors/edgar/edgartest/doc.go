// Package edgartest is a local fake of SEC EDGAR for tests of the crawler.
// One server serves as both www.sec.gov and data.sec.gov: it serves
// content registered by URL path (files, bytes or handlers) and enforces
// SEC's fair-access rules as the real hosts do. A request without a
// User-Agent that contains a name and an email gets 403 with the
// undeclared-automated-tool page, and more than the configured number of
// requests in any one-second window get 403 with the rate-threshold page.
//
// Faults are queued per path: throttling statuses, the rate-limit notice
// served with status 200, server errors, connections closed without an
// response, bodies shorter than their Content-Length, and redirects. Every
// request is logged with its arrival time and status, so tests can check
// the request rate from the server's side.
//
// It listens on 127.0.0.1 only, through net/http/httptest.
package edgartest
