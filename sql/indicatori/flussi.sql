-- indicatore: flussi
-- titolo: Attivazioni, cessazioni, trasformazioni e saldo
-- fonte: segmenti_dim
-- additive: attivazioni, cessazioni, cessazioni_comunicate, cessazioni_imputate, trasformazioni_in_entrata, trasformazioni_in_uscita, saldo
--
-- Flows of employment relationships in each period, by the contract of the segment concerned:
--   attivazioni                 relationships whose data_inizio falls in the period;
--   cessazioni                  relationships whose data_fine_effettiva falls in the period, of
--                               which cessazioni_comunicate (a CES exists) and
--                               cessazioni_imputate (fixed-term, ended at the expected end);
--   trasformazioni_in_entrata   segments opened by a trasformazione (counted on the new contract);
--   trasformazioni_in_uscita    segments closed by a trasformazione (counted on the old contract,
--                               on the day of the trasformazione, like the entry);
--   saldo = attivazioni - cessazioni + trasformazioni_in_entrata - trasformazioni_in_uscita.
-- So a TD -> TI trasformazione counts -1 TD and +1 TI; over all contracts the two
-- trasformazione terms cancel and saldo = attivazioni - cessazioni. With posizioni.sql:
-- posizioni_fine = posizioni_inizio + saldo, exactly, in every cell.
-- n_lavoratori / n_datori: distinct workers / employers behind the cell's events.
WITH eventi AS (
    SELECT inizio_segmento AS data, 'ATT' AS tipo, * FROM segmenti_dim WHERE n_segmento = 1
    UNION ALL
    SELECT fine_segmento, 'CES', * FROM segmenti_dim WHERE ultimo_segmento AND fine_segmento IS NOT NULL
    UNION ALL
    SELECT inizio_segmento, 'TRI', * FROM segmenti_dim WHERE n_segmento > 1
    UNION ALL
    SELECT uscita_segmento, 'TRU', * FROM segmenti_dim WHERE NOT ultimo_segmento
),
base AS (
    SELECT oml_periodo(data, oml_periodicita()) AS periodo, *
    FROM eventi
    WHERE data BETWEEN oml_dal() AND oml_al()
),
celle AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)),
        count(*) FILTER (WHERE tipo = 'ATT') AS att,
        count(DISTINCT id_lavoratore) FILTER (WHERE tipo = 'ATT') AS att_l,
        count(DISTINCT id_datore) FILTER (WHERE tipo = 'ATT') AS att_d,
        count(*) FILTER (WHERE tipo = 'CES') AS ces,
        count(DISTINCT id_lavoratore) FILTER (WHERE tipo = 'CES') AS ces_l,
        count(DISTINCT id_datore) FILTER (WHERE tipo = 'CES') AS ces_d,
        count(*) FILTER (WHERE tipo = 'CES' AND NOT cessazione_imputata) AS cesc,
        count(DISTINCT id_lavoratore) FILTER (WHERE tipo = 'CES' AND NOT cessazione_imputata) AS cesc_l,
        count(DISTINCT id_datore) FILTER (WHERE tipo = 'CES' AND NOT cessazione_imputata) AS cesc_d,
        count(*) FILTER (WHERE tipo = 'CES' AND cessazione_imputata) AS cesi,
        count(DISTINCT id_lavoratore) FILTER (WHERE tipo = 'CES' AND cessazione_imputata) AS cesi_l,
        count(DISTINCT id_datore) FILTER (WHERE tipo = 'CES' AND cessazione_imputata) AS cesi_d,
        count(*) FILTER (WHERE tipo = 'TRI') AS tri,
        count(DISTINCT id_lavoratore) FILTER (WHERE tipo = 'TRI') AS tri_l,
        count(DISTINCT id_datore) FILTER (WHERE tipo = 'TRI') AS tri_d,
        count(*) FILTER (WHERE tipo = 'TRU') AS tru,
        count(DISTINCT id_lavoratore) FILTER (WHERE tipo = 'TRU') AS tru_l,
        count(DISTINCT id_datore) FILTER (WHERE tipo = 'TRU') AS tru_d,
        count(DISTINCT id_lavoratore) AS tot_l,
        count(DISTINCT id_datore) AS tot_d
    FROM base
    GROUP BY ALL
)
SELECT * EXCLUDE (att, att_l, att_d, ces, ces_l, ces_d, cesc, cesc_l, cesc_d, cesi, cesi_l, cesi_d,
                  tri, tri_l, tri_d, tru, tru_l, tru_d, tot_l, tot_d),
    unnest([
        {'misura': 'attivazioni', 'valore': att::DOUBLE, 'n_lavoratori': att_l, 'n_datori': att_d},
        {'misura': 'cessazioni', 'valore': ces::DOUBLE, 'n_lavoratori': ces_l, 'n_datori': ces_d},
        {'misura': 'cessazioni_comunicate', 'valore': cesc::DOUBLE, 'n_lavoratori': cesc_l, 'n_datori': cesc_d},
        {'misura': 'cessazioni_imputate', 'valore': cesi::DOUBLE, 'n_lavoratori': cesi_l, 'n_datori': cesi_d},
        {'misura': 'trasformazioni_in_entrata', 'valore': tri::DOUBLE, 'n_lavoratori': tri_l, 'n_datori': tri_d},
        {'misura': 'trasformazioni_in_uscita', 'valore': tru::DOUBLE, 'n_lavoratori': tru_l, 'n_datori': tru_d},
        {'misura': 'saldo', 'valore': (att - ces + tri - tru)::DOUBLE, 'n_lavoratori': tot_l, 'n_datori': tot_d}
    ], recursive := true)
FROM celle
ORDER BY ALL;
