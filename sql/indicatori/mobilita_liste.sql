-- indicatore: mobilita_liste
-- ordine: 230
-- titolo: Liste di mobilità: iscritti, iscrizioni e cancellazioni per causa
-- fonte: mobilita_iscrizioni
-- dimensioni: cpi, provincia, regione, sesso, classe_eta, area_cittadinanza, livello_istruzione, lista, settore, ateco_sezione
-- additive: stock_inizio, stock_fine, iscrizioni, cancellazioni, cancellazioni_assunzione_indeterminato, cancellazioni_assunzione_termine, cancellazioni_fine_lista, cancellazioni_decadenza, cancellazioni_altre, stock_fine_con_indennita
-- identita: stock_fine = stock_inizio + iscrizioni - cancellazioni; cancellazioni = cancellazioni_assunzione_indeterminato + cancellazioni_assunzione_termine + cancellazioni_fine_lista + cancellazioni_decadenza + cancellazioni_altre
-- nota: Le liste di mobilità non accolgono nuove iscrizioni dal 1° gennaio 2017 (L. 92/2012): dal 2017 la serie conta solo le uscite di chi era iscritto; l'indennità di mobilità è sostituita dalla NASpI (tavole della disoccupazione registrata, indicatore did).
-- nota: Territorio = provincia del CPI competente per l'iscrizione; n_datori = datori distinti che hanno licenziato.
-- definizione: stock_fine = pratiche iscritte alle liste di mobilità alla fine dell'ultimo giorno del periodo.
-- definizione: stock_fine_con_indennita = di cui con l'indennità di mobilità non ancora scaduta.
-- definizione: iscrizioni = iscrizioni alle liste nel periodo (nessuna dal 2017, L. 92/2012).
-- definizione: cancellazioni = cancellazioni definitive dalle liste nel periodo.
-- definizione: cancellazioni_assunzione_indeterminato = cancellazioni per assunzione a tempo indeterminato.
-- definizione: cancellazioni_assunzione_termine = cancellazioni per assunzione a termine o part-time.
-- definizione: cancellazioni_fine_lista = cancellazioni per fine del periodo di iscrizione.
-- definizione: cancellazioni_decadenza = cancellazioni per decadenza (anticipo dell'indennità, assenza alla convocazione).
-- definizione: cancellazioni_altre = cancellazioni per altre cause.
--
-- The liste di mobilità (L. 223/1991, L. 236/1993) from the pratiche of mobilita_iscrizioni.
-- Conventions as for the DID stocks (docs/convenzioni.md): a pratica is in the lists at the end
-- of day t if data_iscrizione <= t < coalesce(data_cancellazione, ∞), where data_cancellazione is
-- the final cancellazione (03) or revoca (05), one with no reiscrizione (04) after it: a
-- cancellation followed by a reiscrizione is not an exit, and a suspension (02) does not take
-- the pratica out of the lists (both are counted in the view, n_sospensioni, n_reiscrizioni).
--   stock_inizio             pratiche in the lists at the end of the day before the period;
--   stock_fine               in the lists at the end of the period's last day, of which
--   stock_fine_con_indennita with the indennità di mobilità (indennita SI at the iscrizione) not
--                            yet past its planned end (data_fine_indennita, when given) that day;
--   iscrizioni               pratiche entered in the period (event 01);
--   cancellazioni            pratiche closed in the period, by cause group of
--                            DEC_CAUSA_EVENTO_MOBILITA (reference/oml/registri_codici.csv):
--     cancellazioni_assunzione_indeterminato   07 assunzione a tempo indeterminato;
--     cancellazioni_assunzione_termine         01 assunzione a termine, 02 part-time,
--                                              10 CO di cessazione di un rapporto a termine;
--     cancellazioni_fine_lista                 05 fine del periodo di lista;
--     cancellazioni_decadenza                  06 decaduto per anticipo dell'indennità,
--                                              08 assenza alla convocazione;
--     cancellazioni_altre                      03 mancato superamento della prova, 04 mancato
--                                              preavviso, 09 CO di cessazione / mobilità,
--                                              a missing or other cause;
--   stock_fine = stock_inizio + iscrizioni - cancellazioni and cancellazioni = the sum of the
--   five groups, exactly, in every cell.
-- Breakdowns are the person's at the iscrizione (age class, citizenship area at that date,
-- education), the pratica's CPI (and its province and region), `lista` (1 = L. 223/91, 2 =
-- L. 236/93) and the dismissing employer's sector (ateco_sezione from ateco_datore; settore its
-- ISTAT macro-sector). n_lavoratori = distinct persons, n_datori = distinct dismissing employers:
-- the employer threshold applies as for the CO.
WITH periodi AS (SELECT * FROM oml_periodi(oml_periodicita())),
pratiche AS (
    SELECT COLUMNS(lambda c: c = 'id_pratica' OR list_contains(oml_per(), c)),
        id_lavoratore, id_datore, data_iscrizione, data_cancellazione, causa_cancellazione,
        indennita, data_fine_indennita
    FROM (
        SELECT m.* REPLACE (
                coalesce(cpi, 'NON_INDICATO') AS cpi,
                coalesce(provincia, 'NON_INDICATO') AS provincia,
                coalesce(regione, 'NON_INDICATO') AS regione,
                coalesce(sesso, 'NON_INDICATO') AS sesso,
                coalesce(classe_eta, 'NON_INDICATO') AS classe_eta,
                coalesce(area_cittadinanza, 'NON_INDICATO') AS area_cittadinanza,
                coalesce(livello_istruzione, 'NON_INDICATO') AS livello_istruzione,
                coalesce(ateco_sezione, 'NON_INDICATO') AS ateco_sezione),
            oml_settore(ateco_sezione) AS settore
        FROM mobilita_iscrizioni m
        WHERE oml_nel_territorio(provincia, regione)
    )
),
base AS (
    SELECT p.periodo, p.inizio AS inizio_p, p.fine AS fine_p, m.*
    FROM periodi p
    JOIN pratiche m ON m.data_iscrizione <= p.fine
        AND (m.data_cancellazione IS NULL OR m.data_cancellazione >= p.inizio)
),
-- One row per (period, pratica, event of the period), with the sub-measure it also counts in.
eventi AS (
    SELECT 'stock_inizio' AS misura, NULL AS sotto, * FROM base
    WHERE data_iscrizione < inizio_p AND (data_cancellazione IS NULL OR data_cancellazione >= inizio_p)
    UNION ALL
    SELECT 'stock_fine',
        CASE WHEN indennita AND (data_fine_indennita IS NULL OR data_fine_indennita >= fine_p)
            THEN 'stock_fine_con_indennita' END, *
    FROM base WHERE data_cancellazione IS NULL OR data_cancellazione > fine_p
    UNION ALL
    SELECT 'iscrizioni', NULL, * FROM base WHERE data_iscrizione >= inizio_p
    UNION ALL
    SELECT 'cancellazioni', CASE
            WHEN causa_cancellazione = '07' THEN 'cancellazioni_assunzione_indeterminato'
            WHEN causa_cancellazione IN ('01', '02', '10') THEN 'cancellazioni_assunzione_termine'
            WHEN causa_cancellazione = '05' THEN 'cancellazioni_fine_lista'
            WHEN causa_cancellazione IN ('06', '08') THEN 'cancellazioni_decadenza'
            ELSE 'cancellazioni_altre' END, *
    FROM base WHERE data_cancellazione BETWEEN inizio_p AND fine_p
),
conteggi AS (
    SELECT e.*, unnest(list_filter([misura, sotto], lambda m: m IS NOT NULL)) AS conta
    FROM eventi e
)
SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)),
    conta AS misura, count(*)::DOUBLE AS valore,
    count(DISTINCT id_lavoratore) AS n_lavoratori, count(DISTINCT id_datore) AS n_datori,
    oml_chiave_cella(id_lavoratore) AS chiave_cella
FROM conteggi
GROUP BY ALL
ORDER BY ALL;
