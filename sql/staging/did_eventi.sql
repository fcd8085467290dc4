-- DID events (oml ingest did; layout in docs/formato_did.md): one row per event of an episode
-- (RILASCIO, SOSPENSIONE, RIPRESA, FINE, PRESTAZIONE_INIZIO, PRESTAZIONE_FINE), with the
-- pseudonymised episode and worker (id_lavoratore as in co_eventi), the codes, birth year and age
-- class from the CF, and the file, line, sha256 and load it came from. Episodes: did_episodi.
CREATE OR REPLACE VIEW did_eventi AS SELECT * FROM {{did_eventi}};
