-- One row per day zero of the outcome analysis (docs/esiti.md), with what followed it in the CO:
--   ruolo = 'ingresso'     an entry into a measure (misure_ingressi; day zero = the entry);
--   ruolo = 'separazione'  the pool of the comparison group (misure_separazioni: a job lost into
--                          non-employment for a cause the worker did not choose; day zero = its
--                          last day worked); `entrate` lists the measures the worker entered from
--                          oml_esclusione_prima() days before day zero to oml_esclusione_dopo()
--                          days after (such a separation is no control for them); left out when
--                          oml_esiti_bacino() is false.
-- Re-employment (misure_rioccupazioni) is the first relationship starting strictly after day zero,
-- at any employer and anywhere in the lake; when several start that day, the one that lasts
-- longest (then the lowest id_rapporto). `richiamo`: its employer is the one the person came
-- from (id_datore_origine), a competing outcome. `cambio_datore_sospetto`: a new employer, but at the same workplace comune
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
-- Each stage is named once here: a view named twice would be computed twice (DuckDB materializes
-- a CTE read twice, as these three are).
WITH tutti AS (FROM misure_ingressi),
separazioni AS (FROM misure_separazioni),
rioccupazioni AS (FROM misure_rioccupazioni),
vicine AS (
    SELECT s.id_rapporto_origine, list(DISTINCT i.misura ORDER BY i.misura) AS entrate
    FROM separazioni s
    JOIN tutti i ON i.id_lavoratore = s.id_lavoratore
    WHERE i.data_ingresso BETWEEN s.data_ingresso - oml_esclusione_prima()
        AND s.data_ingresso + oml_esclusione_dopo()
    GROUP BY s.id_rapporto_origine
),
zero AS (
    SELECT 'ingresso' AS ruolo, *, NULL::VARCHAR[] AS entrate FROM tutti
    WHERE data_ingresso <= oml_orizzonte()
    UNION ALL BY NAME
    SELECT 'separazione' AS ruolo, s.*, coalesce(v.entrate, []::VARCHAR[]) AS entrate
    FROM separazioni s
    LEFT JOIN vicine v USING (id_rapporto_origine)
),
-- The columns of the relationships that are a re-employment (the joins below then hash these few).
colonne AS (
    SELECT id_rapporto, id_datore, data_fine_effettiva, macro_contratto, ateco_sezione, comune_lavoro,
        cpi, provincia
    FROM rapporti
    WHERE id_rapporto IN (SELECT id_rapporto_rioccupazione FROM rioccupazioni)
),
-- The days on which the status is checked, one row per person, day zero and end of the measure
-- (the status depends on nothing else).
giorni AS (
    SELECT DISTINCT z.id_lavoratore, z.data_ingresso, z.data_fine_misura,
        (z.data_ingresso + INTERVAL 3 MONTH)::DATE AS giorno_3m,
        (z.data_ingresso + INTERVAL 6 MONTH)::DATE AS giorno_6m,
        (z.data_ingresso + INTERVAL 12 MONTH)::DATE AS giorno_12m,
        (p.data_rioccupazione + INTERVAL 6 MONTH)::DATE AS giorno_dopo_rioccupazione,
        z.data_fine_misura + 180 AS giorno_dopo_fine
    FROM zero z
    LEFT JOIN rioccupazioni p USING (id_lavoratore, data_ingresso)
    WHERE oml_esiti_stati()
),
-- The relationships of the people followed: start and last day (9999-12-31 while open).
loro AS (
    SELECT id_lavoratore, data_inizio, coalesce(data_fine_effettiva, DATE '9999-12-31') AS fine
    FROM rapporti
    WHERE id_lavoratore IN (SELECT id_lavoratore FROM giorni)
),
-- Whether the person holds a relationship on each day checked (NULL past the horizon).
stati AS (
    SELECT g.id_lavoratore, g.data_ingresso, g.data_fine_misura,
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
    GROUP BY g.id_lavoratore, g.data_ingresso, g.data_fine_misura
)
SELECT z.*,
    p.id_rapporto_rioccupazione, p.data_rioccupazione,
    date_diff('day', z.data_ingresso, p.data_rioccupazione) AS giorni_rioccupazione,
    date_diff('day', z.data_ingresso, oml_orizzonte()) AS giorni_osservati,
    -- Known (true or false) for every re-employment, also of someone with no origin.
    CASE WHEN p.id_rapporto_rioccupazione IS NOT NULL THEN coalesce(r.id_datore = z.id_datore_origine, false) END
        AS richiamo,
    CASE WHEN p.id_rapporto_rioccupazione IS NOT NULL THEN coalesce(r.id_datore <> z.id_datore_origine
        AND r.comune_lavoro = z.comune_origine AND r.ateco_sezione = z.ateco_sezione_origine
        AND p.data_rioccupazione <= z.data_fine_origine + oml_riassunzione_giorni(), false) END
        AS cambio_datore_sospetto,
    oml_contratto_esito(r.macro_contratto) AS contratto_rioccupazione,
    oml_settore(r.ateco_sezione) AS settore_rioccupazione, r.ateco_sezione AS ateco_sezione_rioccupazione,
    r.cpi AS cpi_rioccupazione, r.provincia AS provincia_rioccupazione,
    CASE WHEN p.id_rapporto_rioccupazione IS NULL THEN NULL
        WHEN r.macro_contratto = 'TI' THEN true
        WHEN coalesce(r.data_fine_effettiva, DATE '9999-12-31') >= p.data_rioccupazione + INTERVAL 6 MONTH THEN true
        WHEN r.data_fine_effettiva IS NULL THEN NULL
        ELSE false END AS stabile,
    s.o3 AS occupato_3m, s.o6 AS occupato_6m, s.o12 AS occupato_12m,
    s.or6 AS occupato_6m_dopo_rioccupazione, s.of180 AS occupato_180_dopo_fine
FROM zero z
LEFT JOIN rioccupazioni p USING (id_lavoratore, data_ingresso)
LEFT JOIN colonne r ON r.id_rapporto = p.id_rapporto_rioccupazione
LEFT JOIN stati s ON s.id_lavoratore = z.id_lavoratore AND s.data_ingresso = z.data_ingresso
    AND s.data_fine_misura IS NOT DISTINCT FROM z.data_fine_misura;
