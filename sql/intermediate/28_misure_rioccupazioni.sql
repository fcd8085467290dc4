-- The re-employment after each day zero of the outcome analysis (docs/esiti.md): one row per
-- person and day (`data_ingresso`) that is the day zero of an entry into a measure
-- (misure_ingressi_origini, on or before the lake's horizon) or of a separation of
-- misure_separazioni, when the person has a relationship starting strictly after that day,
-- anywhere in the lake and at any employer: the first one (`id_rapporto_rioccupazione`, from
-- `data_rioccupazione`); when several start that day, the one that lasts longest, then the lowest
-- id_rapporto. A day zero without a row had no re-employment by the horizon (censored).
-- misure_esiti joins it by person and day.
-- A view of its own so that `oml outcomes` and the esiti indicator compute it once into a table
-- (Session::with_kept): DuckDB then joins the relationships' columns knowing how few rows ask.
CREATE OR REPLACE VIEW misure_rioccupazioni AS
WITH giorni AS (
    SELECT DISTINCT id_lavoratore, data_ingresso FROM (
        SELECT id_lavoratore, data_ingresso FROM misure_ingressi_origini WHERE data_ingresso <= oml_orizzonte()
        UNION ALL
        SELECT id_lavoratore, data_ingresso FROM misure_separazioni
    )
),
-- The relationships of the people followed, each with its order as a re-employment (oml_ordine):
-- by start, then the one that lasts longest, then the lowest id_rapporto.
loro AS (
    SELECT id_lavoratore, id_rapporto, data_inizio,
        oml_ordine(data_inizio, oml_giorni_a_fine(data_fine_effettiva), id_rapporto) AS ordine
    FROM rapporti
    WHERE id_lavoratore IN (SELECT id_lavoratore FROM giorni)
)
-- The first in that order of the day after day zero or later: an as-of join on narrow rows.
SELECT g.id_lavoratore, g.data_ingresso, a.id_rapporto AS id_rapporto_rioccupazione,
    a.data_inizio AS data_rioccupazione
FROM (SELECT *, oml_ordine(data_ingresso + 1, 0, 0) AS dopo FROM giorni) g
ASOF JOIN loro a ON a.id_lavoratore = g.id_lavoratore AND a.ordine >= g.dopo;
