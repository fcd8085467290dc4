-- The baseline of the CIG line of `oml bench ingest`: a plain DuckDB read_csv of the national
-- INPS CIG table (classic layout), typed by DuckDB's sniffer and copied to Parquet, with no
-- checks, no code mapping and no totals.
COPY (SELECT * FROM read_csv('{{input}}', delim = ';', header = true))
TO '{{out}}/cig.parquet' (FORMAT parquet, COMPRESSION zstd);
