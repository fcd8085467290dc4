-- One row per DID episode (docs/formato_did.md), from did_eventi: the release (date, CPI, service
-- point, counter, declared status, the person's attributes), the end and its cause
-- (DEC_CAUSA_FINE_DID; NULL while open), the suspensions (count, days between each SOSPENSIONE and
-- its RIPRESA or the end; `sospesa` when the last one is still running), the first benefit
-- (NASPI / DISCOLL) with its start and end, and the person's previous episode (by release date);
-- then the citizenship area at the release (oml_area_cittadinanza) and the province and region of
-- the CPI (oml_cpi_territorio), for the breakdowns and the territory filter of the indicators.
-- Every suspension and benefit period of an episode is in did_periodi.
-- Events are validated at ingest (one RILASCIO per id_did, nothing before it or after FINE,
-- RIPRESA only after SOSPENSIONE), so the pairing below is by order (a RIPRESA and a new
-- SOSPENSIONE may share a day).
CREATE OR REPLACE VIEW did_episodi AS
WITH rilasci AS (
    SELECT id_did, id_lavoratore, data_evento AS data_rilascio, year(data_evento) AS anno_rilascio,
        cpi, punto_servizio, codice_sportello, stato_occupazionale,
        sesso, anno_nascita, classe_eta, cittadinanza, livello_istruzione, comune_domicilio
    FROM did_eventi
    WHERE evento = 'RILASCIO'
),
fini AS (
    SELECT id_did, min(data_evento) AS data_fine, arg_min(causa, data_evento) AS causa_fine
    FROM did_eventi
    WHERE evento = 'FINE'
    GROUP BY id_did
),
sospensioni AS (
    SELECT id_did, evento, data_evento,
        lead(evento) OVER w AS evento_dopo,
        lead(data_evento) OVER w AS data_dopo
    FROM did_eventi
    WHERE evento IN ('SOSPENSIONE', 'RIPRESA')
    -- Same day: in the order of loads and lines, as ingest checked them.
    WINDOW w AS (PARTITION BY id_did ORDER BY data_evento, id_caricamento, riga)
),
sospensioni_ep AS (
    SELECT s.id_did,
        count(*) AS n_sospensioni,
        sum(date_diff('day', s.data_evento, coalesce(s.data_dopo, f.data_fine)))::BIGINT AS giorni_sospensione,
        bool_or(s.data_dopo IS NULL AND f.data_fine IS NULL) AS sospesa
    FROM sospensioni s
    LEFT JOIN fini f USING (id_did)
    WHERE s.evento = 'SOSPENSIONE'
    GROUP BY s.id_did
),
prestazioni AS (
    SELECT i.id_did, i.prestazione, i.data_evento AS data_inizio_prestazione,
        (SELECT min(e.data_evento) FROM did_eventi e
         WHERE e.id_did = i.id_did AND e.evento = 'PRESTAZIONE_FINE'
           AND e.prestazione = i.prestazione AND e.data_evento >= i.data_evento) AS data_fine_prestazione,
        row_number() OVER (PARTITION BY i.id_did ORDER BY i.data_evento, i.prestazione) AS n
    FROM did_eventi i
    WHERE i.evento = 'PRESTAZIONE_INIZIO'
)
SELECT r.id_did, r.id_lavoratore, r.data_rilascio, r.anno_rilascio, r.cpi, r.punto_servizio,
    r.codice_sportello, r.stato_occupazionale,
    r.sesso, r.anno_nascita, r.classe_eta, r.cittadinanza, r.livello_istruzione, r.comune_domicilio,
    f.data_fine, f.causa_fine,
    coalesce(s.n_sospensioni, 0) AS n_sospensioni,
    coalesce(s.giorni_sospensione, 0) AS giorni_sospensione,
    coalesce(s.sospesa, false) AS sospesa,
    p.prestazione, p.data_inizio_prestazione, p.data_fine_prestazione,
    lag(r.id_did) OVER w AS id_did_precedente,
    lag(r.data_rilascio) OVER w AS data_rilascio_precedente,
    oml_area_cittadinanza(r.cittadinanza, r.data_rilascio) AS area_cittadinanza,
    t.provincia, t.regione
FROM rilasci r
LEFT JOIN oml_cpi_territorio() t ON t.cpi = r.cpi
LEFT JOIN fini f USING (id_did)
LEFT JOIN sospensioni_ep s USING (id_did)
LEFT JOIN prestazioni p ON p.id_did = r.id_did AND p.n = 1
WINDOW w AS (PARTITION BY r.id_lavoratore ORDER BY r.data_rilascio, r.id_did);
