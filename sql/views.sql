-- OML: DuckDB views over the lake.
--
-- The binary fills each {{dataset}} placeholder with a read_parquet over that dataset's
-- hive-partitioned files (anno=YYYY) and runs this file at the start of every `oml sql`
-- session. Every ingest also writes a rendered copy, with paths relative to the lake, as
-- `<lake>/views.sql`: researchers can run it from the lake folder with
--     cd lake && duckdb -init views.sql
-- Personal data never reach these datasets: workers and employers are keyed pseudonyms.

-- One row per communication (avviamento, proroga, trasformazione, cessazione) after the
-- resolution of rettifiche and annullamenti.
CREATE OR REPLACE VIEW co_eventi AS SELECT * FROM {{co_eventi}};

-- Records rejected by validation, with the reason (`motivo`), the field and the position in
-- the source file. `record_grezzo` is the record with personal fields replaced by ***.
CREATE OR REPLACE VIEW quarantena AS SELECT * FROM {{quarantena}};

-- Audit of superseded communications (rettificate, annullate, and the annullamenti).
CREATE OR REPLACE VIEW co_superati AS SELECT * FROM {{co_superati}};

-- Quality report: quarantined records by reason and source.
CREATE OR REPLACE VIEW qualita_per_motivo AS
SELECT motivo, fonte, count(*) AS record
FROM quarantena
GROUP BY ALL
ORDER BY record DESC, motivo;

-- What the lake holds: communications by year and event kind.
CREATE OR REPLACE VIEW eventi_per_anno AS
SELECT anno, evento, count(*) AS comunicazioni
FROM co_eventi
GROUP BY ALL
ORDER BY anno, evento;

-- Employment relationships rebuilt by `oml build` (key: worker, employer, data_inizio), with
-- the attributes of their avviamento. Dates are inclusive; data_fine_effettiva is NULL while
-- the relationship is open at the horizon (docs/convenzioni.md).
CREATE OR REPLACE VIEW rapporti AS SELECT * FROM {{rapporti}};

-- Contract / working-time segments of each relationship (a trasformazione starts a new one).
CREATE OR REPLACE VIEW segmenti AS SELECT * FROM {{segmenti}};

-- Communications that could not be applied, and relationships without avviamento.
CREATE OR REPLACE VIEW rapporti_anomalie AS SELECT * FROM {{rapporti_anomalie}};
