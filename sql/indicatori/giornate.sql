-- indicatore: giornate
-- ordine: 30
-- titolo: Giornate lavorate e occupati equivalenti a tempo pieno
-- fonte: segmenti_dim
-- margini: somma
-- additive: giornate, ula
-- arrotondate: ula = 1
--
--   giornate   days of work in the period: the overlap of each segment [inizio, fine] (inclusive;
--              open segments run to the horizon) with the period;
--   ula        full-time equivalents: sum of giornate x weight / days in the period, where the
--              weight is 1 for full-time and weekly hours / 40 for part-time (0.5 without hours),
--              see oml_peso_orario in views.sql. Intermittent contracts ('N') count as full days:
--              an upper bound, since CO do not say which days were called.
WITH periodi AS (SELECT * FROM oml_periodi(oml_periodicita())),
base AS (
    SELECT p.periodo, s.*,
        datediff('day', greatest(s.inizio_segmento, p.inizio),
                 least(s.fine_segmento_o_aperto, p.fine, coalesce(oml_orizzonte(), p.fine))) + 1 AS gg,
        datediff('day', p.inizio, p.fine) + 1 AS gg_periodo
    FROM periodi p JOIN segmenti_dim s
      ON s.inizio_segmento <= p.fine AND s.fine_segmento_o_aperto >= p.inizio
),
celle AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)),
        sum(greatest(gg, 0)) AS giornate,
        sum(greatest(gg, 0) * oml_peso_orario(tipo_orario, ore_settimanali) / gg_periodo) AS ula,
        count(DISTINCT id_lavoratore) FILTER (WHERE gg > 0) AS l,
        count(DISTINCT id_datore) FILTER (WHERE gg > 0) AS d
    FROM base
    GROUP BY ALL
)
SELECT * EXCLUDE (giornate, ula, l, d),
    unnest([
        {'misura': 'giornate', 'valore': giornate::DOUBLE, 'n_lavoratori': l, 'n_datori': d},
        {'misura': 'ula', 'valore': oml_arrotonda(ula, 1), 'n_lavoratori': l, 'n_datori': d}
    ], recursive := true)
FROM celle
ORDER BY ALL;
