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

-- Rettifiche and annullamenti whose target has not arrived yet: each is also in `quarantena`
-- (rettifica_orfana, annullamento_orfano); when the target arrives, the next ingest resolves
-- the pair as if both had come together and the row leaves both.
CREATE OR REPLACE VIEW co_in_attesa AS SELECT * FROM {{co_in_attesa}};

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

-- ── Indicator helpers ────────────────────────────────────────────────────────────────────
-- The indicator files in sql/indicatori/ read four DuckDB variables, so that each file runs
-- as is from the DuckDB CLI (defaults: the whole lake, by year, no breakdown) and the binary
-- only sets them (`oml indicators NAME --by … --period …`):
--   SET VARIABLE oml_dal = DATE '2024-01-01';  SET VARIABLE oml_al = DATE '2024-12-31';
--   SET VARIABLE oml_periodicita = 'trimestre';   -- 'mese' | 'trimestre' | 'anno'
--   SET VARIABLE oml_per = ['cpi', 'macro_contratto'];   -- breakdown columns (dimensions)
-- Dates follow docs/convenzioni.md: inclusive; a position is in the stock at the end of day t
-- if data_inizio <= t and it has not ended by t (fine > t, or still open); a contract segment
-- is in it if inizio_segmento <= t < uscita_segmento.

-- Rounding of published averages and shares: half away from zero on the decimal value, the
-- same in every DuckDB release. round() on a DOUBLE differs between releases on ties:
-- round(94.05, 1) is 94.1 in DuckDB 1.5 and 94.0 in 2.0 (which rounds the binary double).
CREATE OR REPLACE MACRO oml_arrotonda(x, cifre) AS round(x::DECIMAL(38, 9), cifre)::DOUBLE;

-- Horizon and coverage of the last `oml build` (NULL before the first build).
CREATE OR REPLACE MACRO oml_orizzonte() AS {{orizzonte}};
CREATE OR REPLACE MACRO oml_inizio_copertura() AS {{inizio_copertura}};
CREATE OR REPLACE MACRO oml_dal() AS coalesce(getvariable('oml_dal')::DATE, oml_inizio_copertura(), DATE '2000-01-01');
CREATE OR REPLACE MACRO oml_al() AS coalesce(getvariable('oml_al')::DATE, oml_orizzonte(), DATE '2000-12-31');
CREATE OR REPLACE MACRO oml_per() AS coalesce(getvariable('oml_per')::VARCHAR[], []::VARCHAR[]);
CREATE OR REPLACE MACRO oml_periodicita() AS coalesce(getvariable('oml_periodicita')::VARCHAR, 'anno');
-- The label of the period a day belongs to: '2024-03', '2024-Q1' or '2024'.
CREATE OR REPLACE MACRO oml_periodo(d, periodicita) AS CASE periodicita
    WHEN 'mese' THEN strftime(d, '%Y-%m')
    WHEN 'trimestre' THEN strftime(d, '%Y') || '-Q' || quarter(d)::VARCHAR
    ELSE strftime(d, '%Y') END;
-- First and last day of the period a day belongs to.
CREATE OR REPLACE MACRO oml_inizio_periodo(d, periodicita) AS CASE periodicita
    WHEN 'mese' THEN date_trunc('month', d)::DATE
    WHEN 'trimestre' THEN date_trunc('quarter', d)::DATE
    ELSE date_trunc('year', d)::DATE END;
CREATE OR REPLACE MACRO oml_fine_periodo(d, periodicita) AS CASE periodicita
    WHEN 'mese' THEN (date_trunc('month', d) + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE
    WHEN 'trimestre' THEN (date_trunc('quarter', d) + INTERVAL 3 MONTH - INTERVAL 1 DAY)::DATE
    ELSE (date_trunc('year', d) + INTERVAL 1 YEAR - INTERVAL 1 DAY)::DATE END;
-- The periods between oml_dal() and oml_al(), clipped to them.
CREATE OR REPLACE MACRO oml_periodi(periodicita) AS TABLE
    SELECT oml_periodo(g::DATE, periodicita) AS periodo,
           greatest(min(g)::DATE, oml_dal()) AS inizio, least(max(g)::DATE, oml_al()) AS fine
    FROM range(oml_dal()::TIMESTAMP, oml_al()::TIMESTAMP + INTERVAL 1 DAY, INTERVAL 1 DAY) t(g)
    GROUP BY 1;
-- Weight of a day of work in full-time equivalents: part-time by weekly hours over 40 (0.5
-- when the hours are missing); full-time, 'N' (non definito, e.g. intermittent) and unknown count 1.
CREATE OR REPLACE MACRO oml_peso_orario(tipo_orario, ore) AS CASE
    WHEN tipo_orario IN ('P', 'V', 'M') THEN coalesce(least(ore, 40.0) / 40.0, 0.5)
    ELSE 1.0 END;

-- ISTAT macro-sector of an ATECO 2007 section.
CREATE OR REPLACE MACRO oml_settore(sezione) AS CASE
    WHEN sezione IS NULL THEN 'NON_INDICATO'
    WHEN sezione = 'A' THEN 'AGRICOLTURA'
    WHEN sezione IN ('B', 'C', 'D', 'E') THEN 'INDUSTRIA'
    WHEN sezione = 'F' THEN 'COSTRUZIONI'
    ELSE 'SERVIZI' END;

-- Territory filter: SET VARIABLE oml_provincia = 'PO' (sigla) and/or oml_regione (as in the
-- regione column) restrict rapporti_dim, segmenti_dim and co_eventi_dim, hence every indicator.
CREATE OR REPLACE MACRO oml_nel_territorio(provincia, regione) AS
    (getvariable('oml_provincia') IS NULL OR provincia = getvariable('oml_provincia')::VARCHAR)
    AND (getvariable('oml_regione') IS NULL OR regione = getvariable('oml_regione')::VARCHAR);

-- Relationships with their breakdown columns: comune (of the workplace), settore (ISTAT
-- macro-sector from the ATECO section).
-- Missing values of a breakdown column read 'NON_INDICATO', so that every cell has a label.
CREATE OR REPLACE VIEW rapporti_dim AS
SELECT * REPLACE (
        coalesce(sesso, 'NON_INDICATO') AS sesso,
        coalesce(classe_eta, 'NON_INDICATO') AS classe_eta,
        coalesce(area_cittadinanza, 'NON_INDICATO') AS area_cittadinanza,
        coalesce(livello_istruzione, 'NON_INDICATO') AS livello_istruzione,
        coalesce(ateco_sezione, 'NON_INDICATO') AS ateco_sezione,
        coalesce(ateco_divisione, 'NON_INDICATO') AS ateco_divisione,
        coalesce(cpi, 'NON_INDICATO') AS cpi,
        coalesce(provincia, 'NON_INDICATO') AS provincia,
        coalesce(regione, 'NON_INDICATO') AS regione,
        coalesce(macro_contratto, 'NON_NOTO') AS macro_contratto,
        coalesce(tipologia_contrattuale, 'NON_NOTO') AS tipologia_contrattuale),
    coalesce(comune_lavoro, 'NON_INDICATO') AS comune,
    oml_settore(ateco_sezione) AS settore,
    coalesce(data_fine_effettiva, DATE '9999-12-31') AS fine_o_aperto
FROM rapporti
WHERE oml_nel_territorio(provincia, regione);

-- Segments with the breakdown columns of their relationship (stored on each segment by
-- `oml build`, so this view reads one table); the contract columns (tipologia_contrattuale,
-- macro_contratto, tipo_orario, ore_settimanali) are the segment's. uscita_segmento is the day
-- the segment leaves the end-of-day stock: its last day for the relationship's last segment
-- (the cessazione), the day of the trasformazione (its end + 1) for the others.
CREATE OR REPLACE VIEW segmenti_dim AS
SELECT id_rapporto, n_segmento, data_inizio AS inizio_segmento, data_fine AS fine_segmento,
    coalesce(data_fine, DATE '9999-12-31') AS fine_segmento_o_aperto,
    ultimo_segmento,
    coalesce(uscita_segmento, DATE '9999-12-31') AS uscita_segmento,
    coalesce(tipologia_contrattuale, 'NON_NOTO') AS tipologia_contrattuale,
    coalesce(macro_contratto, 'NON_NOTO') AS macro_contratto,
    coalesce(macro_contratto_precedente, 'NON_NOTO') AS macro_contratto_precedente,
    coalesce(tipo_orario, 'NON_INDICATO') AS tipo_orario,
    ore_settimanali, coalesce(codice_trasformazione, 'NESSUNA') AS codice_trasformazione,
    data_inizio_rapporto AS data_inizio, data_fine_effettiva, cessazione_imputata, avviamento_nel_lago,
    censura_sinistra, id_lavoratore, id_datore,
    coalesce(sesso, 'NON_INDICATO') AS sesso,
    coalesce(classe_eta, 'NON_INDICATO') AS classe_eta,
    coalesce(area_cittadinanza, 'NON_INDICATO') AS area_cittadinanza,
    coalesce(livello_istruzione, 'NON_INDICATO') AS livello_istruzione,
    coalesce(comune_lavoro, 'NON_INDICATO') AS comune,
    coalesce(cpi, 'NON_INDICATO') AS cpi,
    coalesce(provincia, 'NON_INDICATO') AS provincia,
    coalesce(regione, 'NON_INDICATO') AS regione,
    coalesce(ateco_sezione, 'NON_INDICATO') AS ateco_sezione,
    coalesce(ateco_divisione, 'NON_INDICATO') AS ateco_divisione,
    oml_settore(ateco_sezione) AS settore
FROM segmenti
WHERE oml_nel_territorio(provincia, regione);

-- Communications with the same breakdown columns as rapporti_dim.
CREATE OR REPLACE VIEW co_eventi_dim AS
SELECT * REPLACE (
        coalesce(sesso, 'NON_INDICATO') AS sesso,
        coalesce(classe_eta, 'NON_INDICATO') AS classe_eta,
        coalesce(area_cittadinanza, 'NON_INDICATO') AS area_cittadinanza,
        coalesce(livello_istruzione, 'NON_INDICATO') AS livello_istruzione,
        coalesce(ateco_sezione, 'NON_INDICATO') AS ateco_sezione,
        coalesce(ateco_divisione, 'NON_INDICATO') AS ateco_divisione,
        coalesce(cpi, 'NON_INDICATO') AS cpi,
        coalesce(provincia, 'NON_INDICATO') AS provincia,
        coalesce(regione, 'NON_INDICATO') AS regione,
        coalesce(macro_contratto, 'NON_NOTO') AS macro_contratto,
        coalesce(tipologia_contrattuale, 'NON_NOTO') AS tipologia_contrattuale,
        coalesce(tipo_orario, 'NON_INDICATO') AS tipo_orario),
    coalesce(comune_lavoro, 'NON_INDICATO') AS comune,
    oml_settore(ateco_sezione) AS settore
FROM co_eventi
WHERE oml_nel_territorio(provincia, regione);

-- Standard marts written by `oml build`: the same tables `oml indicators` prints (protected,
-- totals included; columns periodo, breakdowns, misura, valore, stato, codice_stato,
-- n_lavoratori, n_datori).
CREATE OR REPLACE VIEW mart_flussi AS SELECT * FROM {{mart_flussi}};
CREATE OR REPLACE VIEW mart_posizioni AS SELECT * FROM {{mart_posizioni}};
CREATE OR REPLACE VIEW mart_flussi_mensili AS SELECT * FROM {{mart_flussi_mensili}};
