-- indicatore: did
-- ordine: 220
-- titolo: Disoccupazione registrata: DID, stock, ingressi e uscite
-- fonte: did_episodi
-- dimensioni: cpi, provincia, regione, sesso, classe_eta, area_cittadinanza, livello_istruzione, punto_servizio, stato_occupazionale, prestazione
-- datori: no
-- contributori: liste
-- additive: stock_inizio, stock_fine, ingressi, uscite, uscite_istanza_lavoratore, uscite_decadenza, uscite_assunzione, uscite_mobilita, stock_fine_sospese, stock_fine_con_prestazione, ingressi_con_prestazione, ingressi_ripetuti, ingressi_cpi, ingressi_sportello_comunale, ingressi_sportello_partner, ingressi_portale, uscite_durata_fino_90, uscite_durata_91_180, uscite_durata_181_365, uscite_durata_oltre_365, stock_fine_durata_fino_90, stock_fine_durata_91_180, stock_fine_durata_181_365, stock_fine_durata_oltre_365
-- identita: stock_fine = stock_inizio + ingressi - uscite; uscite = uscite_istanza_lavoratore + uscite_decadenza + uscite_assunzione + uscite_mobilita; ingressi = ingressi_cpi + ingressi_sportello_comunale + ingressi_sportello_partner + ingressi_portale; uscite = uscite_durata_fino_90 + uscite_durata_91_180 + uscite_durata_181_365 + uscite_durata_oltre_365; stock_fine = stock_fine_durata_fino_90 + stock_fine_durata_91_180 + stock_fine_durata_181_365 + stock_fine_durata_oltre_365
-- nota: Territorio = provincia del CPI competente per la DID. Ogni cella conta episodi di DID; n_lavoratori le persone distinte; i dati non hanno datori (n_datori vuoto, soglia sui soli lavoratori).
-- definizione: stock_fine = DID aperte alla fine dell'ultimo giorno del periodo (disoccupati registrati), sospese comprese.
-- definizione: stock_fine_sospese = DID aperte a fine periodo e sospese per un lavoro breve (fino a 6 mesi).
-- definizione: stock_fine_con_prestazione = DID aperte a fine periodo con NASpI o DIS-COLL in pagamento.
-- definizione: stock_fine_durata_oltre_365 = DID aperte a fine periodo da più di 365 giorni.
-- definizione: ingressi = DID rilasciate nel periodo.
-- definizione: ingressi_con_prestazione = DID rilasciate nel periodo con domanda di NASpI o DIS-COLL.
-- definizione: ingressi_portale = DID rilasciate nel periodo sul portale online.
-- definizione: ingressi_ripetuti = DID rilasciate nel periodo da persone che ne avevano già avuta una.
-- definizione: uscite = DID concluse nel periodo.
-- definizione: uscite_assunzione = DID concluse per assunzione (comunicazione obbligatoria di un rapporto di lavoro).
-- definizione: uscite_istanza_lavoratore = DID concluse su istanza della persona.
-- definizione: uscite_decadenza = DID concluse per decadenza.
-- definizione: uscite_mobilita = DID concluse e retrodatate per iscrizione alla lista di mobilità.
--
-- Registered unemployment from the DID episodes (did_episodi; suspension and benefit periods
-- from did_periodi). Conventions as for the CO stocks (docs/convenzioni.md): a DID is in the stock
-- at the end of day t if it was released on or before t and has not ended by t (data_fine > t,
-- or still open).
--   stock_inizio        DID in the stock at the end of the day before the period starts;
--   stock_fine          in the stock at the end of the period's last day, of which
--   stock_fine_sospese  suspended that day (a short job, D.Lgs. 150/2015 art. 19 c. 3: still in
--                       the stock, shown apart), and stock_fine_con_prestazione with a NASpI /
--                       DIS-COLL in payment that day;
--   ingressi            DID released in the period, of which ingressi_con_prestazione (the
--                       episode has a benefit, at any time), ingressi_ripetuti (the person had an
--                       earlier DID in the lake) and, by where the DID was made, ingressi_cpi,
--                       ingressi_sportello_comunale, ingressi_sportello_partner, ingressi_portale;
--   uscite              DID ended in the period, by cause (DEC_CAUSA_FINE_DID): 01
--                       uscite_istanza_lavoratore, 02 uscite_decadenza, 03 uscite_assunzione (CO
--                       of a hire), 04 uscite_mobilita;
--   stock_fine = stock_inizio + ingressi - uscite, exactly, in every cell.
-- Durations (days from the release to the end, or to the period's last day for a DID still open):
--   uscite_durata_*     completed spells ended in the period, by class (fino_90, 91_180,
--                       181_365, oltre_365 days); durata_mediana_uscite their median;
--   stock_fine_durata_* ongoing spells at the period's end by the same classes (oltre_365: long-
--                       term registered unemployment); durata_mediana_stock_fine their median;
-- No shares are computed here: a share beside a suppressed count would give the count back;
-- the bulletin derives its shares from the published counts.
-- Breakdowns are the person's at the release (age class, citizenship area at that date,
-- education), the release's CPI, service point and declared status, and `prestazione` = the
-- episode's first benefit (NASPI, DISCOLL) or NESSUNA. n_lavoratori = distinct persons; the
-- records have no employer, so the employer threshold does not apply (n_datori is empty).
-- Limit: a DID released before the first loaded file and with no later event is invisible, so
-- levels are a lower bound until the lake holds the open episodes; flows are exact.
WITH periodi AS (SELECT * FROM oml_periodi(oml_periodicita())),
-- Dense numbers of the territory's people (0, 1, …, in no particular order, valid in this query
-- only): the binary counts the distinct people of each cell exactly on their lists
-- (`contributori: liste`) instead of DuckDB's distinct count of the pseudonyms.
persone AS (
    SELECT id_lavoratore, (row_number() OVER () - 1)::INTEGER AS id_lavoratore_num
    FROM (SELECT id_lavoratore FROM did_episodi WHERE oml_nel_territorio(provincia, regione) GROUP BY ALL)
),
-- The episodes of the territory with the columns the measures read and the breakdowns asked
-- for (labelled when missing), nothing else: the join with the periods multiplies the rows.
episodi AS (
    SELECT COLUMNS(lambda c: c = 'id_did' OR list_contains(oml_per(), c)),
        id_lavoratore, id_lavoratore_num, data_rilascio, data_fine, causa_fine,
        id_did_precedente IS NOT NULL AS ripetuta,
        punto_servizio AS punto, prestazione <> 'NESSUNA' AS con_prestazione
    FROM (
        SELECT e.* REPLACE (
                coalesce(cpi, 'NON_INDICATO') AS cpi,
                coalesce(provincia, 'NON_INDICATO') AS provincia,
                coalesce(regione, 'NON_INDICATO') AS regione,
                coalesce(sesso, 'NON_INDICATO') AS sesso,
                coalesce(classe_eta, 'NON_INDICATO') AS classe_eta,
                coalesce(area_cittadinanza, 'NON_INDICATO') AS area_cittadinanza,
                coalesce(livello_istruzione, 'NON_INDICATO') AS livello_istruzione,
                coalesce(punto_servizio, 'NON_INDICATO') AS punto_servizio,
                coalesce(stato_occupazionale, 'NON_INDICATO') AS stato_occupazionale,
                coalesce(prestazione, 'NESSUNA') AS prestazione),
            id_lavoratore_num
        FROM did_episodi e
        JOIN persone USING (id_lavoratore)
        WHERE oml_nel_territorio(provincia, regione)
    )
),
-- Whether each episode is suspended, or has a benefit in payment, at the end of each period.
stato_fine AS (
    SELECT p.periodo, s.id_did,
        bool_or(s.tipo = 'SOSPENSIONE' AND (s.al IS NULL OR s.al > p.fine)) AS sospesa,
        bool_or(s.tipo <> 'SOSPENSIONE') AS in_prestazione
    FROM periodi p JOIN did_periodi s ON s.dal <= p.fine AND (s.al IS NULL OR s.al >= p.fine)
    GROUP BY ALL
),
base AS (
    SELECT p.periodo, p.inizio AS inizio_p, p.fine AS fine_p, e.*,
        coalesce(f.sospesa, false) AS sospesa_fine, coalesce(f.in_prestazione, false) AS in_prestazione_fine
    FROM periodi p
    JOIN episodi e ON e.data_rilascio <= p.fine AND (e.data_fine IS NULL OR e.data_fine >= p.inizio)
    LEFT JOIN stato_fine f ON f.periodo = p.periodo AND f.id_did = e.id_did
),
-- One row per (period, episode) and measure it counts in, from one pass over base (the four
-- events exclude each other but for stock_inizio, which may go with any): `giorni` is the length
-- of the spell, to its end for an uscita, to the period's last day for one in stock_fine (a
-- row is never both), and is read only by those measures and their classes.
conteggi AS (
    SELECT * EXCLUDE (fine_aperta, uscita),
        unnest(list_filter([
            CASE WHEN data_rilascio < inizio_p THEN 'stock_inizio' END,
            CASE WHEN fine_aperta THEN 'stock_fine' END,
            CASE WHEN fine_aperta AND sospesa_fine THEN 'stock_fine_sospese' END,
            CASE WHEN fine_aperta AND in_prestazione_fine THEN 'stock_fine_con_prestazione' END,
            CASE WHEN fine_aperta THEN CASE
                WHEN giorni <= 90 THEN 'stock_fine_durata_fino_90' WHEN giorni <= 180 THEN 'stock_fine_durata_91_180'
                WHEN giorni <= 365 THEN 'stock_fine_durata_181_365' ELSE 'stock_fine_durata_oltre_365' END END,
            CASE WHEN data_rilascio >= inizio_p THEN 'ingressi' END,
            CASE WHEN data_rilascio >= inizio_p AND con_prestazione THEN 'ingressi_con_prestazione' END,
            CASE WHEN data_rilascio >= inizio_p AND ripetuta THEN 'ingressi_ripetuti' END,
            CASE WHEN data_rilascio >= inizio_p THEN CASE punto
                WHEN 'CPI' THEN 'ingressi_cpi' WHEN 'SPORTELLO_COMUNALE' THEN 'ingressi_sportello_comunale'
                WHEN 'SPORTELLO_PARTNER' THEN 'ingressi_sportello_partner' WHEN 'PORTALE' THEN 'ingressi_portale' END END,
            CASE WHEN uscita THEN 'uscite' END,
            CASE WHEN uscita THEN CASE causa_fine
                WHEN '01' THEN 'uscite_istanza_lavoratore' WHEN '02' THEN 'uscite_decadenza'
                WHEN '03' THEN 'uscite_assunzione' WHEN '04' THEN 'uscite_mobilita' END END,
            CASE WHEN uscita THEN CASE
                WHEN giorni <= 90 THEN 'uscite_durata_fino_90' WHEN giorni <= 180 THEN 'uscite_durata_91_180'
                WHEN giorni <= 365 THEN 'uscite_durata_181_365' ELSE 'uscite_durata_oltre_365' END END
        ], lambda m: m IS NOT NULL)) AS conta
    FROM (
        SELECT *, date_diff('day', data_rilascio, CASE WHEN fine_aperta THEN fine_p ELSE data_fine END) AS giorni
        FROM (
            SELECT *, data_fine IS NULL OR data_fine > fine_p AS fine_aperta,
                data_fine BETWEEN inizio_p AND fine_p AS uscita
            FROM base
        )
    )
),
celle AS (
    SELECT COLUMNS(lambda c: c IN ('periodo', 'conta') OR list_contains(oml_per(), c)),
        count(*) AS n, count(DISTINCT id_lavoratore) AS l, oml_chiave_cella(id_lavoratore) AS k,
        median(giorni) FILTER (WHERE conta IN ('uscite', 'stock_fine')) AS mediana
    FROM conteggi GROUP BY ALL
),
misure AS (
    SELECT c.* EXCLUDE (conta, n, mediana),
        unnest([
            {'misura': c.conta, 'valore': c.n::DOUBLE},
            {'misura': 'durata_mediana_' || CASE c.conta WHEN 'uscite' THEN 'uscite' ELSE 'stock_fine' END,
             'valore': CASE WHEN c.conta IN ('uscite', 'stock_fine') THEN oml_arrotonda(c.mediana, 1) END}
        ], recursive := true)
    FROM celle c
)
SELECT * EXCLUDE (l, k), l AS n_lavoratori, NULL::BIGINT AS n_datori, k AS chiave_cella
FROM misure
WHERE valore IS NOT NULL
ORDER BY ALL;
