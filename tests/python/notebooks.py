"""Executes every notebook of a folder against a lake, as a researcher runs them, and prints as
JSON the notebooks run and their code cells. The first error stops with the notebook's name.

    python3 tests/python/notebooks.py NOTEBOOKS LAKE

Needs nbclient, nbformat, ipykernel, duckdb, polars and matplotlib on the PYTHONPATH (`.ci/run`
installs them). The notebooks are run from their folder, with OML_LAKE naming the lake; the files
are not changed (their outputs stay stripped in git).
"""
import json
import os
import sys

import nbclient
import nbformat

folder, lake = sys.argv[1:3]
os.environ["OML_LAKE"] = os.path.abspath(lake)
done = {}
for name in sorted(os.listdir(folder)):
    if not name.endswith(".ipynb"):
        continue
    nb = nbformat.read(os.path.join(folder, name), as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": folder}})
    try:
        client.execute()
    except Exception as e:  # the notebook's name, then the error
        print(f"{name}: {e}", file=sys.stderr)
        sys.exit(1)
    done[name] = sum(1 for c in nb.cells if c.cell_type == "code")
print(json.dumps({"notebooks": done}))
