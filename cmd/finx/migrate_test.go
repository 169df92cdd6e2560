package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/finx-dev/finx/connectors/clickhouse"
	"github.com/finx-dev/finx/internal/testenv"
)

func runMigrateCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err := run(ctx, append([]string{"migrate"}, args...), &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

func TestMigrateFlagErrors(t *testing.T) {
	t.Setenv("FINX_CLICKHOUSE_ADDR", "")
	cases := []struct {
		name     string
		args     []string
		wantCode int
		wantText string
	}{
		{"missing addr", nil, -1, "missing --addr"},
		{"extra argument", []string{"--addr", "127.0.0.1:1", "extra"}, 2, ""},
		{"unknown flag", []string{"--bogus"}, 2, ""},
		{"invalid database", []string{"--addr", "127.0.0.1:1", "--database", "a-b"}, -1, "not a plain identifier"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := runMigrateCmd(t, c.args...)
			var exit exitError
			switch {
			case err == nil:
				t.Fatal("got nil error, want one")
			case c.wantCode >= 0 && (!errors.As(err, &exit) || exit.code != c.wantCode):
				t.Errorf("got %v, want exit status %d", err, c.wantCode)
			case c.wantText != "" && !strings.Contains(err.Error(), c.wantText):
				t.Errorf("got %v, want an error containing %q", err, c.wantText)
			}
		})
	}
}

func TestMigrateUnreachableServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, _, err = runMigrateCmd(t, "--addr", addr)
	if err == nil || !strings.Contains(err.Error(), addr) {
		t.Errorf("got %v, want an error naming %s", err, addr)
	}
}

// TestMigrateCommand runs a dry run, the migration and a second run
// against the test server, in a database of its own.
func TestMigrateCommand(t *testing.T) {
	addr := testenv.ClickHouseAddr(t)
	db := uniqueDatabase("finx_ch_migrate_cmd")
	t.Cleanup(func() { dropDatabase(t, addr, db) })

	stdout, stderr, err := runMigrateCmd(t, "--addr", addr, "--database", db, "--dry-run")
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, stderr)
	}
	n := len(clickhouse.Migrations())
	for _, want := range []string{fmt.Sprintf("schema at migration 0 of %d, %d pending", n, n), "-- migration 1: ",
		"CREATE TABLE IF NOT EXISTS " + db + ".risks", fmt.Sprintf("would apply %d migrations", n)} {
		if !strings.Contains(stdout, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, stdout)
		}
	}

	stdout, stderr, err = runMigrateCmd(t, "--addr", addr, "--database", db)
	if err != nil {
		t.Fatalf("migrate: %v\n%s", err, stderr)
	}
	for _, want := range []string{fmt.Sprintf("%d pending", n), "CREATE VIEW " + db + ".review_queue AS", fmt.Sprintf("applied %d migrations", n)} {
		if !strings.Contains(stdout, want) {
			t.Errorf("migrate output lacks %q:\n%s", want, stdout)
		}
	}

	stdout, _, err = runMigrateCmd(t, "--addr", addr, "--database", db)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, fmt.Sprintf("schema at migration %d of %d, 0 pending", n, n)) || !strings.Contains(stdout, "nothing to do") {
		t.Errorf("second run: got\n%s\nwant 0 pending and nothing to do", stdout)
	}
}

// dropDatabase removes a test database with clickhouse-client.
func dropDatabase(t *testing.T, addr, db string) {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	client := clickhouseClient(t, "clickhouse-client", host, port)
	client(nil, "--query", "DROP DATABASE IF EXISTS "+db)
}
