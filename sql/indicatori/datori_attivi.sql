-- indicatore: datori_attivi
-- ordine: 60
-- titolo: Datori di lavoro attivi e che assumono
-- fonte: rapporti_dim
-- additive:
--
--   datori_attivi      distinct employers with at least one relationship in force on at least
--                      one day of the period;
--   datori_che_assumono  distinct employers with at least one attivazione in the period.
-- Not additive across breakdowns (an employer with several sites or contracts counts once).
WITH periodi AS (SELECT * FROM oml_periodi(oml_periodicita())),
base AS (
    SELECT p.periodo, p.inizio AS inizio_p, p.fine AS fine_p, r.*
    FROM periodi p JOIN rapporti_dim r
      ON r.data_inizio <= p.fine AND r.fine_o_aperto >= p.inizio
),
celle AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)),
        count(DISTINCT id_datore) AS att, count(DISTINCT id_lavoratore) AS att_l,
        count(DISTINCT id_datore) FILTER (WHERE data_inizio >= inizio_p) AS ass,
        count(DISTINCT id_lavoratore) FILTER (WHERE data_inizio >= inizio_p) AS ass_l
    FROM base GROUP BY ALL
)
SELECT * EXCLUDE (att, att_l, ass, ass_l),
    unnest([
        {'misura': 'datori_attivi', 'valore': att::DOUBLE, 'n_lavoratori': att_l, 'n_datori': att},
        {'misura': 'datori_che_assumono', 'valore': ass::DOUBLE, 'n_lavoratori': ass_l, 'n_datori': ass}
    ], recursive := true)
FROM celle
ORDER BY ALL;
