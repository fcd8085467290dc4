-- indicatore: posizioni
-- ordine: 20
-- titolo: Posizioni di lavoro all'inizio e alla fine del periodo
-- fonte: segmenti_dim
-- margini: somma
-- additive: posizioni_inizio, posizioni_fine, variazione
-- con_segno: variazione
-- unioni: variazione = posizioni_fine - posizioni_inizio
-- identita: posizioni_fine = posizioni_inizio + variazione
-- definizione: posizioni_inizio = rapporti in essere alla fine del giorno precedente l'inizio del periodo.
-- definizione: posizioni_fine = rapporti in essere alla fine dell'ultimo giorno del periodo.
-- definizione: variazione = posizioni a fine periodo − posizioni a inizio periodo (= saldo del periodo).
--
-- Stock of positions (relationships in force), by the contract of the segment in force:
--   posizioni_inizio   in force at the end of the day before the period starts;
--   posizioni_fine     in force at the end of the period's last day;
--   variazione = posizioni_fine - posizioni_inizio (equals the saldo of flussi.sql, exactly).
-- A measure that is 0 in a cell has no row.
-- A position is in force at the end of day t if it started on or before t and has not ended
-- by t (data_fine > t, or still open): a relationship that ends on t has its last day of work
-- on t but is no longer in the stock that evening; a trasformazione on day d moves the position
-- from the old contract to the new one on d (docs/convenzioni.md).
-- Limit of CO data: relationships started before the lake and never communicated since are
-- invisible, so levels are a lower bound; variations are exact.
WITH periodi AS (SELECT * FROM oml_periodi(oml_periodicita())),
base AS (
    SELECT p.periodo, p.inizio AS inizio_p, p.fine AS fine_p, s.*
    FROM periodi p JOIN segmenti_dim s
      ON s.inizio_segmento <= p.fine AND s.uscita_segmento >= p.inizio
),
-- stock is read twice: NOT MATERIALIZED, so DuckDB does not keep its rows with every column of the
-- segments (national year: 6.7 GB instead of 10.4 GB, and faster).
stock AS NOT MATERIALIZED (
    SELECT 'INI' AS tipo, * FROM base WHERE inizio_segmento < inizio_p AND uscita_segmento >= inizio_p
    UNION ALL
    SELECT 'FIN' AS tipo, * FROM base WHERE inizio_segmento <= fine_p AND uscita_segmento > fine_p
),
per_tipo AS (
    SELECT COLUMNS(lambda c: c IN ('periodo', 'tipo') OR list_contains(oml_per(), c)),
        count(*) AS n, count(DISTINCT id_lavoratore) AS l, count(DISTINCT id_datore) AS d,
        oml_chiave_cella(id_lavoratore) AS k
    FROM stock GROUP BY ALL
),
variazione AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)), 'VAR' AS tipo,
        sum(CASE tipo WHEN 'FIN' THEN 1 ELSE -1 END) AS n,
        count(DISTINCT id_lavoratore) AS l, count(DISTINCT id_datore) AS d,
        oml_chiave_cella(id_lavoratore) AS k
    FROM stock WHERE NOT oml_da_unire('variazione') GROUP BY ALL
)
SELECT * EXCLUDE (tipo, n, l, d, k),
    CASE tipo WHEN 'INI' THEN 'posizioni_inizio' WHEN 'FIN' THEN 'posizioni_fine' ELSE 'variazione' END AS misura,
    n::DOUBLE AS valore, l AS n_lavoratori, d AS n_datori, k AS chiave_cella
FROM (SELECT * FROM per_tipo UNION ALL BY NAME SELECT * FROM variazione)
ORDER BY ALL;
