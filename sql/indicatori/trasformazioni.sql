-- indicatore: trasformazioni
-- ordine: 80
-- titolo: Trasformazioni (tutte e a tempo indeterminato)
-- fonte: segmenti_dim
-- margini: somma
-- additive: trasformazioni, trasformazioni_a_ti
--
--   trasformazioni        trasformazioni dated in the period (every code: DI, FF, TP, PP, …; break
--                         down by codice_trasformazione), by the contract after it;
--   trasformazioni_a_ti   those that turned a non-open-ended contract (TD, apprendistato, …) into
--                         an open-ended one (macro_contratto TI): the Ministry's "trasformazioni a
--                         tempo indeterminato", which add to the flusso in entrata a TI.
WITH base AS (
    SELECT oml_periodo(inizio_segmento, oml_periodicita()) AS periodo, *
    FROM segmenti_dim
    WHERE n_segmento > 1 AND inizio_segmento BETWEEN oml_dal() AND oml_al()
),
celle AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)),
        count(*) AS n, count(DISTINCT id_lavoratore) AS l, count(DISTINCT id_datore) AS d,
        oml_chiave_cella(id_lavoratore) AS k,
        count(*) FILTER (WHERE macro_contratto = 'TI' AND macro_contratto_precedente <> 'TI') AS ti,
        count(DISTINCT id_lavoratore) FILTER (WHERE macro_contratto = 'TI' AND macro_contratto_precedente <> 'TI') AS ti_l,
        count(DISTINCT id_datore) FILTER (WHERE macro_contratto = 'TI' AND macro_contratto_precedente <> 'TI') AS ti_d,
        oml_chiave_cella(CASE WHEN macro_contratto = 'TI' AND macro_contratto_precedente <> 'TI' THEN id_lavoratore END) AS ti_k
    FROM base GROUP BY ALL
)
SELECT * EXCLUDE (n, l, d, k, ti, ti_l, ti_d, ti_k),
    unnest([
        {'misura': 'trasformazioni', 'valore': n::DOUBLE, 'n_lavoratori': l, 'n_datori': d, 'chiave_cella': k},
        {'misura': 'trasformazioni_a_ti', 'valore': ti::DOUBLE, 'n_lavoratori': ti_l, 'n_datori': ti_d, 'chiave_cella': ti_k}
    ], recursive := true)
FROM celle
ORDER BY ALL;
