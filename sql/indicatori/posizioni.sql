-- indicatore: posizioni
-- titolo: Posizioni di lavoro all'inizio e alla fine del periodo
-- fonte: segmenti_dim
-- additive: posizioni_inizio, posizioni_fine, variazione
--
-- Stock of positions (relationships in force), by the contract of the segment in force:
--   posizioni_inizio   in force at the end of the day before the period starts;
--   posizioni_fine     in force at the end of the period's last day;
--   variazione = posizioni_fine - posizioni_inizio (equals the saldo of flussi.sql, exactly).
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
celle AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)),
        count(*) FILTER (WHERE inizio_segmento < inizio_p AND uscita_segmento >= inizio_p) AS ini,
        count(DISTINCT id_lavoratore) FILTER (WHERE inizio_segmento < inizio_p AND uscita_segmento >= inizio_p) AS ini_l,
        count(DISTINCT id_datore) FILTER (WHERE inizio_segmento < inizio_p AND uscita_segmento >= inizio_p) AS ini_d,
        count(*) FILTER (WHERE inizio_segmento <= fine_p AND uscita_segmento > fine_p) AS fin,
        count(DISTINCT id_lavoratore) FILTER (WHERE inizio_segmento <= fine_p AND uscita_segmento > fine_p) AS fin_l,
        count(DISTINCT id_datore) FILTER (WHERE inizio_segmento <= fine_p AND uscita_segmento > fine_p) AS fin_d,
        count(DISTINCT id_lavoratore) AS tot_l,
        count(DISTINCT id_datore) AS tot_d
    FROM base
    GROUP BY ALL
)
SELECT * EXCLUDE (ini, ini_l, ini_d, fin, fin_l, fin_d, tot_l, tot_d),
    unnest([
        {'misura': 'posizioni_inizio', 'valore': ini::DOUBLE, 'n_lavoratori': ini_l, 'n_datori': ini_d},
        {'misura': 'posizioni_fine', 'valore': fin::DOUBLE, 'n_lavoratori': fin_l, 'n_datori': fin_d},
        {'misura': 'variazione', 'valore': (fin - ini)::DOUBLE, 'n_lavoratori': tot_l, 'n_datori': tot_d}
    ], recursive := true)
FROM celle
ORDER BY ALL;
