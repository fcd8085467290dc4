-- Standard mart written by `oml build` (src/derive/marts.rs): indicatori/posizioni.sql by
-- macro_contratto, by quarter. The same table `oml indicators` prints (protected, totals
-- included; columns periodo, breakdowns, misura, valore, stato, codice_stato, n_lavoratori,
-- n_datori).
CREATE OR REPLACE VIEW mart_posizioni AS SELECT * FROM {{mart_posizioni}};
