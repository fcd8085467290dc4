-- ISTAT unemployment rates (Rilevazione sulle forze di lavoro; oml ingest istat), every vintage
-- of every export loaded: one row per rate published, with its file, line, sha256, vintage and
-- load. The view `tasso_disoccupazione` (intermediate/) keeps the latest vintage per key.
CREATE OR REPLACE VIEW disoccupazione_istat_versioni AS SELECT * FROM {{disoccupazione_istat_versioni}};
