-- indicatore: durate
-- ordine: 40
-- titolo: Durata prevista ed effettiva dei rapporti, quote di rapporti brevi
-- fonte: rapporti_dim
-- contributori: liste
-- additive:
-- definizione: durata_effettiva_media = durata media in giorni dei rapporti cessati nel periodo, dall'inizio all'ultimo giorno, estremi inclusi.
-- definizione: durata_effettiva_mediana = durata mediana in giorni dei rapporti cessati nel periodo.
--
-- Durations in days, both ends included (a one-day contract lasts 1 day):
--   durata_prevista_media          relationships started in the period with an expected end
--                                  at the hire (fixed-term): data_fine_prevista_iniziale - data_inizio + 1;
--   quota_prevista_fino_{1,7,30}   share (%) of those expected to last at most 1, 7, 30 days;
--   durata_effettiva_media, durata_effettiva_mediana
--                                  relationships ended in the period (communicated or imputed):
--                                  data_fine_effettiva - data_inizio + 1;
--   quota_effettiva_fino_{1,7,30}  share (%) of those that lasted at most 1, 7, 30 days.
-- Breakdowns use the contract at the hire.
WITH avviati AS (
    SELECT oml_periodo(data_inizio, oml_periodicita()) AS periodo, *
    FROM rapporti_dim
    WHERE data_inizio BETWEEN oml_dal() AND oml_al() AND durata_prevista IS NOT NULL
),
cessati AS (
    SELECT oml_periodo(data_fine_effettiva, oml_periodicita()) AS periodo, *
    FROM rapporti_dim
    WHERE data_fine_effettiva BETWEEN oml_dal() AND oml_al()
),
p AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)),
        avg(durata_prevista) AS media,
        100.0 * avg((durata_prevista <= 1)::INT) AS q1,
        100.0 * avg((durata_prevista <= 7)::INT) AS q7,
        100.0 * avg((durata_prevista <= 30)::INT) AS q30,
        count(DISTINCT id_lavoratore) AS l, count(DISTINCT id_datore) AS d
    FROM avviati GROUP BY ALL
),
e AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)),
        avg(durata_effettiva) AS media,
        median(durata_effettiva) AS mediana,
        100.0 * avg((durata_effettiva <= 1)::INT) AS q1,
        100.0 * avg((durata_effettiva <= 7)::INT) AS q7,
        100.0 * avg((durata_effettiva <= 30)::INT) AS q30,
        count(DISTINCT id_lavoratore) AS l, count(DISTINCT id_datore) AS d
    FROM cessati GROUP BY ALL
)
SELECT * EXCLUDE (media, q1, q7, q30, l, d),
    unnest([
        {'misura': 'durata_prevista_media', 'valore': oml_arrotonda(media, 1), 'n_lavoratori': l, 'n_datori': d},
        {'misura': 'quota_prevista_fino_1', 'valore': oml_arrotonda(q1, 1), 'n_lavoratori': l, 'n_datori': d},
        {'misura': 'quota_prevista_fino_7', 'valore': oml_arrotonda(q7, 1), 'n_lavoratori': l, 'n_datori': d},
        {'misura': 'quota_prevista_fino_30', 'valore': oml_arrotonda(q30, 1), 'n_lavoratori': l, 'n_datori': d}
    ], recursive := true)
FROM p
UNION ALL BY NAME
SELECT * EXCLUDE (media, mediana, q1, q7, q30, l, d),
    unnest([
        {'misura': 'durata_effettiva_media', 'valore': oml_arrotonda(media, 1), 'n_lavoratori': l, 'n_datori': d},
        {'misura': 'durata_effettiva_mediana', 'valore': mediana::DOUBLE, 'n_lavoratori': l, 'n_datori': d},
        {'misura': 'quota_effettiva_fino_1', 'valore': oml_arrotonda(q1, 1), 'n_lavoratori': l, 'n_datori': d},
        {'misura': 'quota_effettiva_fino_7', 'valore': oml_arrotonda(q7, 1), 'n_lavoratori': l, 'n_datori': d},
        {'misura': 'quota_effettiva_fino_30', 'valore': oml_arrotonda(q30, 1), 'n_lavoratori': l, 'n_datori': d}
    ], recursive := true)
FROM e
ORDER BY ALL;
