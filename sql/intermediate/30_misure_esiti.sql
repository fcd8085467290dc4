-- One row per day zero of the outcome analysis (docs/esiti.md), with what followed it in the CO:
--   ruolo = 'ingresso'     an entry into a measure (misure_ingressi; day zero = the entry);
--   ruolo = 'separazione'  the pool of the comparison group: a relationship that ended into
--                          non-employment (transizioni: AQHire, NEPersist or censurata, not EE or
--                          another job running) for a cause the worker did not choose
--                          (oml_perdita_lavoro); day zero = its last day worked; misura NULL, tipo
--                          the Ministry's group of the cause; `entrate` lists the measures the
--                          worker entered from oml_esclusione_prima() days before day zero to
--                          oml_esclusione_dopo() days after (such a separation is no control for
--                          them); left out when oml_esiti_bacino() is false.
-- Re-employment is the first relationship starting strictly after day zero, at any employer and
-- anywhere in the lake; when several start that day, the one that lasts longest (then the lowest
-- id_rapporto). `richiamo`: its employer is the one the person came from (id_datore_origine), a
-- competing outcome. `cambio_datore_sospetto`: a new employer, but at the same workplace comune
-- and ATECO section as the job left, starting within oml_riassunzione_giorni() days of its end
-- (7 [I]): likely the same job under a new company name or partita IVA (fire and rehire). giorni_rioccupazione counts days from day zero; giorni_osservati the days
-- from day zero to the lake's horizon (the censoring time when nobody hired the person).
-- Status checks (NULL where the day is past the horizon): occupato_3m, occupato_6m, occupato_12m
-- = a relationship in force on the day 3, 6, 12 calendar months after day zero;
-- occupato_6m_dopo_rioccupazione the same 6 months after the re-employment's start;
-- occupato_180_dopo_fine 180 days after the measure ended (INAPP); all NULL when
-- oml_esiti_stati() is false (`oml outcomes` does not read them). `stabile`: the re-employment
-- is permanent (TI) or still running 6 months after its start (Veneto Lavoro), NULL while it is
-- open and shorter than that at the horizon.
CREATE OR REPLACE VIEW misure_esiti AS
WITH tutti AS MATERIALIZED (SELECT row_number() OVER () AS k, * FROM misure_ingressi),
ingressi AS (
    SELECT k, 'ingresso' AS ruolo, * EXCLUDE (k), NULL::VARCHAR[] AS entrate FROM tutti
    WHERE data_ingresso <= oml_orizzonte()
),
perdite AS MATERIALIZED (
    SELECT r.id_rapporto, r.id_lavoratore, r.id_datore, r.data_fine_effettiva, r.cpi, r.provincia,
        r.regione, r.sesso, r.anno_nascita, r.classe_eta, r.area_cittadinanza, r.livello_istruzione,
        r.ateco_sezione, r.macro_contratto, r.comune_lavoro,
        oml_gruppo_causa(r.causa_cessazione, r.cessazione_imputata) AS gruppo
    FROM transizioni t
    JOIN rapporti r USING (id_rapporto)
    WHERE t.classe_uscita IN ('AQHire', 'NEPersist', 'censurata')
        AND oml_perdita_lavoro(oml_gruppo_causa(r.causa_cessazione, r.cessazione_imputata))
        AND r.data_fine_effettiva < oml_orizzonte()
),
vicine AS NOT MATERIALIZED (
    SELECT p.id_rapporto, list(DISTINCT i.misura ORDER BY i.misura) AS entrate
    FROM perdite p
    JOIN tutti i ON i.id_lavoratore = p.id_lavoratore
    WHERE i.data_ingresso BETWEEN p.data_fine_effettiva - oml_esclusione_prima()
        AND p.data_fine_effettiva + oml_esclusione_dopo()
    GROUP BY p.id_rapporto
),
separazioni AS NOT MATERIALIZED (
    SELECT -1 - p.id_rapporto AS k, 'separazione' AS ruolo, NULL::VARCHAR AS misura, p.gruppo AS tipo,
        'SEP-' || p.id_rapporto AS id_ingresso, p.id_lavoratore,
        p.data_fine_effettiva AS data_ingresso, NULL::DATE AS data_fine_misura,
        NULL::VARCHAR AS id_datore_misura, p.cpi, p.provincia, p.regione,
        p.sesso, p.anno_nascita, p.classe_eta, p.area_cittadinanza, p.livello_istruzione,
        false AS occupato_ingresso, NULL::BOOLEAN AS rapporto_misura_nel_lago,
        p.id_rapporto AS id_rapporto_origine,
        p.id_datore AS id_datore_origine, p.data_fine_effettiva AS data_fine_origine,
        oml_settore(p.ateco_sezione) AS settore_origine, p.ateco_sezione AS ateco_sezione_origine,
        p.macro_contratto AS contratto_origine, p.comune_lavoro AS comune_origine, p.cpi AS cpi_origine,
        p.provincia AS provincia_origine,
        coalesce(v.entrate, []::VARCHAR[]) AS entrate
    FROM perdite p
    LEFT JOIN vicine v USING (id_rapporto)
    WHERE oml_esiti_bacino()
),
-- `k`: a row key cheaper to join on than id_ingresso (entries from 1, separations below 0).
-- Computed twice, not kept: the joins read its keys, the result its other columns (memory).
zero AS NOT MATERIALIZED (SELECT * FROM ingressi UNION ALL BY NAME SELECT * FROM separazioni),
-- What the joins below need of each day zero; `dopo`: the order of a start the day after.
chiavi AS MATERIALIZED (
    SELECT k, id_lavoratore, data_ingresso, data_fine_misura,
        oml_ordine(data_ingresso + 1, 0, 0) AS dopo
    FROM zero
),
-- The relationships of the people followed (the joins below read these, not the whole lake):
-- start, last day (9999-12-31 while open) and their order as a re-employment: by start, then
-- the one that lasts longest, then the lowest id_rapporto (oml_ordine).
loro AS MATERIALIZED (
    SELECT id_lavoratore, id_rapporto, data_inizio, coalesce(data_fine_effettiva, DATE '9999-12-31') AS fine,
        oml_ordine(data_inizio, oml_giorni_a_fine(data_fine_effettiva), id_rapporto) AS ordine
    FROM rapporti
    WHERE id_lavoratore IN (SELECT id_lavoratore FROM chiavi)
),
-- The re-employment of each day zero: the first relationship in that order starting after it, by
-- an as-of join on narrow rows (DuckDB sorts what it joins); its columns join by id_rapporto.
primi AS MATERIALIZED (
    SELECT c.k, a.id_rapporto, a.data_inizio
    FROM chiavi c
    ASOF JOIN (SELECT id_lavoratore, ordine, id_rapporto, data_inizio FROM loro) a
        ON a.id_lavoratore = c.id_lavoratore AND a.ordine >= c.dopo
),
rioccupazioni AS (
    SELECT p.k, p.data_inizio,
        {'id_rapporto': r.id_rapporto, 'id_datore': r.id_datore, 'data_fine_effettiva': r.data_fine_effettiva,
         'macro_contratto': r.macro_contratto, 'ateco_sezione': r.ateco_sezione,
         'comune_lavoro': r.comune_lavoro, 'cpi': r.cpi, 'provincia': r.provincia} AS r
    FROM primi p
    JOIN rapporti r USING (id_rapporto)
),
-- The days on which the status is checked.
giorni AS (
    SELECT c.k, c.id_lavoratore, c.data_ingresso,
        (c.data_ingresso + INTERVAL 3 MONTH)::DATE AS giorno_3m,
        (c.data_ingresso + INTERVAL 6 MONTH)::DATE AS giorno_6m,
        (c.data_ingresso + INTERVAL 12 MONTH)::DATE AS giorno_12m,
        (p.data_inizio + INTERVAL 6 MONTH)::DATE AS giorno_dopo_rioccupazione,
        c.data_fine_misura + 180 AS giorno_dopo_fine
    FROM chiavi c
    LEFT JOIN primi p USING (k)
    WHERE oml_esiti_stati()
),
-- Whether the person holds a relationship on each day checked (NULL past the horizon).
stati AS (
    SELECT g.k,
        CASE WHEN any_value(g.giorno_3m) <= oml_orizzonte() THEN
            coalesce(bool_or(r.data_inizio <= g.giorno_3m AND r.fine >= g.giorno_3m), false) END AS o3,
        CASE WHEN any_value(g.giorno_6m) <= oml_orizzonte() THEN
            coalesce(bool_or(r.data_inizio <= g.giorno_6m AND r.fine >= g.giorno_6m), false) END AS o6,
        CASE WHEN any_value(g.giorno_12m) <= oml_orizzonte() THEN
            coalesce(bool_or(r.data_inizio <= g.giorno_12m AND r.fine >= g.giorno_12m), false) END AS o12,
        CASE WHEN any_value(g.giorno_dopo_rioccupazione) <= oml_orizzonte() THEN
            coalesce(bool_or(r.data_inizio <= g.giorno_dopo_rioccupazione
                AND r.fine >= g.giorno_dopo_rioccupazione), false) END AS or6,
        CASE WHEN any_value(g.giorno_dopo_fine) <= oml_orizzonte() THEN
            coalesce(bool_or(r.data_inizio <= g.giorno_dopo_fine AND r.fine >= g.giorno_dopo_fine), false) END AS of180
    FROM giorni g
    LEFT JOIN loro r ON r.id_lavoratore = g.id_lavoratore AND r.fine > g.data_ingresso
    GROUP BY g.k
)
SELECT z.* EXCLUDE (k),
    a.r.id_rapporto AS id_rapporto_rioccupazione, a.data_inizio AS data_rioccupazione,
    date_diff('day', z.data_ingresso, a.data_inizio) AS giorni_rioccupazione,
    date_diff('day', z.data_ingresso, oml_orizzonte()) AS giorni_osservati,
    -- Known (true or false) for every re-employment, also of someone with no origin.
    CASE WHEN a.r IS NOT NULL THEN coalesce(a.r.id_datore = z.id_datore_origine, false) END
        AS richiamo,
    CASE WHEN a.r IS NOT NULL THEN coalesce(a.r.id_datore <> z.id_datore_origine
        AND a.r.comune_lavoro = z.comune_origine AND a.r.ateco_sezione = z.ateco_sezione_origine
        AND a.data_inizio <= z.data_fine_origine + oml_riassunzione_giorni(), false) END
        AS cambio_datore_sospetto,
    oml_contratto_esito(a.r.macro_contratto) AS contratto_rioccupazione,
    oml_settore(a.r.ateco_sezione) AS settore_rioccupazione, a.r.ateco_sezione AS ateco_sezione_rioccupazione,
    a.r.cpi AS cpi_rioccupazione, a.r.provincia AS provincia_rioccupazione,
    CASE WHEN a.r IS NULL THEN NULL
        WHEN a.r.macro_contratto = 'TI' THEN true
        WHEN coalesce(a.r.data_fine_effettiva, DATE '9999-12-31') >= a.data_inizio + INTERVAL 6 MONTH THEN true
        WHEN a.r.data_fine_effettiva IS NULL THEN NULL
        ELSE false END AS stabile,
    s.o3 AS occupato_3m, s.o6 AS occupato_6m, s.o12 AS occupato_12m,
    s.or6 AS occupato_6m_dopo_rioccupazione, s.of180 AS occupato_180_dopo_fine
FROM zero z
LEFT JOIN rioccupazioni a USING (k)
LEFT JOIN stati s USING (k);
