package clickhouse

import (
	"strings"
	"testing"
)

func TestQuoteIdent(t *testing.T) {
	cases := []struct{ in, want string }{
		{"finx", "finx"},
		{"finx_test_1", "finx_test_1"},
		{"_x", "_x"},
		{"1x", "`1x`"},
		{"a-b", "`a-b`"},
		{"a`b", "`a\\`b`"},
		{`a\b`, "`a\\\\b`"},
	}
	for _, c := range cases {
		if got := quoteIdent(c.in); got != c.want {
			t.Errorf("quoteIdent(%q): got %s, want %s", c.in, got, c.want)
		}
	}
}

// TestDDLNamesTablesPlainly checks that the DDL names database.table without
// quotes, so that a text replace of "finx." moves the schema to another
// database.
func TestDDLNamesTablesPlainly(t *testing.T) {
	ddl := DDL("finx")
	if ddl[0] != "CREATE DATABASE IF NOT EXISTS finx" {
		t.Errorf("first statement: got %q, want CREATE DATABASE IF NOT EXISTS finx", ddl[0])
	}
	all := strings.Join(ddl, "\n")
	for _, table := range Tables() {
		if !strings.Contains(all, "CREATE TABLE IF NOT EXISTS finx."+table.Name+"\n") {
			t.Errorf("DDL lacks CREATE TABLE IF NOT EXISTS finx.%s", table.Name)
		}
	}
	if strings.Contains(all, "`") {
		t.Error("DDL quotes a name with backticks, want plain identifiers")
	}
	if got, want := len(ddl), len(Tables())+2; got != want {
		t.Errorf("statements: got %d, want %d (database, tables, view)", got, want)
	}
}

func TestTablesUseReplacingMergeTree(t *testing.T) {
	for _, table := range Tables() {
		stmt := table.CreateStatement("finx")
		if !strings.Contains(stmt, "ENGINE = ReplacingMergeTree(version)") {
			t.Errorf("%s: engine is not ReplacingMergeTree(version):\n%s", table.Name, stmt)
		}
		names := table.ColumnNames()
		if names[0] != "doc_id" || names[len(names)-1] != "version" {
			t.Errorf("%s: got columns %s ... %s, want doc_id first and version last", table.Name, names[0], names[len(names)-1])
		}
		seen := make(map[string]bool)
		for _, n := range names {
			if seen[n] {
				t.Errorf("%s: column %s appears twice", table.Name, n)
			}
			seen[n] = true
		}
	}
}
