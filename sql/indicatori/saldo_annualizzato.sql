-- indicatore: saldo_annualizzato
-- ordine: 12
-- titolo: Saldo annualizzato (somma dei 12 mesi che finiscono in ogni mese)
-- fonte: segmenti_dim
-- margini: somma
-- additive: saldo
-- con_segno: saldo
-- definizione: saldo = attivazioni − cessazioni + trasformazioni in entrata − trasformazioni in uscita nei 12 mesi che finiscono nel mese indicato (periodo AAAA-MM..AAAA-MM): la variazione delle posizioni di lavoro in un anno, come nella tavola 5 dell'Osservatorio sul precariato INPS.
--
-- The saldo of flussi (segmenti_eventi: attivazioni and trasformazioni in entrata +1, cessazioni
-- and trasformazioni in uscita -1) summed over the 12 calendar months ending in each month of
-- [oml_dal, oml_al] whose last day is in it; oml_periodicita is not read: the period of a row is
-- its window, written FROM..TO ('2023-02..2024-01', as --period reads it). A window that starts
-- before the lake's coverage (oml_inizio_copertura) would be incomplete and has no row. So each
-- cell equals the sum of the 12 monthly flussi saldo cells of the same breakdown, exactly; by
-- contract, a trasformazione TD -> TI counts -1 TD and +1 TI.
-- n_lavoratori / n_datori: distinct workers / employers behind the window's events.
WITH finestre AS (
    SELECT g::DATE AS mese_fine
    FROM range(date_trunc('month', oml_dal()), oml_al()::TIMESTAMP + INTERVAL 1 DAY, INTERVAL 1 MONTH) t(g)
    WHERE last_day(g::DATE) <= oml_al()
      AND (g - INTERVAL 11 MONTH)::DATE >= coalesce(oml_inizio_copertura(), DATE '0001-01-01')
),
-- The 12 months of each window (an equi-join key for the events), with the window's label: made
-- here, once per window and month, not once per event.
mesi AS (
    SELECT strftime(f.mese_fine - INTERVAL 11 MONTH, '%Y-%m') || '..' || strftime(f.mese_fine, '%Y-%m') AS periodo,
        (f.mese_fine - to_months(k.k))::DATE AS mese
    FROM finestre f CROSS JOIN range(12) k(k)
),
-- Each event once in each of the windows whose months contain it.
base AS (
    SELECT m.periodo, e.*
    FROM segmenti_eventi e
    JOIN mesi m ON m.mese = date_trunc('month', e.data)::DATE
)
SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)), 'saldo' AS misura,
    sum(CASE WHEN tipo IN ('ATT', 'TRI') THEN 1 ELSE -1 END)::DOUBLE AS valore,
    count(DISTINCT id_lavoratore) AS n_lavoratori, count(DISTINCT id_datore) AS n_datori
FROM base
GROUP BY ALL
ORDER BY ALL;
