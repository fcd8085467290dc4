"""Opens the DuckDB catalog that `oml catalog` wrote, as a researcher would, with the Python
`duckdb` package on the PYTHONPATH, and prints as JSON: the package's version, for every view
whether it answers and its rows (LIMIT 1), and the views and columns without a comment.

    python3 tests/python/catalogo.py CATALOG

The test `the_catalog_opens_in_python_duckdb` checks the output.
"""
import json
import os
import sys

import duckdb

catalog = os.path.abspath(sys.argv[1])
# The views name the lake's files relative to the catalog's folder.
os.chdir(os.path.dirname(catalog))
con = duckdb.connect(os.path.basename(catalog), read_only=True)
con.execute("SET autoinstall_known_extensions = false")
views = [r[0] for r in con.execute(
    "SELECT view_name FROM duckdb_views() WHERE NOT internal AND NOT temporary ORDER BY 1").fetchall()]
answers = {v: len(con.execute('SELECT * FROM "%s" LIMIT 1' % v).fetchall()) for v in views}
no_view_comment = [r[0] for r in con.execute(
    "SELECT view_name FROM duckdb_views() WHERE NOT internal AND NOT temporary AND comment IS NULL").fetchall()]
no_column_comment = [list(r) for r in con.execute(
    "SELECT c.table_name, c.column_name FROM duckdb_columns() c JOIN duckdb_views() v ON c.table_oid = v.view_oid "
    "WHERE NOT v.internal AND c.comment IS NULL").fetchall()]
print(json.dumps({"version": duckdb.__version__, "answers": answers,
                  "no_view_comment": no_view_comment, "no_column_comment": no_column_comment}))
