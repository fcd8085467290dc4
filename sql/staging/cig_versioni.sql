-- INPS cassa integrazione open data (oml ingest cig), every vintage of every file loaded: one
-- row per value published, with its file, line, sha256, vintage and load. The view `cig`
-- (intermediate/) keeps the latest vintage per key.
CREATE OR REPLACE VIEW cig_versioni AS SELECT * FROM {{cig_versioni}};
