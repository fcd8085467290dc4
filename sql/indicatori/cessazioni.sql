-- indicatore: cessazioni
-- ordine: 15
-- titolo: Rapporti cessati per motivo e per durata effettiva
-- fonte: segmenti_dim
-- margini: somma
-- unioni: cessazioni = cessazioni_richiesta_lavoratore + cessazioni_licenziamento + cessazioni_cessazione_attivita + cessazioni_altro_datore + cessazioni_fine_termine + cessazioni_altre_cause
-- additive: cessazioni, cessazioni_richiesta_lavoratore, cessazioni_licenziamento, cessazioni_cessazione_attivita, cessazioni_altro_datore, cessazioni_fine_termine, cessazioni_altre_cause, cessazioni_durata_1, cessazioni_durata_2_3, cessazioni_durata_4_30, cessazioni_durata_31_90, cessazioni_durata_91_365, cessazioni_durata_oltre_365, cessazioni_durata_non_nota
-- identita: cessazioni = cessazioni_richiesta_lavoratore + cessazioni_licenziamento + cessazioni_cessazione_attivita + cessazioni_altro_datore + cessazioni_fine_termine + cessazioni_altre_cause; cessazioni = cessazioni_durata_1 + cessazioni_durata_2_3 + cessazioni_durata_4_30 + cessazioni_durata_31_90 + cessazioni_durata_91_365 + cessazioni_durata_oltre_365 + cessazioni_durata_non_nota
-- nota: Motivo della cessazione nei gruppi della nota trimestrale e del rapporto annuale del Ministero del Lavoro (richiesta del lavoratore; promossa dal datore: licenziamento, cessazione attività, altro; fine del termine; altre cause); le cessazioni imputate alla fine prevista di un contratto a termine sono "fine del termine". Corrispondenza dei codici in reference/oml/cause_cessazione.csv (gruppo_ministero).
-- nota: Durata effettiva = giorni dall'inizio del rapporto all'ultimo giorno, estremi inclusi (un contratto di un giorno dura 1 giorno).
-- definizione: cessazioni = rapporti cessati nel periodo (gli stessi delle cessazioni dei flussi).
-- definizione: cessazioni_richiesta_lavoratore = cessazioni su richiesta del lavoratore (dimissioni).
-- definizione: cessazioni_licenziamento = cessazioni promosse dal datore di lavoro per licenziamento individuale o collettivo.
-- definizione: cessazioni_cessazione_attivita = cessazioni promosse dal datore per cessazione dell'attività.
-- definizione: cessazioni_altro_datore = altre cessazioni promosse dal datore (decadenza dal servizio nella P.A.).
-- definizione: cessazioni_fine_termine = cessazioni al termine del contratto o della missione, comprese quelle imputate alla fine prevista.
-- definizione: cessazioni_altre_cause = cessazioni per mancato superamento della prova, pensionamento, decesso, risoluzione consensuale, altre cause o causa non indicata.
-- definizione: cessazioni_durata_1 = rapporti cessati durati un giorno.
-- definizione: cessazioni_durata_2_3 = rapporti cessati durati da 2 a 3 giorni.
-- definizione: cessazioni_durata_4_30 = rapporti cessati durati da 4 a 30 giorni.
-- definizione: cessazioni_durata_31_90 = rapporti cessati durati da 31 a 90 giorni.
-- definizione: cessazioni_durata_91_365 = rapporti cessati durati da 91 a 365 giorni.
-- definizione: cessazioni_durata_oltre_365 = rapporti cessati durati più di 365 giorni.
-- definizione: cessazioni_durata_non_nota = rapporti cessati con data di inizio non nota.
--
-- The relationships that ended in the period — the cessazioni of flussi.sql, the same records
-- with the same breakdowns (the contract of the last segment) — by the Ministry of Labour's
-- grouping of the causes and by actual duration class:
--   cessazioni                          relationships whose data_fine_effettiva falls in the
--                                       period (communicated or imputed), equal to flussi's
--                                       cessazioni in every cell;
--   cessazioni_<gruppo>                 by group of causa_cessazione (macro oml_gruppo_causa,
--                                       from reference/oml/cause_cessazione.csv, gruppo_ministero):
--     richiesta_lavoratore              dimissioni;
--     licenziamento                     individual and collective dismissals;
--     cessazione_attivita               closure of the business;
--     altro_datore                      other ends decided by the employer (decadenza P.A.);
--     fine_termine                      end of the term, of a mission, or imputed at the
--                                       expected end (no cessazione communicated);
--     altre_cause                       trial period, retirement, death, agreement, other, and
--                                       a code missing or not in the table;
--   cessazioni_durata_<classe>          by actual duration in days, both ends included
--                                       (data_fine_effettiva - data_inizio + 1; macro
--                                       oml_classe_durata): 1, 2_3, 4_30, 31_90, 91_365,
--                                       oltre_365; non_nota when the start is unknown.
-- Both groupings partition cessazioni exactly, in every cell (the identities).
WITH cessati AS (
    SELECT oml_periodo(s.fine_segmento, oml_periodicita()) AS periodo, s.*,
        CASE oml_gruppo_causa(r.causa_cessazione, s.cessazione_imputata)
            WHEN 'RICHIESTA_LAVORATORE' THEN 'cessazioni_richiesta_lavoratore'
            WHEN 'LICENZIAMENTO' THEN 'cessazioni_licenziamento'
            WHEN 'CESSAZIONE_ATTIVITA' THEN 'cessazioni_cessazione_attivita'
            WHEN 'ALTRO_DATORE' THEN 'cessazioni_altro_datore'
            WHEN 'FINE_TERMINE' THEN 'cessazioni_fine_termine'
            ELSE 'cessazioni_altre_cause' END AS gruppo,
        CASE oml_classe_durata(date_diff('day', s.data_inizio, s.fine_segmento) + 1)
            WHEN '1' THEN 'cessazioni_durata_1'
            WHEN '2_3' THEN 'cessazioni_durata_2_3'
            WHEN '4_30' THEN 'cessazioni_durata_4_30'
            WHEN '31_90' THEN 'cessazioni_durata_31_90'
            WHEN '91_365' THEN 'cessazioni_durata_91_365'
            WHEN 'oltre_365' THEN 'cessazioni_durata_oltre_365'
            ELSE 'cessazioni_durata_non_nota' END AS classe
    FROM segmenti_dim s
    JOIN rapporti r USING (id_rapporto)
    WHERE s.ultimo_segmento AND s.fine_segmento BETWEEN oml_dal() AND oml_al()
),
-- Each ended relationship counts in its group of causes, its duration class and the total (one
-- list of measures per row, one aggregation: the join with rapporti is read once, not three times).
celle AS (
    SELECT COLUMNS(lambda c: c IN ('periodo', 'misura') OR list_contains(oml_per(), c)),
        count(*) AS n, count(DISTINCT id_lavoratore) AS l, count(DISTINCT id_datore) AS d,
        oml_chiave_cella(id_lavoratore) AS k
    FROM (
        SELECT *, unnest(list_filter([gruppo, classe,
                CASE WHEN NOT oml_da_unire('cessazioni') THEN 'cessazioni' END], lambda m: m IS NOT NULL)) AS misura
        FROM cessati
    )
    GROUP BY ALL
)
SELECT * EXCLUDE (n, l, d, k), n::DOUBLE AS valore, l AS n_lavoratori, d AS n_datori, k AS chiave_cella
FROM celle
ORDER BY ALL;
