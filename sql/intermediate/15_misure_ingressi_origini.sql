-- The entries into a crisis measure (docs/esiti.md) with the relationships they come from, by
-- id: the first stage of misure_ingressi, which adds those relationships' columns. One row per
-- entry: a DID release, an iscrizione to a mobility list, or the first day of a worker's episode
-- of Cassa integrazione at an employer (periods of the same worker and employer less than
-- oml_cig_pausa() days apart, default 30 [I], are one episode), with the person's attributes as
-- the measure's own records give them (NULL where they do not: CIG has no citizenship or
-- education) and `cpi_misura`, the CPI of the DID, the list or (CIG) the production unit's comune.
--   id_rapporto_datore   mobility and CIG: the last relationship with the measure's employer
--                        started on or before the entry (NULL when none is in the lake);
--   id_rapporto_origine  that one, otherwise (and for DID) the last relationship ended on or
--                        before the entry (ties: the CTE origini below);
--   occupato_ingresso    on the entry day the person holds a relationship other than the
--                        measure's employer's.
-- A view of its own so that `oml outcomes` and the esiti indicator compute it once into a table
-- (Session::with_kept): DuckDB then joins the relationships' columns knowing how few rows ask.
CREATE OR REPLACE VIEW misure_ingressi_origini AS
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
    -- Only the relationships with a measure's employer (the as-of join sorts what it reads).
    ASOF JOIN (
        SELECT * FROM origini o
        SEMI JOIN (SELECT id_lavoratore, id_datore_misura FROM ingressi WHERE id_datore_misura IS NOT NULL) e
            ON e.id_lavoratore = o.id_lavoratore AND e.id_datore_misura = o.id_datore
    ) o ON o.id_lavoratore = i.id_lavoratore AND o.id_datore = i.id_datore_misura
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
    i.id_datore_misura, i.cpi_misura, i.sesso, i.anno_nascita, i.classe_eta, i.area_cittadinanza,
    i.livello_istruzione, d.id_rapporto AS id_rapporto_datore,
    coalesce(d.id_rapporto, u.id_rapporto) AS id_rapporto_origine,
    o.id_ingresso IS NOT NULL AS occupato_ingresso
FROM ingressi i
LEFT JOIN con_datore d USING (id_ingresso)
LEFT JOIN ultimo_finito u USING (id_ingresso)
LEFT JOIN occupati o USING (id_ingresso);
