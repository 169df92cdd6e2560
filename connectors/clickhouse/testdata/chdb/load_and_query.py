"""Load a finx FileSink folder into chdb and print what ClickHouse reads back.

Usage: python load_and_query.py DIR [QUERIES]

DIR contains what clickhouse.NewFileSink writes: schema.sql and one JSONEachRow
file per table (<table>.json). The script opens a chdb session (an
in-process ClickHouse of a current release) in a temporary folder, runs every
statement of schema.sql, loads each non-empty table file with
INSERT ... FORMAT JSONEachRow, runs the read-back queries below and prints
one JSON object on stdout:

    chdb_version    the version of the chdb package
    version         SELECT version()
    statements      number of statements run from schema.sql
    tables          per table: lines in its file, count(), count() ... FINAL,
                    count() after OPTIMIZE TABLE ... FINAL, and every row as
                    SELECT * returns it (before the OPTIMIZE)
    decimals        every Nullable(Decimal) column next to its *_text column:
                    the text, isNull, toString and toDecimalString(..., 6)
    latest_risks    the rows of the latest_risks view
    final_risks     SELECT doc_id, id, heading, version FROM risks FINAL
    argmax_metrics  per (doc_id, id): argMax(value_text, version), the newest
                    value through argMax(tuple(value), version), and
                    argMax(value, version), which skips NULL values
    readme_load     per table: count() and count() ... FINAL after a second,
                    separate load with the README's plain INSERT, whose
                    default settings may collapse rows with the same key
    queries         with QUERIES, a JSON object of name to SQL: per name the
                    rows the SQL returned, run after the loads and before
                    any OPTIMIZE, or null when it failed
    errors          each failed statement: step, first line of the SQL and
                    the ClickHouse error

The script goes on after a failed statement, so that one run lists every
incompatibility, and exits 1 when errors is not empty.
"""

import json
import os
import sys
import tempfile

import chdb
from chdb import session

DATABASE = "finx"

# Settings for the inserts. input_format_skip_unknown_fields=0 makes a JSON
# key that names no column an error instead of a silently dropped value
# (current releases skip unknown keys by default). optimize_on_insert=0
# keeps every row of the file: with the default 1, current releases collapse
# rows with the same sorting key inside one INSERT as a merge would, while
# clickhouse-server 18.16 keeps them all until a merge.
INSERT_SETTINGS = "input_format_skip_unknown_fields = 0, optimize_on_insert = 0"

# Session settings that keep 64-bit integers and decimals as JSON numbers, so
# that rows read back compare with the file's lines value by value.
OUTPUT_SETTINGS = [
    "SET output_format_json_quote_64bit_integers = 0",
    "SET output_format_json_quote_decimals = 0",
]


def split_statements(sql):
    """Split SQL text on semicolons outside quotes, backticks and comments."""
    statements = []
    current = []
    i = 0
    n = len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"`":
            # A quoted string or identifier: copy it whole, honouring
            # backslash escapes and doubled quote characters.
            j = i + 1
            while j < n:
                if sql[j] == "\\":
                    j += 2
                    continue
                if sql[j] == c:
                    if j + 1 < n and sql[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            current.append(sql[i : j + 1])
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j + 1
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c == ";":
            statements.append("".join(current).strip())
            current = []
            i += 1
        else:
            current.append(c)
            i += 1
    statements.append("".join(current).strip())
    return [s for s in statements if s]


class Runner:
    """Run queries on one chdb session and collect the failures."""

    def __init__(self, sess):
        self.sess = sess
        self.errors = []

    def run(self, step, sql, fmt="JSONEachRow"):
        """Return the rows of sql as dicts, or None after recording an error."""
        try:
            result = self.sess.query(sql, fmt)
        except Exception as e:  # chdb raises ChdbError, RuntimeError or ValueError
            self.errors.append(
                {"step": step, "sql": sql.strip().splitlines()[0], "error": str(e)}
            )
            return None
        text = result.bytes().decode("utf-8")
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    def scalar(self, step, sql):
        rows = self.run(step, sql)
        if not rows:
            return None
        return next(iter(rows[0].values()))


def table_names(runner):
    rows = runner.run(
        "list tables",
        f"SELECT name FROM system.tables WHERE database = '{DATABASE}' "
        "AND engine LIKE '%MergeTree' ORDER BY name",
    )
    return [r["name"] for r in rows or []]


def sorting_key(runner, table):
    key = runner.scalar(
        "sorting key",
        f"SELECT sorting_key FROM system.tables WHERE database = '{DATABASE}' AND name = '{table}'",
    )
    return key or "tuple()"


def decimal_columns(runner):
    """Return (table, column, text column) for each decimal with a *_text twin.

    Only MergeTree tables count, not the views that select their columns.
    """
    tables = set(table_names(runner))
    rows = runner.run(
        "list decimal columns",
        f"SELECT table, name FROM system.columns WHERE database = '{DATABASE}' "
        "AND type LIKE 'Nullable(Decimal%' ORDER BY table, position",
    )
    # Views have the columns too; only the tables hold the loaded rows.
    rows = [r for r in rows or [] if r["table"] in tables]
    names = runner.run(
        "list columns",
        f"SELECT table, name FROM system.columns WHERE database = '{DATABASE}'",
    )
    existing = {(r["table"], r["name"]) for r in names or []}
    out = []
    for r in rows or []:
        text = r["name"] + "_text"
        if (r["table"], text) in existing:
            out.append((r["table"], r["name"], text))
    return out


def load_table(runner, folder, table, settings_clause):
    """Insert the table's file and return its number of lines.

    settings_clause is "SETTINGS ..." or empty for the server's defaults.
    """
    path = os.path.join(folder, table + ".json")
    if not os.path.exists(path):
        return 0
    with open(path, encoding="utf-8") as f:
        data = f.read()
    lines = data.count("\n")
    if lines == 0:
        # clickhouse-client rejects an INSERT without data, so the README's
        # load loop skips empty files too.
        return 0
    runner.run(
        "insert " + table,
        f"INSERT INTO {DATABASE}.{table} {settings_clause} FORMAT JSONEachRow\n" + data,
    )
    return lines


def readme_load(runner_errors, statements, folder):
    """Load the folder as the README does, in a session of its own."""
    counts = {}
    with tempfile.TemporaryDirectory(prefix="finx-chdb-readme-") as path:
        sess = session.Session(path)
        try:
            runner = Runner(sess)
            for stmt in OUTPUT_SETTINGS + statements:
                runner.run("readme schema.sql", stmt)
            for table in table_names(runner):
                load_table(runner, folder, table, "")
                counts[table] = {
                    "count": runner.scalar("readme count " + table, f"SELECT count() FROM {DATABASE}.{table}"),
                    "count_final": runner.scalar(
                        "readme count FINAL " + table, f"SELECT count() FROM {DATABASE}.{table} FINAL"
                    ),
                }
            runner_errors.extend(runner.errors)
        finally:
            sess.close()
    return counts


def main(argv):
    if len(argv) not in (2, 3):
        print("usage: load_and_query.py DIR [QUERIES]", file=sys.stderr)
        return 2
    folder = argv[1]
    queries = {}
    if len(argv) == 3:
        with open(argv[2], encoding="utf-8") as f:
            queries = json.load(f)
    with open(os.path.join(folder, "schema.sql"), encoding="utf-8") as f:
        statements = split_statements(f.read())

    out = {"chdb_version": chdb.__version__}
    with tempfile.TemporaryDirectory(prefix="finx-chdb-") as path:
        sess = session.Session(path)
        try:
            runner = Runner(sess)
            for stmt in OUTPUT_SETTINGS:
                runner.run("output settings", stmt)
            out["version"] = runner.scalar("version", "SELECT version()")
            for stmt in statements:
                runner.run("schema.sql", stmt)
            out["statements"] = len(statements)

            tables = {}
            for table in table_names(runner):
                lines = load_table(runner, folder, table, "SETTINGS " + INSERT_SETTINGS)
                key = sorting_key(runner, table)
                tables[table] = {
                    "lines": lines,
                    "count": runner.scalar("count " + table, f"SELECT count() FROM {DATABASE}.{table}"),
                    "count_final": runner.scalar(
                        "count FINAL " + table, f"SELECT count() FROM {DATABASE}.{table} FINAL"
                    ),
                    "rows": runner.run(
                        "rows " + table,
                        f"SELECT * FROM {DATABASE}.{table} ORDER BY {key}, version",
                    ),
                }

            out["queries"] = {name: runner.run("query " + name, sql) for name, sql in queries.items()}

            out["decimals"] = []
            for table, column, text in decimal_columns(runner):
                rows = runner.run(
                    f"decimal {table}.{column}",
                    f"SELECT doc_id, id, version, {text} AS text, isNull({column}) AS is_null, "
                    f"toString({column}) AS to_string, "
                    f"toDecimalString({column}, 6) AS to_decimal_string "
                    f"FROM {DATABASE}.{table} ORDER BY doc_id, id, version",
                )
                for r in rows or []:
                    r["table"] = table
                    r["column"] = column
                    out["decimals"].append(r)

            out["latest_risks"] = runner.run(
                "latest_risks",
                f"SELECT * FROM {DATABASE}.latest_risks ORDER BY doc_id, id",
            )
            out["final_risks"] = runner.run(
                "risks FINAL",
                f"SELECT doc_id, id, heading, version FROM {DATABASE}.risks FINAL "
                "ORDER BY doc_id, id",
            )
            # argMax skips rows whose first argument is NULL, so the newest
            # value goes through a tuple, which is never NULL. The plain form
            # is reported too, to show the difference.
            out["argmax_metrics"] = runner.run(
                "metrics argMax",
                "SELECT doc_id, id, argMax(value_text, version) AS latest_value_text, "
                "toString(tupleElement(argMax(tuple(value), version), 1)) AS latest_value, "
                "toString(argMax(value, version)) AS latest_non_null_value, "
                "max(version) AS latest_version "
                f"FROM {DATABASE}.metrics GROUP BY doc_id, id ORDER BY doc_id, id",
            )

            for table in tables:
                runner.run("optimize " + table, f"OPTIMIZE TABLE {DATABASE}.{table} FINAL")
                tables[table]["count_optimized"] = runner.scalar(
                    "count after OPTIMIZE " + table, f"SELECT count() FROM {DATABASE}.{table}"
                )
            out["tables"] = tables
            out["errors"] = runner.errors
        finally:
            sess.close()
    out["readme_load"] = readme_load(out["errors"], statements, folder)

    json.dump(out, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 1 if out["errors"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
