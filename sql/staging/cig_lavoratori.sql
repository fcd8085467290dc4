-- Workers in Cassa integrazione (oml ingest cig-lavoratori; layout in
-- docs/formato_cig_lavoratori.md): one row per period of a worker at an employer, with the type of
-- intervention, the days (inclusive), the authorised and used hours; id_lavoratore and id_datore
-- as in co_eventi. Hours are hours, not workers: never sum them into a head count.
CREATE OR REPLACE VIEW cig_lavoratori AS SELECT * FROM {{cig_lavoratori}};
