-- The floor: a plain DuckDB CSV → Parquet copy of the extract, no checks at all.
COPY (SELECT * FROM read_csv('{{input}}', delim = ';', header = true, all_varchar = true))
TO '{{out}}/copia.parquet' (FORMAT parquet, COMPRESSION zstd);
