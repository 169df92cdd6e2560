package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/finx-dev/finx/connectors/clickhouse"
)

// runMigrate applies the pending ClickHouse migrations and prints each one
// with its statements.
func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var lf logFlags
	lf.register(fs)
	addr := fs.String("addr", os.Getenv("FINX_CLICKHOUSE_ADDR"), "ClickHouse native address host:port (env FINX_CLICKHOUSE_ADDR)")
	database := fs.String("database", envOr("FINX_CLICKHOUSE_DATABASE", clickhouse.DefaultDatabase), "ClickHouse database, created if missing (env FINX_CLICKHOUSE_DATABASE)")
	user := fs.String("user", envOr("FINX_CLICKHOUSE_USER", clickhouse.DefaultUsername), "ClickHouse user (env FINX_CLICKHOUSE_USER); the password comes from env FINX_CLICKHOUSE_PASSWORD")
	dryRun := fs.Bool("dry-run", false, "print the statements of the pending migrations without running them")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: finx migrate [--addr HOST:PORT] [--database NAME] [--dry-run]")
		fmt.Fprintln(fs.Output(), "Applies the pending schema migrations to a ClickHouse database and prints them.")
		fs.PrintDefaults()
	}
	if err := parseFlagsArgs(fs, args, 0); err != nil {
		return err
	}
	if *addr == "" {
		return errors.New("missing --addr: set the ClickHouse native address host:port, or env FINX_CLICKHOUSE_ADDR")
	}
	logger, err := lf.logger(stderr)
	if err != nil {
		return err
	}
	cfg := clickhouse.Config{Addr: *addr, Database: *database, Username: *user, Password: os.Getenv("FINX_CLICKHOUSE_PASSWORD")}
	report, err := clickhouse.Migrate(ctx, cfg, logger, clickhouse.MigrateOptions{DryRun: *dryRun})
	if report != nil {
		printMigrateReport(stdout, *addr, report)
	}
	return err
}

// printMigrateReport prints the server, the schema version and each
// pending migration with its statements, each ending in a semicolon.
func printMigrateReport(w io.Writer, addr string, r *clickhouse.MigrateReport) {
	last := clickhouse.Migrations()[len(clickhouse.Migrations())-1].ID
	fmt.Fprintf(w, "ClickHouse %s at %s, database %s, %s column types\n", r.ServerVersion, addr, r.Database, r.Path)
	fmt.Fprintf(w, "schema at migration %d of %d, %d pending\n", r.Current, last, len(r.Applied))
	verb := "applied"
	if r.DryRun {
		verb = "would apply"
	}
	for _, m := range r.Applied {
		fmt.Fprintf(w, "\n-- migration %d: %s (%d statements)\n", m.ID, m.Description, len(m.Statements))
		for _, stmt := range m.Statements {
			fmt.Fprintf(w, "%s;\n", strings.TrimSpace(stmt))
		}
	}
	switch {
	case len(r.Applied) == 0:
		fmt.Fprintln(w, "nothing to do")
	default:
		fmt.Fprintf(w, "\n%s %d migrations\n", verb, len(r.Applied))
	}
}
