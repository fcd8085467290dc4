-- indicatore: transizioni
-- ordine: 100
-- titolo: Transizioni tra rapporti di lavoro (da lavoro a lavoro entro 30 giorni)
-- fonte: rapporti_dim
-- additive: transizioni
-- definizione: transizioni = rapporti cessati nel periodo seguiti, per lo stesso lavoratore, da un rapporto con un altro datore iniziato entro 30 giorni.
--
-- Worker mobility seen in the CO, in the spirit of the LEHD job-to-job flows (J2J):
--   transizioni   relationships that end in the period (data_fine_effettiva, communicated or
--                 imputed) and are followed, for the same worker, by a relationship with another
--                 employer that starts between the day of the end and 30 days after it (the first
--                 such one). Counted in the period of the end.
-- Breakdown columns describe the destination relationship (settore, cpi, contract, ...), except
-- settore_origine, the macro-sector of the relationship that ended: by settore_origine x settore
-- the result is the mobility matrix between sectors. A worker who changes employer after more
-- than 30 days without a new relationship is not a transition (non-employment, or a job outside
-- the CO). Concurrent relationships that started before the end are not transitions.
-- n_lavoratori: distinct workers; n_datori: the fewer of the distinct employers left and joined
-- (both sides of a transition are contributors).
-- Workers and employers are matched and counted on their dense numbers (`id_lavoratore_num`,
-- `id_datore_num`: one per pseudonym, docs/dizionario.md), cheaper to join and count than the
-- pseudonyms, which are then not read at all (national year: 6.0 -> 4.8 s per run). The
-- relationships that can follow start between the period's first day and 30 days after its last:
-- said explicitly, so that the scan skips the other years' row groups.
WITH fine AS (
    SELECT id_rapporto AS id_origine, id_lavoratore_num AS lavoratore, id_datore_num AS datore_origine,
        data_fine_effettiva AS fine, settore AS settore_origine
    FROM rapporti_dim
    WHERE data_fine_effettiva BETWEEN oml_dal() AND oml_al()
),
seguiti AS (
    SELECT f.id_origine, f.datore_origine, f.fine, f.settore_origine, r.*,
        row_number() OVER (PARTITION BY f.id_origine ORDER BY r.data_inizio, r.id_rapporto) AS k
    FROM fine f
    JOIN rapporti_dim r
        ON r.id_lavoratore_num = f.lavoratore AND r.id_datore_num <> f.datore_origine
        AND r.data_inizio BETWEEN f.fine AND f.fine + 30
        AND r.data_inizio BETWEEN oml_dal() AND oml_al() + 30
),
base AS (
    SELECT oml_periodo(fine, oml_periodicita()) AS periodo, * FROM seguiti WHERE k = 1
),
celle AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)),
        count(*) AS n, count(DISTINCT id_lavoratore_num) AS l,
        least(count(DISTINCT datore_origine), count(DISTINCT id_datore_num)) AS d,
        oml_chiave_cella(id_lavoratore) AS ck
    FROM base GROUP BY ALL
)
SELECT * EXCLUDE (n, l, d, ck), 'transizioni' AS misura, n::DOUBLE AS valore, l AS n_lavoratori, d AS n_datori,
    ck AS chiave_cella
FROM celle
ORDER BY ALL;
