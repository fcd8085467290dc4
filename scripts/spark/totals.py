#!/usr/bin/env python3
"""Reads an OML lake with Apache Spark and with DuckDB and checks that both engines give the
same totals: the lake's hive-partitioned Parquet files are all a distributed engine needs.

    PYTHONPATH=PYSPARK_DIR:DUCKDB_DIR python3 scripts/spark/totals.py LAKE [--master local[2]]
        [--datasets co_eventi,rapporti] [--memory 2g] [--conf KEY=VALUE ...]
        [--threads 2] [--duckdb-memory 2GB]

Needs pyspark (4.x wants Java 17 or later on PATH) and duckdb on PYTHONPATH.

LAKE is the lake folder (the one holding `current` and `views.sql`), or one generation folder
(`LAKE/.gen/00000N`). The `current` symlink is resolved once and both engines are given the
generation's own folders: read through the symlinks, an ingest committing during a long Spark
job could give it files of two generations under the same names (`part-build-0.parquet`);
read from the resolved folder, such a commit (which removes the old generation) makes the job
fail instead.

For each of co_eventi, rapporti, segmenti, transizioni, carriere and did_eventi that exists and
has files, the same SQL text runs in Spark SQL (over `spark.read.parquet(folder)`, with Spark's
own partition discovery of `anno=YYYY`) and in DuckDB (over `read_parquet('folder/*/*.parquet',
hive_partitioning = true)`, as in `views.sql`), and the results are compared value by value:

- the schema (column names in order and their types, DuckDB's names mapped to Spark's);
- the row count, the rows per `anno` and per `anno` and a few categorical columns (event type,
  contract, outcome class, state);
- the number of distinct workers (`id_lavoratore`);
- a profile of every column: non-null values; for integer columns the exact sum (as
  DECIMAL(38,0), so hashes do not overflow), for DOUBLE the sum (equal within 1e-9 relative, the
  order of addition differs), for BOOLEAN the number of true, for strings the total length in
  characters, for DATE and TIMESTAMP the first and last value.

Timestamps: the lake's TIMESTAMP columns (`data_invio`) are Parquet timestamps without time
zone (isAdjustedToUTC = false). Spark 3.4 and later read them as TIMESTAMP_NTZ and agree with
DuckDB; with `--conf spark.sql.parquet.inferTimestampNTZ.enabled=false` (the behaviour of older
Spark) they become instants read as UTC and shown in the session time zone, and the schema and
profile checks report the shift.

Prints one line per check, then the times of each engine; exits 0 when everything agrees, 1 on
any difference, 2 when it cannot run (a missing package, an unreadable lake).
"""
import argparse
import datetime
import decimal
import glob
import math
import os
import sys
import time

DATASETS = ["co_eventi", "rapporti", "segmenti", "transizioni", "carriere", "did_eventi"]

# Counts per anno and per one categorical column: the breakdowns users publish.
BREAKDOWNS = {
    "co_eventi": ["evento", "tipo_comunicazione", "macro_contratto"],
    "rapporti": ["macro_contratto", "macro_causa_cessazione"],
    "segmenti": ["macro_contratto"],
    "transizioni": ["classe_uscita", "classe_ingresso"],
    "carriere": ["stato"],
    "did_eventi": ["evento"],
}

# Sums shown on a line of their own (all the others are in the profile line).
SHOWN_SUMS = {
    "co_eventi": ["ore_settimanali"],
    "rapporti": ["durata_effettiva", "n_proroghe", "ore_settimanali"],
    "segmenti": ["ore_settimanali"],
    "transizioni": ["giorni_interruzione"],
    "carriere": ["durata", "n_rapporti"],
    "did_eventi": [],
}

# DuckDB's type names as Spark names them (TIMESTAMP without time zone is Spark's
# TIMESTAMP_NTZ; TIMESTAMP WITH TIME ZONE is Spark's TIMESTAMP).
DUCK_TO_SPARK = {
    "VARCHAR": "string",
    "BOOLEAN": "boolean",
    "TINYINT": "tinyint",
    "SMALLINT": "smallint",
    "INTEGER": "int",
    "BIGINT": "bigint",
    "FLOAT": "float",
    "DOUBLE": "double",
    "DATE": "date",
    "TIMESTAMP": "timestamp_ntz",
    "TIMESTAMP WITH TIME ZONE": "timestamp",
    "BLOB": "binary",
}
INTEGERS = {"tinyint", "smallint", "int", "bigint"}


def fail(msg):
    print("totals.py: " + msg, file=sys.stderr)
    sys.exit(2)


def generation(lake):
    """The folder that holds the datasets, with `current` resolved once."""
    lake = os.path.abspath(lake)
    if not os.path.isdir(lake):
        fail("%s is not a folder" % lake)
    cur = os.path.join(lake, "current")
    return os.path.realpath(cur if os.path.isdir(cur) else lake)


def norm(v):
    """A value from either engine in one comparable, hashable form."""
    if isinstance(v, decimal.Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, datetime.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, datetime.date):
        return v.isoformat()
    return v


def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        a, b = float(a), float(b)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)
    return a == b


def fmt(v):
    # Italian separators: 1.234.567,25
    if isinstance(v, float):
        return "{:,.4f}".format(v).replace(",", "_").replace(".", ",").replace("_", ".")
    if isinstance(v, int) and not isinstance(v, bool):
        return "{:,}".format(v).replace(",", ".")
    return str(v)


class Check:
    """One comparison: `keys` group columns (none: one row), the rest values."""

    def __init__(self, dataset, name, sql, keys=0):
        self.dataset, self.name, self.sql, self.keys = dataset, name, sql, keys
        self.spark = self.duck = None

    def rows(self, raw):
        out = {}
        for r in raw:
            r = tuple(norm(v) for v in r)
            out[r[: self.keys]] = r[self.keys:]
        return out

    def differences(self):
        diffs = []
        for k in sorted(set(self.spark) | set(self.duck), key=repr):
            a, b = self.spark.get(k), self.duck.get(k)
            if a is None or b is None or len(a) != len(b) or not all(same(x, y) for x, y in zip(a, b)):
                diffs.append((k, a, b))
        return diffs


def profile_sql(dataset, columns):
    """One row: count(*), then per column the values of the profile, with their labels."""
    exprs, labels = ["count(*)"], ["righe"]
    for name, typ in columns:
        exprs.append("count(%s)" % name)
        labels.append("%s: non nulli" % name)
        if typ in INTEGERS:
            exprs.append("sum(CAST(%s AS DECIMAL(38,0)))" % name)
            labels.append("%s: somma" % name)
        elif typ in ("double", "float"):
            exprs.append("sum(%s)" % name)
            labels.append("%s: somma" % name)
        elif typ == "boolean":
            exprs.append("sum(CASE WHEN %s THEN 1 ELSE 0 END)" % name)
            labels.append("%s: veri" % name)
        elif typ == "string":
            exprs.append("sum(length(%s))" % name)
            labels.append("%s: caratteri" % name)
        elif typ in ("date", "timestamp_ntz", "timestamp"):
            exprs += ["min(%s)" % name, "max(%s)" % name]
            labels += ["%s: primo" % name, "%s: ultimo" % name]
    return "SELECT %s FROM %s" % (", ".join(exprs), dataset), labels


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("lake")
    ap.add_argument("--master", default="local[2]", help="Spark master (default local[2])")
    ap.add_argument("--datasets", default=",".join(DATASETS))
    ap.add_argument("--memory", default="2g", help="Spark driver memory (default 2g)")
    ap.add_argument("--threads", type=int, default=2, help="DuckDB threads (default 2)")
    ap.add_argument("--duckdb-memory", default="2GB", help="DuckDB memory_limit (default 2GB)")
    ap.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE",
                    help="a Spark setting (repeatable), e.g. spark.executor.memory=8g on a cluster")
    # Tests only: DuckDB skips one row of the first dataset, to show a difference is caught.
    ap.add_argument("--prova-differenza", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()

    try:
        import duckdb
    except ImportError:
        fail("the Python package duckdb is not on PYTHONPATH")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        fail("the Python package pyspark is not on PYTHONPATH")

    gen = generation(args.lake)
    print("Lago: %s (generazione letta: %s)" % (os.path.abspath(args.lake), gen))
    present = []
    for ds in [d for d in args.datasets.split(",") if d]:
        folder = os.path.join(gen, ds)
        files = glob.glob(os.path.join(folder, "*", "*.parquet"))
        if not files:
            print("  %s: %s, saltato" % (ds, "vuoto" if os.path.isdir(folder) else "assente"))
            continue
        present.append((ds, folder, len(files)))
    if not present:
        fail("no dataset with Parquet files under %s" % gen)

    # DuckDB: the reads of views.sql, on absolute paths.
    t0 = time.time()
    con = duckdb.connect()
    con.execute("SET threads = %d" % args.threads)
    con.execute("SET memory_limit = '%s'" % args.duckdb_memory)
    con.execute("SET autoinstall_known_extensions = false")
    schemas = {}
    for i, (ds, folder, _) in enumerate(present):
        src = "read_parquet('%s/*/*.parquet', hive_partitioning = true, hive_types = {'anno': INTEGER})" % folder.replace("'", "''")
        cut = " OFFSET 1" if args.prova_differenza and i == 0 else ""
        con.execute("CREATE VIEW %s AS SELECT * FROM %s%s" % (ds, src, cut))
        schemas[ds] = [(r[0], r[1]) for r in con.execute("DESCRIBE %s" % ds).fetchall()]
    duck_setup = time.time() - t0

    checks = []
    for ds, _, _ in present:
        cols = [(n, DUCK_TO_SPARK.get(t, t.lower())) for n, t in schemas[ds]]
        names = {n for n, _ in cols}
        checks.append(Check(ds, "righe per anno", "SELECT anno, count(*) FROM %s GROUP BY anno" % ds, 1))
        for c in BREAKDOWNS.get(ds, []):
            if c in names:
                checks.append(Check(ds, "righe per anno e %s" % c,
                                    "SELECT anno, %s, count(*) FROM %s GROUP BY anno, %s" % (c, ds, c), 2))
        if "id_lavoratore" in names:
            checks.append(Check(ds, "lavoratori distinti", "SELECT count(DISTINCT id_lavoratore) FROM %s" % ds))
        sql, labels = profile_sql(ds, cols)
        prof = Check(ds, "profilo delle colonne", sql)
        prof.labels = labels
        checks.append(prof)

    took = {ds: [0.0, 0.0] for ds, _, _ in present}

    def run_checks(engine, slot, attribute, run):
        # Runs every check in one engine; returns the wall time of all its queries.
        t0 = time.time()
        for c in checks:
            t = time.time()
            setattr(c, attribute, c.rows(run(c.sql)))
            took[c.dataset][slot] += time.time() - t
            progress(engine, c)
        return time.time() - t0

    duck_queries = run_checks("duckdb", 1, "duck", lambda q: con.execute(q).fetchall())

    # Spark: the dataset folder itself; partition discovery finds anno=YYYY.
    t0 = time.time()
    builder = (
        SparkSession.builder.master(args.master)
        .appName("oml-totals")
        .config("spark.driver.memory", args.memory)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
    )
    for kv in args.conf:
        k, _, v = kv.partition("=")
        builder = builder.config(k, v)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    spark_start = time.time() - t0
    t0 = time.time()
    spark_schemas = {}
    for ds, folder, _ in present:
        df = spark.read.parquet(folder)
        df.createOrReplaceTempView(ds)
        spark_schemas[ds] = [(f.name, f.dataType.simpleString()) for f in df.schema.fields]
    run_checks("spark", 0, "spark", lambda q: spark.sql(q).collect())
    spark_queries = time.time() - t0  # with reading the schemas
    version = spark.version
    spark.stop()

    # The report.
    print("Spark %s (%s, JVM %s) e DuckDB %s" % (version, args.master, java_version(), duckdb.__version__))
    print()
    head = ("dataset", "controllo", "spark", "duckdb", "esito")
    lines, bad = [], 0
    for ds, folder, nfiles in present:
        duck_schema = [(n, DUCK_TO_SPARK.get(t, t.lower())) for n, t in schemas[ds]]
        ok = duck_schema == spark_schemas[ds]
        bad += not ok
        lines.append((ds, "schema (%d file)" % nfiles, "%d colonne" % len(spark_schemas[ds]),
                      "%d colonne" % len(duck_schema), "OK" if ok else "DIVERSO"))
        if not ok:
            for a, b in zip_longest(spark_schemas[ds], duck_schema):
                if a != b:
                    lines.append(("", "  colonna", fmt_col(a), fmt_col(b), ""))
    details = []
    for c in checks:
        diffs = c.differences()
        bad += bool(diffs)
        res = "OK" if not diffs else "DIVERSO (%d)" % len(diffs)
        if c.keys == 0:
            sv, dv = c.spark.get((), ()), c.duck.get((), ())
            if hasattr(c, "labels"):
                lines.append((c.dataset, "righe", fmt(sv[0]), fmt(dv[0]), "OK" if same(sv[0], dv[0]) else "DIVERSO"))
                for col in SHOWN_SUMS.get(c.dataset, []):
                    label = "%s: somma" % col
                    if label in c.labels:
                        i = c.labels.index(label)
                        lines.append((c.dataset, "somma di " + col, fmt(sv[i]), fmt(dv[i]),
                                      "OK" if same(sv[i], dv[i]) else "DIVERSO"))
                pairs = zip_longest(sv, dv)
                differing = [i for i, (a, b) in enumerate(pairs) if not same(a, b)]
                res = "OK" if not differing else "DIVERSO (%d valori)" % len(differing)
                lines.append((c.dataset, "%s (%d valori)" % (c.name, len(c.labels)), "", "", res))
                for i in differing[:10]:
                    details.append((c.dataset, c.labels[i], fmt(pairs[i][0]), fmt(pairs[i][1])))
                if len(differing) > 10:
                    details.append((c.dataset, "altri valori del profilo", "%d diversi" % (len(differing) - 10), ""))
            else:
                lines.append((c.dataset, c.name, fmt(sv[0]), fmt(dv[0]), res))
        else:
            tot = lambda rows: sum(v[-1] for v in rows.values())
            groups = lambda rows: "%d %s, %s" % (len(rows), "gruppo" if len(rows) == 1 else "gruppi", fmt(tot(rows)))
            lines.append((c.dataset, c.name, groups(c.spark), groups(c.duck), res))
            for k, a, b in diffs[:10]:
                details.append((c.dataset, "%s %s" % (c.name, k), str(a), str(b)))
            if len(diffs) > 10:
                details.append((c.dataset, c.name, "altri %d gruppi diversi" % (len(diffs) - 10), ""))
    widths = [max(len(str(r[i])) for r in lines + [head]) for i in range(5)]
    for r in [head] + lines:
        print("  ".join(str(v).ljust(w) if i < 2 else str(v).rjust(w) if i < 4 else str(v)
                        for i, (v, w) in enumerate(zip(r, widths))).rstrip())
    if details:
        print()
        print("Differenze (spark | duckdb):")
        for ds, what, a, b in details:
            print("  %s, %s: %s | %s" % (ds, what, a, b))
    print()
    print("Tempi delle query per dataset: " + ", ".join(
        "%s %.1f s (Spark) / %.1f s (DuckDB)" % (ds, a, b) for ds, (a, b) in took.items()))
    print("Tempi: Spark avvio %.1f s, letture e query %.1f s; DuckDB apertura %.1f s, query %.1f s"
          % (spark_start, spark_queries, duck_setup, duck_queries))
    n = len(lines)
    print("ESITO: %d controlli su %d dataset, %d differenze" % (n, len(present), bad))
    sys.exit(1 if bad else 0)


def progress(engine, check):
    print("  %s: %s, %s" % (engine, check.dataset, check.name), file=sys.stderr, flush=True)


def zip_longest(a, b):
    n = max(len(a), len(b))
    return [(a[i] if i < len(a) else None, b[i] if i < len(b) else None) for i in range(n)]


def fmt_col(c):
    return "-" if c is None else "%s %s" % c


def java_version():
    import subprocess

    try:
        out = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr
        return out.split('"')[1]
    except (OSError, IndexError):
        return "?"


if __name__ == "__main__":
    main()
