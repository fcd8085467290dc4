-- One row per entry of a person into a crisis measure (docs/esiti.md), the cohorts of the
-- outcome indicators: a DID release (tipo = the episode's benefit: NASPI, DISCOLL, NESSUNA), an
-- iscrizione to a mobility list (tipo = the lista), or the first day of a worker's episode of
-- Cassa integrazione at an employer (tipo = the type of intervention of its first period; periods
-- of the same worker and employer less than oml_cig_pausa() days apart, default 30 [I], are one
-- episode). Each entry carries the person's attributes at entry, the territory of the measure
-- (the CPI of the DID or the list; for CIG the workplace of the employer's relationship, else the
-- comune of the production unit) and the relationship the person came from (`origine`): for
-- mobility and CIG the last relationship with the measure's employer started on or before the
-- entry, otherwise (and for DID) the last relationship ended on or before the entry (ties: see
-- origini).
-- `occupato_ingresso`: on the entry day the person holds a relationship other than the measure's
-- employer's (a DID of someone at work, counted apart as INAPP does). `rapporto_misura_nel_lago`:
-- for mobility and CIG, whether the relationship with the measure's employer is in the lake.
CREATE OR REPLACE VIEW misure_ingressi AS
WITH cig_periodi AS (
    SELECT *,
        -- A new episode when the period starts more than the pause after every earlier one ended.
        coalesce(data_inizio > max(data_fine) OVER w + oml_cig_pausa(), true) AS nuovo
    FROM cig_lavoratori
    WINDOW w AS (PARTITION BY id_lavoratore, id_datore ORDER BY data_inizio, data_fine
                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
),
cig_episodi AS (
    SELECT *, sum(nuovo::INTEGER) OVER (PARTITION BY id_lavoratore, id_datore ORDER BY data_inizio, data_fine) AS n
    FROM cig_periodi
),
cig AS (
    SELECT 'CIG' AS misura, arg_min(tipo_intervento, (data_inizio, tipo_intervento)) AS tipo,
        'CIG-' || id_lavoratore || '-' || id_datore || '-' || strftime(min(data_inizio), '%Y%m%d') AS id_ingresso,
        id_lavoratore, min(data_inizio) AS data_ingresso, max(data_fine) AS data_fine_misura,
        id_datore AS id_datore_misura,
        arg_min(comune_unita_produttiva, data_inizio) AS comune_misura,
        any_value(sesso) AS sesso, any_value(anno_nascita) AS anno_nascita,
        arg_min(classe_eta, data_inizio) AS classe_eta,
        NULL::VARCHAR AS area_cittadinanza, NULL::VARCHAR AS livello_istruzione
    FROM cig_episodi
    GROUP BY id_lavoratore, id_datore, n
),
-- The CPI of the production unit's comune, for an episode whose employer's relationship is not in
-- the lake.
cig_cpi AS (
    SELECT c.* EXCLUDE (comune_misura), t.cpi AS cpi_misura
    FROM cig c
    LEFT JOIN oml_comuni_territorio() t ON t.comune = c.comune_misura
),
ingressi AS MATERIALIZED (
    SELECT 'DID' AS misura, coalesce(prestazione, 'NESSUNA') AS tipo, id_did AS id_ingresso,
        id_lavoratore, data_rilascio AS data_ingresso, data_fine AS data_fine_misura,
        NULL::VARCHAR AS id_datore_misura, cpi AS cpi_misura,
        sesso, anno_nascita, classe_eta, area_cittadinanza, livello_istruzione
    FROM did_episodi
    UNION ALL BY NAME
    SELECT 'MOBILITA' AS misura, lista AS tipo, id_pratica AS id_ingresso, id_lavoratore,
        data_iscrizione AS data_ingresso, data_cancellazione AS data_fine_misura,
        id_datore AS id_datore_misura, cpi AS cpi_misura, sesso, anno_nascita, classe_eta, area_cittadinanza, livello_istruzione
    FROM mobilita_iscrizioni
    UNION ALL BY NAME
    SELECT * FROM cig_cpi
),
-- The relationships a person may come from: their start and last day (9999-12-31 while open);
-- only those of the people who entered a measure, so that the joins below sort and hash a few
-- of the lake's relationships, not all of them (national year: 4.3 of 18.7 million).
origini AS MATERIALIZED (
    SELECT id_rapporto, id_lavoratore, id_datore, data_inizio,
        coalesce(data_fine_effettiva, DATE '9999-12-31') AS fine_o_aperto,
        -- Ties (oml_ordine): with the measure's employer, of relationships started the same day
        -- the one that ends last, then the highest id_rapporto; of those ended the same day, the
        -- one started last, then the highest id_rapporto.
        oml_ordine(data_inizio, 4194303 - oml_giorni_a_fine(data_fine_effettiva), id_rapporto) AS ordine_inizio,
        oml_ordine(data_fine_effettiva, oml_giorni_da_1900(data_inizio), id_rapporto) AS ordine_fine
    FROM rapporti
    WHERE id_lavoratore IN (SELECT id_lavoratore FROM ingressi)
),
-- The entries' bound: every order of a day up to the entry's.
fino_a AS (SELECT *, oml_ordine(data_ingresso + 1, 0, 0) AS limite FROM ingressi),
con_datore AS (
    SELECT i.id_ingresso, o.id_rapporto
    FROM (SELECT * FROM fino_a WHERE id_datore_misura IS NOT NULL) i
    ASOF JOIN origini o ON o.id_lavoratore = i.id_lavoratore AND o.id_datore = i.id_datore_misura
        AND o.ordine_inizio < i.limite
),
ultimo_finito AS (
    SELECT i.id_ingresso, o.id_rapporto
    FROM fino_a i
    ASOF JOIN (SELECT * FROM origini WHERE fine_o_aperto < DATE '9999-12-31') o
        ON o.id_lavoratore = i.id_lavoratore AND o.ordine_fine < i.limite
),
occupati AS (
    SELECT DISTINCT i.id_ingresso
    FROM ingressi i
    JOIN origini o ON o.id_lavoratore = i.id_lavoratore
    WHERE o.data_inizio <= i.data_ingresso AND o.fine_o_aperto >= i.data_ingresso
        AND o.id_datore IS DISTINCT FROM i.id_datore_misura
)
SELECT i.misura, i.tipo, i.id_ingresso, i.id_lavoratore, i.data_ingresso, i.data_fine_misura,
    i.id_datore_misura,
    -- The CPI of the measure; for CIG that of the employer's relationship, else of the unit.
    CASE WHEN i.misura = 'CIG' THEN coalesce(r.cpi, i.cpi_misura) ELSE i.cpi_misura END AS cpi,
    coalesce(c.provincia, r.provincia) AS provincia, coalesce(c.regione, r.regione) AS regione,
    coalesce(i.sesso, r.sesso) AS sesso, coalesce(i.anno_nascita, r.anno_nascita) AS anno_nascita,
    coalesce(i.classe_eta, r.classe_eta) AS classe_eta,
    coalesce(i.area_cittadinanza, r.area_cittadinanza) AS area_cittadinanza,
    coalesce(i.livello_istruzione, r.livello_istruzione) AS livello_istruzione,
    o.id_ingresso IS NOT NULL AS occupato_ingresso,
    -- Mobility and CIG: the relationship with the measure's employer is in the lake (a worker
    -- hired before the CO began and never communicated since is not: the CO cannot say whether
    -- they still work there, docs/esiti.md). NULL for the DID.
    CASE WHEN i.id_datore_misura IS NOT NULL THEN d.id_rapporto IS NOT NULL END AS rapporto_misura_nel_lago,
    r.id_rapporto AS id_rapporto_origine, r.id_datore AS id_datore_origine,
    r.data_fine_effettiva AS data_fine_origine,
    oml_settore(r.ateco_sezione) AS settore_origine, r.ateco_sezione AS ateco_sezione_origine,
    r.macro_contratto AS contratto_origine, r.comune_lavoro AS comune_origine, r.cpi AS cpi_origine,
    r.provincia AS provincia_origine
FROM ingressi i
LEFT JOIN con_datore d USING (id_ingresso)
LEFT JOIN ultimo_finito u USING (id_ingresso)
LEFT JOIN rapporti r ON r.id_rapporto = coalesce(d.id_rapporto, u.id_rapporto)
LEFT JOIN oml_cpi_territorio() c
    ON c.cpi = CASE WHEN i.misura = 'CIG' THEN coalesce(r.cpi, i.cpi_misura) ELSE i.cpi_misura END
LEFT JOIN occupati o USING (id_ingresso);
