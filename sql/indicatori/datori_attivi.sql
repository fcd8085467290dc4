-- indicatore: datori_attivi
-- ordine: 60
-- titolo: Datori di lavoro attivi e che assumono
-- fonte: rapporti_dim
-- additive:
-- margini: somma
-- distinti: datori_attivi = n_datori; datori_che_assumono = n_datori
--
--   datori_attivi      distinct employers with at least one relationship in force on at least
--                      one day of the period;
--   datori_che_assumono  distinct employers with at least one attivazione in the period.
-- Not additive across breakdowns (an employer with several sites or contracts counts once): the
-- values are the cells' distinct employers (`distinti:`), which the binary counts from the lists of
-- the detail cells on every margin (`margini: somma`, src/analytics/cube.rs).
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
        {'misura': 'datori_attivi', 'valore': oml_distinti(att), 'n_lavoratori': att_l, 'n_datori': att},
        {'misura': 'datori_che_assumono', 'valore': oml_distinti(ass), 'n_lavoratori': ass_l, 'n_datori': ass}
    ], recursive := true)
FROM celle
ORDER BY ALL;
