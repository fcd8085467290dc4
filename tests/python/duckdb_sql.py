"""Runs the lake's views.sql and every indicator of sql/indicatori/ in the Python `duckdb`
package on the PYTHONPATH, as the README tells researchers to, and prints the results as JSON.

    python3 tests/python/duckdb_sql.py LAKE SQL_DIR BREAKDOWN PERIODICITY FROM TO

The end-to-end test `python_duckdb_runs_the_views_and_indicators` compares the output with the
same SQL run by OML's embedded DuckDB.
"""
import json
import os
import sys

import duckdb

lake, sql_dir, breakdown, periodicity, dal, al = sys.argv[1:7]
con = duckdb.connect()
con.execute("SET autoinstall_known_extensions = false")
# views.sql names the lake's files relative to the lake folder.
os.chdir(lake)
con.execute(open("views.sql", encoding="utf-8").read())
per = ", ".join("'%s'" % b for b in breakdown.split(",") if b)
con.execute("SET VARIABLE oml_per = [%s]::VARCHAR[]" % per)
con.execute("SET VARIABLE oml_periodicita = '%s'" % periodicity)
con.execute("SET VARIABLE oml_dal = DATE '%s'" % dal)
con.execute("SET VARIABLE oml_al = DATE '%s'" % al)


def text(v):
    return "" if v is None else str(v)


out = {"version": duckdb.__version__, "results": {}}
for name in sorted(os.listdir(sql_dir)):
    if not name.endswith(".sql"):
        continue
    with open(os.path.join(sql_dir, name), encoding="utf-8") as f:
        cur = con.execute(f.read())
    columns = [d[0] for d in cur.description]
    out["results"][name] = {"columns": columns, "rows": [[text(v) for v in r] for r in cur.fetchall()]}
json.dump(out, sys.stdout)
