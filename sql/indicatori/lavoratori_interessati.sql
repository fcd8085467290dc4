-- indicatore: lavoratori_interessati
-- ordine: 50
-- titolo: Lavoratori interessati da attivazioni
-- fonte: rapporti_dim
-- additive:
-- margini: somma
-- distinti: lavoratori_interessati = n_lavoratori
-- per_distinti: attivazioni_per_lavoratore = n_lavoratori
-- decimali: 2
-- definizione: lavoratori_interessati = persone distinte con almeno un'attivazione nel periodo (chi ne ha più d'una conta una volta).
-- definizione: attivazioni_per_lavoratore = attivazioni ÷ lavoratori interessati.
--
--   lavoratori_interessati        distinct workers with at least one attivazione in the period
--                                 (the Ministry's "lavoratori interessati"); not additive: a
--                                 worker hired in two sectors counts once in the total;
--   attivazioni_per_lavoratore    attivazioni / lavoratori_interessati.
WITH base AS (
    SELECT oml_periodo(data_inizio, oml_periodicita()) AS periodo, *
    FROM rapporti_dim
    WHERE data_inizio BETWEEN oml_dal() AND oml_al()
),
celle AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)),
        count(DISTINCT id_lavoratore) AS l, count(DISTINCT id_datore) AS d, count(*) AS n
    FROM base GROUP BY ALL
)
SELECT * EXCLUDE (l, d, n),
    unnest([
        {'misura': 'lavoratori_interessati', 'valore': oml_distinti(l), 'n_lavoratori': l, 'n_datori': d},
        {'misura': 'attivazioni_per_lavoratore', 'valore': oml_per_distinti(n, l, 2), 'n_lavoratori': l, 'n_datori': d}
    ], recursive := true)
FROM celle
ORDER BY ALL;
