-- DuckDB-only baseline of `oml build`: the employment relationships rebuilt from co_eventi
-- with window functions, as an analyst would write it in SQL. `oml bench build` runs it on
-- the same lake, side by side with OML, and compares the results. Same work: read the
-- columns, reconstruct, write Parquet (zstd) with the relationship's attributes.
--
-- Rules (those of src/build/rapporti.rs that SQL expresses naturally):
-- - a relationship is (id_lavoratore, id_datore, data_inizio); its avviamento opens it; without
--   one it is built from its first communication (censura_sinistra if it started before the
--   first data_invio in the lake);
-- - expected end: the data_fine of the last trasformazione (none after one to open-ended),
--   else of the avviamento; proroghe sent after that move it to their latest data_fine_proroga
--   (never backwards, never for an open-ended contract);
-- - data_fine_effettiva: the first cessazione not dated before the start; else the expected
--   end if it is on or before the horizon (last day of the month of the latest data_invio),
--   with cessazione_imputata; else none (still open).
-- Not reproduced (OML records them in rapporti_anomalie): a second avviamento with the same
-- key (OML opens a separate relationship), proroghe / trasformazioni refused one by one
-- (dated before the current segment, sent after the cessazione), ties on data_invio broken by
-- row order.
-- Placeholders filled by the benchmark: {{lake}} {{out}} {{threads}}.

SET threads = {{threads}};
SET preserve_insertion_order = false;
SET temp_directory = '{{out}}/duckdb.tmp';

COPY (
    WITH ev AS (
        SELECT codice_comunicazione, data_invio, id_lavoratore, id_datore, data_inizio, data_fine,
            data_fine_proroga, data_trasformazione, data_cessazione, causa_cessazione, macro_causa_cessazione,
            tipologia_contrattuale, macro_contratto, tipo_orario, ore_settimanali, sesso, anno_nascita, classe_eta,
            nato_estero, cittadinanza, area_cittadinanza, livello_istruzione, comune_domicilio, datore_pa, ateco,
            ateco_sezione, ateco_divisione, comune_lavoro, provincia, provincia_istat, regione, cpi, ccnl,
            qualifica_professionale,
            CASE evento WHEN 'ASS' THEN 0 WHEN 'PRO' THEN 1 WHEN 'TRS' THEN 2 ELSE 3 END AS k
        FROM read_parquet('{{lake}}/co_eventi/*/*.parquet', hive_partitioning = true)
    ),
    limiti AS (
        SELECT last_day(max(data_invio)::DATE) AS orizzonte, min(data_invio)::DATE AS inizio_copertura FROM ev
    ),
    seq AS (
        SELECT *,
            -- 1 = the avviamento, or the first communication without one: gives the attributes.
            row_number() OVER w_ord AS n,
            -- Proroghe sent before the last trasformazione no longer count.
            max(CASE WHEN k = 2 AND data_trasformazione IS NOT NULL THEN data_invio END) OVER w AS invio_trs,
            min(CASE WHEN k = 3 AND data_cessazione >= data_inizio THEN data_invio END) OVER w AS invio_ces
        FROM ev
        WINDOW w AS (PARTITION BY id_lavoratore, id_datore, data_inizio),
            w_ord AS (PARTITION BY id_lavoratore, id_datore, data_inizio ORDER BY k > 0, data_invio, k)
    ),
    r AS (
        SELECT id_lavoratore, id_datore, data_inizio,
            bool_or(k = 0) AS avviamento_nel_lago,
            any_value(codice_comunicazione) FILTER (WHERE n = 1 AND k = 0) AS codice_comunicazione_avvio,
            any_value(data_fine) FILTER (WHERE n = 1 AND k = 0) AS data_fine_prevista_iniziale,
            CASE WHEN any_value(invio_trs) IS NULL THEN any_value(data_fine) FILTER (WHERE n = 1)
                ELSE max(data_fine) FILTER (WHERE k = 2 AND data_invio = invio_trs) END AS fine_base,
            max(data_fine_proroga) FILTER (WHERE k = 1 AND (invio_trs IS NULL OR data_invio > invio_trs)) AS fine_proroga,
            max(data_cessazione) FILTER (WHERE k = 3 AND data_invio = invio_ces) AS data_cessazione,
            any_value(causa_cessazione) FILTER (WHERE k = 3 AND data_invio = invio_ces) AS causa_cessazione,
            any_value(macro_causa_cessazione) FILTER (WHERE k = 3 AND data_invio = invio_ces) AS macro_causa_cessazione,
            any_value(tipologia_contrattuale) FILTER (WHERE n = 1 AND k <> 2) AS tipologia_contrattuale,
            any_value(macro_contratto) FILTER (WHERE n = 1 AND k <> 2) AS macro_contratto,
            any_value(tipologia_contrattuale) FILTER (WHERE k = 2 AND data_invio = invio_trs) AS tipologia_trs,
            any_value(macro_contratto) FILTER (WHERE k = 2 AND data_invio = invio_trs) AS macro_trs,
            any_value(tipo_orario) FILTER (WHERE n = 1 AND k <> 2) AS tipo_orario,
            any_value(ore_settimanali) FILTER (WHERE n = 1 AND k <> 2) AS ore_settimanali,
            count(*) FILTER (WHERE k = 1) AS n_proroghe,
            count(*) FILTER (WHERE k = 2) AS n_trasformazioni,
            any_value(sesso) FILTER (WHERE n = 1) AS sesso,
            any_value(anno_nascita) FILTER (WHERE n = 1) AS anno_nascita,
            any_value(classe_eta) FILTER (WHERE n = 1) AS classe_eta,
            any_value(nato_estero) FILTER (WHERE n = 1) AS nato_estero,
            any_value(cittadinanza) FILTER (WHERE n = 1) AS cittadinanza,
            any_value(area_cittadinanza) FILTER (WHERE n = 1) AS area_cittadinanza,
            any_value(livello_istruzione) FILTER (WHERE n = 1) AS livello_istruzione,
            any_value(comune_domicilio) FILTER (WHERE n = 1) AS comune_domicilio,
            any_value(datore_pa) FILTER (WHERE n = 1) AS datore_pa,
            any_value(ateco) FILTER (WHERE n = 1) AS ateco,
            any_value(ateco_sezione) FILTER (WHERE n = 1) AS ateco_sezione,
            any_value(ateco_divisione) FILTER (WHERE n = 1) AS ateco_divisione,
            any_value(comune_lavoro) FILTER (WHERE n = 1) AS comune_lavoro,
            any_value(provincia) FILTER (WHERE n = 1) AS provincia,
            any_value(provincia_istat) FILTER (WHERE n = 1) AS provincia_istat,
            any_value(regione) FILTER (WHERE n = 1) AS regione,
            any_value(cpi) FILTER (WHERE n = 1) AS cpi,
            any_value(ccnl) FILTER (WHERE n = 1) AS ccnl,
            any_value(qualifica_professionale) FILTER (WHERE n = 1) AS qualifica_professionale
        FROM seq
        GROUP BY id_lavoratore, id_datore, data_inizio
    ),
    fine AS (
        SELECT r.*, l.orizzonte, l.inizio_copertura,
            CASE WHEN fine_base IS NOT NULL THEN greatest(fine_base, coalesce(fine_proroga, fine_base)) END
                AS data_fine_prevista
        FROM r, limiti l
    )
    SELECT
        codice_comunicazione_avvio, data_inizio, data_fine_prevista_iniziale, data_fine_prevista, data_cessazione,
        coalesce(data_cessazione, CASE WHEN data_fine_prevista <= orizzonte THEN data_fine_prevista END)
            AS data_fine_effettiva,
        coalesce(data_cessazione IS NULL AND data_fine_prevista <= orizzonte, false) AS cessazione_imputata,
        avviamento_nel_lago,
        NOT avviamento_nel_lago AND data_inizio < inizio_copertura AS censura_sinistra,
        tipologia_contrattuale, macro_contratto,
        coalesce(tipologia_trs, tipologia_contrattuale) AS tipologia_finale,
        coalesce(macro_trs, macro_contratto) AS macro_contratto_finale,
        tipo_orario, ore_settimanali, causa_cessazione, macro_causa_cessazione, n_proroghe, n_trasformazioni,
        datediff('day', data_inizio, data_fine_prevista_iniziale) + 1 AS durata_prevista,
        datediff('day', data_inizio, data_fine_effettiva) + 1 AS durata_effettiva,
        id_lavoratore, id_datore, sesso, anno_nascita, classe_eta, nato_estero, cittadinanza, area_cittadinanza,
        livello_istruzione, comune_domicilio, datore_pa, ateco, ateco_sezione, ateco_divisione, comune_lavoro,
        provincia, provincia_istat, regione, cpi, ccnl, qualifica_professionale
    FROM fine
) TO '{{out}}/rapporti_duckdb.parquet' (FORMAT parquet, COMPRESSION zstd);
