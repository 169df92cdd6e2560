package clickhouse

import (
	"context"
	"fmt"
	"strings"
)

// SchemaError reports tables whose columns differ from the ones this
// package writes, typically tables created by an older finx. Extra columns
// are allowed, because every INSERT names its columns.
type SchemaError struct {
	Database string
	// Problems lists each difference, such as "metrics.value: missing".
	Problems []string
}

func (e *SchemaError) Error() string {
	return fmt.Sprintf("clickhouse: tables in database %s do not match this finx version (%s); the migrations in schema_migrations did not produce these columns, so fix them with ALTER TABLE or use a new database",
		e.Database, strings.Join(e.Problems, "; "))
}

// checkSchema compares the server's columns with Tables(). A column may
// have its type of either path, because tables that a migration did not
// rebuild keep the types they were created with.
func (s *Sink) checkSchema(ctx context.Context) error {
	// The database name is a plain identifier (Config.Validate), so it is
	// safe inside a string literal.
	query := fmt.Sprintf("SELECT table, name, type FROM system.columns WHERE database = '%s'", s.cfg.Database)
	rows, err := s.conn.Query(ctx, query)
	if err != nil {
		return fmt.Errorf("clickhouse: read columns of database %s: %w", s.cfg.Database, err)
	}
	defer rows.Close()

	actual := make(map[string]string)
	for rows.Next() {
		var table, name, typ string
		if err := rows.Scan(&table, &name, &typ); err != nil {
			return fmt.Errorf("clickhouse: read columns of database %s: %w", s.cfg.Database, err)
		}
		actual[table+"."+name] = typ
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("clickhouse: read columns of database %s: %w", s.cfg.Database, err)
	}

	var problems []string
	for _, t := range Tables() {
		for _, c := range t.Columns {
			key := t.Name + "." + c.Name
			typ, ok := actual[key]
			switch {
			case !ok:
				problems = append(problems, key+": missing")
			case normalizeType(typ) != normalizeType(c.Type) && normalizeType(typ) != normalizeType(c.TypeFor(PathCurrent)):
				problems = append(problems, fmt.Sprintf("%s: type %s, want %s", key, typ, c.TypeFor(s.path)))
			}
		}
	}
	if len(problems) > 0 {
		return &SchemaError{Database: s.cfg.Database, Problems: problems}
	}
	return nil
}

// normalizeType removes spaces, so that "Decimal(38,6)" equals
// "Decimal(38, 6)" whichever form a server version prints.
func normalizeType(t string) string {
	return strings.ReplaceAll(t, " ", "")
}
