"""Run the dashboard queries on chdb, an in-process current ClickHouse.

Usage: python run_queries.py DIR

DIR contains schema.sql (statements separated by a line with only ";"),
one JSONEachRow file per table (<table>.json) and queries.json (an object of
panel title to SQL). The script runs the statements, loads the files into the
database finx, runs every query and prints one JSON object on stdout:

    version   SELECT version()
    rows      per panel title: the number of rows, or null when it failed
    errors    per failed step: the ClickHouse error

It exits 1 when errors is not empty.
"""

import json
import os
import sys
import tempfile

from chdb import session


def main():
    folder = sys.argv[1]
    out = {"version": None, "rows": {}, "errors": {}}
    with tempfile.TemporaryDirectory() as path:
        sess = session.Session(path)
        try:
            out["version"] = str(sess.query("SELECT version()", "CSV")).strip().strip('"')
            with open(os.path.join(folder, "schema.sql")) as f:
                statements = [s.strip() for s in f.read().split("\n;\n") if s.strip()]
            for i, sql in enumerate(statements):
                try:
                    sess.query(sql)
                except Exception as e:  # chdb raises a plain Exception per failed query
                    out["errors"]["schema statement %d: %s" % (i + 1, sql.splitlines()[0])] = str(e)
            for name in sorted(os.listdir(folder)):
                if not name.endswith(".json") or name == "queries.json":
                    continue
                with open(os.path.join(folder, name)) as f:
                    data = f.read()
                if not data.strip():
                    continue
                table = name[: -len(".json")]
                try:
                    sess.query("INSERT INTO finx.%s FORMAT JSONEachRow\n%s" % (table, data))
                except Exception as e:
                    out["errors"]["load " + table] = str(e)
            with open(os.path.join(folder, "queries.json")) as f:
                queries = json.load(f)
            for title, sql in queries.items():
                try:
                    res = sess.query(sql, "JSONEachRow")
                    out["rows"][title] = len([line for line in str(res).splitlines() if line.strip()])
                except Exception as e:
                    out["rows"][title] = None
                    out["errors"]["query " + title] = str(e)
        finally:
            sess.close()
    json.dump(out, sys.stdout, indent=1)
    sys.exit(1 if out["errors"] else 0)


if __name__ == "__main__":
    main()
