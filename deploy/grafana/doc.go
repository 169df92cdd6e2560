// Package grafana holds the Grafana provisioning for finx: the ClickHouse
// data source (provisioning/datasources), the dashboard provider
// (provisioning/dashboards) and the dashboard JSON (dashboards/finx.json).
// It has no Go code. Its test runs every rawSql query of the dashboards
// against real ClickHouse servers, on the tables that the clickhouse package
// creates.
package grafana
