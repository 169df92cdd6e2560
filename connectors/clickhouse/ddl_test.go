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
	if got, want := len(ddl), 2+len(Tables())+len(views()); got != want {
		t.Errorf("statements: got %d, want %d (database, schema_migrations, tables, views)", got, want)
	}
	for _, v := range views() {
		if !strings.Contains(all, "CREATE VIEW IF NOT EXISTS finx."+v.name+" AS\n") {
			t.Errorf("DDL lacks CREATE VIEW IF NOT EXISTS finx.%s", v.name)
		}
	}
	if strings.Contains(all, "{db}") {
		t.Error("DDL contains the placeholder {db}, want the database name")
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

func TestPathFor(t *testing.T) {
	cases := []struct {
		v    ServerVersion
		want Path
	}{
		{ServerVersion{Major: 18, Minor: 16, Patch: 1}, PathPortable},
		{ServerVersion{Major: 19, Minor: 17}, PathPortable},
		{ServerVersion{Major: 20, Minor: 1}, PathCurrent},
		{ServerVersion{Major: 26, Minor: 9}, PathCurrent},
	}
	for _, c := range cases {
		if got := PathFor(c.v); got != c.want {
			t.Errorf("PathFor(%s): got %s, want %s", c.v, got, c.want)
		}
	}
}

func TestDDLForPaths(t *testing.T) {
	portable := strings.Join(DDLFor("finx", PathPortable), "\n")
	current := strings.Join(DDLFor("finx", PathCurrent), "\n")
	for _, banned := range []string{"LowCardinality", "DateTime64", " Map(", "JSONExtract", " TTL "} {
		if strings.Contains(portable, banned) {
			t.Errorf("portable DDL uses %s, which clickhouse-server 18.16 lacks", banned)
		}
	}
	for _, want := range []string{"status LowCardinality(String)", "called_at DateTime64(3, 'UTC')", "decided_at DateTime64(3, 'UTC')"} {
		if !strings.Contains(current, want) {
			t.Errorf("current DDL lacks %q", want)
		}
	}
}

func TestNormalizeKey(t *testing.T) {
	cases := []struct{ in, want string }{
		{"(cik, doc_id, id)", "cik,doc_id,id"},
		{"cik, doc_id, id", "cik,doc_id,id"},
		{"doc_id", "doc_id"},
		{"toYear(toDateOrZero(filing_date))", "toYear(toDateOrZero(filing_date))"},
		{"", ""},
	}
	for _, c := range cases {
		if got := normalizeKey(c.in); got != c.want {
			t.Errorf("normalizeKey(%q): got %q, want %q", c.in, got, c.want)
		}
	}
}
