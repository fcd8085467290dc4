-- One row per suspension or benefit period of a DID episode (docs/formato_did.md), from
-- did_eventi: `tipo` SOSPENSIONE (from a SOSPENSIONE to its RIPRESA, or to the end of the DID)
-- or the benefit (NASPI, DISCOLL: from PRESTAZIONE_INIZIO to the PRESTAZIONE_FINE of the same
-- benefit), with `dal` and `al` (NULL while it runs). Conventions (docs/convenzioni.md, as for
-- the stocks of the CO): a DID is suspended at the end of day t if dal <= t and it has not
-- resumed by t (al > t, or NULL): a RIPRESA on t ends the suspension that day; a benefit is in
-- payment at the end of day t if dal <= t and (al >= t or NULL): its last day counts.
CREATE OR REPLACE VIEW did_periodi AS
WITH fini AS (
    SELECT id_did, min(data_evento) AS data_fine FROM did_eventi WHERE evento = 'FINE' GROUP BY id_did
),
sospensioni AS (
    SELECT id_did, evento, data_evento AS dal,
        lead(data_evento) OVER w AS ripresa
    FROM did_eventi
    WHERE evento IN ('SOSPENSIONE', 'RIPRESA')
    -- Same day: in the order of loads and lines, as ingest checked them.
    WINDOW w AS (PARTITION BY id_did ORDER BY data_evento, id_caricamento, riga)
),
prestazioni AS (
    SELECT id_did, evento, prestazione, data_evento,
        lead(evento) OVER w AS evento_dopo, lead(data_evento) OVER w AS data_dopo
    FROM did_eventi
    WHERE evento IN ('PRESTAZIONE_INIZIO', 'PRESTAZIONE_FINE')
    WINDOW w AS (PARTITION BY id_did, prestazione ORDER BY data_evento, id_caricamento, riga)
)
SELECT s.id_did, 'SOSPENSIONE' AS tipo, s.dal, coalesce(s.ripresa, f.data_fine) AS al
FROM sospensioni s LEFT JOIN fini f USING (id_did)
WHERE s.evento = 'SOSPENSIONE'
UNION ALL
SELECT id_did, prestazione, data_evento,
    CASE WHEN evento_dopo = 'PRESTAZIONE_FINE' THEN data_dopo END
FROM prestazioni
WHERE evento = 'PRESTAZIONE_INIZIO';
