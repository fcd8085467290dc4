-- indicatore: ingressi_ti
-- ordine: 85
-- titolo: Entrate nel lavoro a tempo indeterminato: assunzioni e trasformazioni
-- fonte: segmenti_dim
-- margini: somma
-- additive: ingressi_ti, assunzioni_ti, trasformazioni_a_ti, trasformazioni_da_td, trasformazioni_da_apprendistato, trasformazioni_da_altro
-- identita: ingressi_ti = assunzioni_ti + trasformazioni_a_ti; trasformazioni_a_ti = trasformazioni_da_td + trasformazioni_da_apprendistato + trasformazioni_da_altro
-- nota: Entrate a tempo indeterminato = assunzioni a tempo indeterminato + trasformazioni a tempo indeterminato (da tempo determinato, da apprendistato, da altri contratti), come nella nota trimestrale del Ministero del Lavoro e nell'Osservatorio sul precariato INPS.
-- definizione: ingressi_ti = entrate nel lavoro a tempo indeterminato: assunzioni a tempo indeterminato + trasformazioni a tempo indeterminato.
-- definizione: assunzioni_ti = rapporti iniziati nel periodo con un contratto a tempo indeterminato.
-- definizione: trasformazioni_a_ti = rapporti trasformati nel periodo in un contratto a tempo indeterminato.
-- definizione: trasformazioni_da_td = trasformazioni a tempo indeterminato di contratti a tempo determinato.
-- definizione: trasformazioni_da_apprendistato = trasformazioni a tempo indeterminato di contratti di apprendistato (anche al termine della formazione).
-- definizione: trasformazioni_da_altro = trasformazioni a tempo indeterminato di altri contratti (somministrazione, intermittente, contratto non noto).
--
-- The flow into open-ended employment in each period (the Ministry of Labour's quarterly note,
-- INPS Osservatorio sul precariato):
--   assunzioni_ti                    relationships started in the period with an open-ended
--                                    contract (macro_contratto TI): flussi's attivazioni with
--                                    macro_contratto = TI, in every cell;
--   trasformazioni_a_ti              trasformazioni dated in the period that turned a
--                                    non-open-ended contract into an open-ended one (the
--                                    trasformazioni_a_ti of trasformazioni.sql), by the contract
--                                    before:
--     trasformazioni_da_td             from tempo determinato (codes DI, …),
--     trasformazioni_da_apprendistato  from apprendistato (at the end of training or before),
--     trasformazioni_da_altro          from any other contract (somministrazione, intermittente,
--                                      a contract not known);
--   ingressi_ti = assunzioni_ti + trasformazioni_a_ti.
-- Breakdowns are those of the segment that starts (the sector, the area and the worker are the
-- relationship's; a trasformazione never changes them).
WITH entrate AS (
    SELECT oml_periodo(inizio_segmento, oml_periodicita()) AS periodo, *,
        CASE WHEN n_segmento = 1 THEN 'assunzioni_ti'
            WHEN macro_contratto_precedente = 'TD' THEN 'trasformazioni_da_td'
            WHEN macro_contratto_precedente = 'APPRENDISTATO' THEN 'trasformazioni_da_apprendistato'
            ELSE 'trasformazioni_da_altro' END AS via
    FROM segmenti_dim
    WHERE macro_contratto = 'TI' AND (n_segmento = 1 OR macro_contratto_precedente <> 'TI')
        AND inizio_segmento BETWEEN oml_dal() AND oml_al()
),
per_via AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)), via AS misura,
        count(*) AS n, count(DISTINCT id_lavoratore) AS l, count(DISTINCT id_datore) AS d,
        oml_chiave_cella(id_lavoratore) AS k
    FROM entrate GROUP BY ALL
),
trasformazioni AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)), 'trasformazioni_a_ti' AS misura,
        count(*) AS n, count(DISTINCT id_lavoratore) AS l, count(DISTINCT id_datore) AS d,
        oml_chiave_cella(id_lavoratore) AS k
    FROM entrate WHERE via <> 'assunzioni_ti' GROUP BY ALL
),
totale AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)), 'ingressi_ti' AS misura,
        count(*) AS n, count(DISTINCT id_lavoratore) AS l, count(DISTINCT id_datore) AS d,
        oml_chiave_cella(id_lavoratore) AS k
    FROM entrate GROUP BY ALL
)
SELECT * EXCLUDE (n, l, d, k), n::DOUBLE AS valore, l AS n_lavoratori, d AS n_datori, k AS chiave_cella
FROM (SELECT * FROM per_via UNION ALL BY NAME SELECT * FROM trasformazioni UNION ALL BY NAME SELECT * FROM totale)
ORDER BY ALL;
