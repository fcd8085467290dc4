-- indicatore: flussi
-- ordine: 10
-- titolo: Attivazioni, cessazioni, trasformazioni e saldo
-- fonte: segmenti_dim
-- margini: somma
-- additive: attivazioni, cessazioni, cessazioni_comunicate, cessazioni_imputate, trasformazioni_in_entrata, trasformazioni_in_uscita, saldo
-- con_segno: saldo
-- unioni: cessazioni = cessazioni_comunicate + cessazioni_imputate; saldo = attivazioni - cessazioni_comunicate - cessazioni_imputate + trasformazioni_in_entrata - trasformazioni_in_uscita
-- identita: saldo = attivazioni - cessazioni + trasformazioni_in_entrata - trasformazioni_in_uscita; cessazioni = cessazioni_comunicate + cessazioni_imputate
-- definizione: attivazioni = rapporti di lavoro iniziati nel periodo (data di inizio nel periodo).
-- definizione: cessazioni = rapporti di lavoro finiti nel periodo (ultimo giorno nel periodo), comunicati o imputati.
-- definizione: cessazioni_comunicate = cessazioni con una comunicazione di cessazione.
-- definizione: cessazioni_imputate = rapporti a termine giunti alla fine prevista (con le proroghe) senza comunicazione di cessazione: cessati in quella data.
-- definizione: trasformazioni_in_entrata = rapporti passati a questo contratto da un altro per trasformazione (per il tempo indeterminato, le stabilizzazioni).
-- definizione: trasformazioni_in_uscita = rapporti passati da questo contratto a un altro per trasformazione.
-- definizione: saldo = attivazioni − cessazioni + trasformazioni in entrata − trasformazioni in uscita: la variazione delle posizioni di lavoro.
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
-- n_lavoratori / n_datori: distinct workers / employers behind the cell's events; chiave_cella:
-- the cell key of the cell-key method (NULL unless --sdc cellkey). A measure
-- with no event in a cell has no row (its value is 0).
-- base is read three times: NOT MATERIALIZED, each aggregation reads again what it needs instead
-- of DuckDB keeping every row of it in memory (national year: 3.3 GB instead of 5.3 GB, 2 s more).
WITH base AS NOT MATERIALIZED (
    SELECT oml_periodo(data, oml_periodicita()) AS periodo,
        COLUMNS(lambda c: c IN ('tipo', 'id_lavoratore', 'id_datore', 'id_lavoratore_num', 'id_datore_num')
            OR list_contains(oml_per(), c))
    FROM segmenti_eventi
    WHERE data BETWEEN oml_dal() AND oml_al()
),
-- One aggregation per kind of event (cheaper than one filtered distinct count per measure).
per_tipo AS (
    SELECT COLUMNS(lambda c: c IN ('periodo', 'tipo') OR list_contains(oml_per(), c)),
        count(*) AS n, count(DISTINCT id_lavoratore) AS l, count(DISTINCT id_datore) AS d,
        oml_chiave_cella(id_lavoratore) AS k
    FROM base GROUP BY ALL
),
cessazioni AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)), 'CES' AS tipo,
        count(*) AS n, count(DISTINCT id_lavoratore) AS l, count(DISTINCT id_datore) AS d,
        oml_chiave_cella(id_lavoratore) AS k
    FROM base WHERE tipo IN ('CESC', 'CESI') AND NOT oml_da_unire('cessazioni') GROUP BY ALL
),
saldo AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)), 'SALDO' AS tipo,
        sum(CASE WHEN tipo IN ('ATT', 'TRI') THEN 1 ELSE -1 END) AS n,
        count(DISTINCT id_lavoratore) AS l, count(DISTINCT id_datore) AS d,
        oml_chiave_cella(id_lavoratore) AS k
    FROM base WHERE NOT oml_da_unire('saldo') GROUP BY ALL
)
SELECT * EXCLUDE (tipo, n, l, d, k),
    CASE tipo WHEN 'ATT' THEN 'attivazioni' WHEN 'CES' THEN 'cessazioni'
        WHEN 'CESC' THEN 'cessazioni_comunicate' WHEN 'CESI' THEN 'cessazioni_imputate'
        WHEN 'TRI' THEN 'trasformazioni_in_entrata' WHEN 'TRU' THEN 'trasformazioni_in_uscita'
        ELSE 'saldo' END AS misura,
    n::DOUBLE AS valore, l AS n_lavoratori, d AS n_datori, k AS chiave_cella
FROM (SELECT * FROM per_tipo UNION ALL BY NAME SELECT * FROM cessazioni UNION ALL BY NAME SELECT * FROM saldo)
ORDER BY ALL;
