"""Reads a lake and a folder of public-use files with pandas and pyarrow alone, as a researcher
without OML would, and prints as JSON the rows of each dataset and the sum of a column.

    python3 tests/python/pandas_legge.py LAKE PUBLIC_DIR

The test `pandas_and_pyarrow_read_the_lake_and_the_public_files` compares them with DuckDB's.
"""
import json
import os
import sys

import pandas as pd
import pyarrow.dataset as ds

lake, public = sys.argv[1:3]
out = {"pandas": pd.__version__, "lago": {}, "pubblico": {}}
for name in ["co_eventi", "rapporti", "segmenti", "mart_flussi"]:
    # Hive partitions (anno=YYYY) become a column, as in DuckDB.
    table = ds.dataset(os.path.join(lake, name), format="parquet", partitioning="hive").to_table()
    df = table.to_pandas()
    out["lago"][name] = {"righe": len(df), "anni": sorted(int(a) for a in df["anno"].unique())}
for f in sorted(os.listdir(public)):
    if f.endswith(".parquet"):
        df = pd.read_parquet(os.path.join(public, f))
        out["pubblico"][f] = {"righe": len(df), "valore": float(df["valore"].sum()),
                              "pubblicate": int((df["stato"] == "ok").sum())}
    elif f.endswith(".csv"):
        df = pd.read_csv(os.path.join(public, f), keep_default_na=False, na_values=[""])
        out["pubblico"][f] = {"righe": len(df), "valore": float(df["valore"].sum()),
                              "pubblicate": int((df["stato"] == "ok").sum())}
print(json.dumps(out))
