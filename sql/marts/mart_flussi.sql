-- Standard mart written by `oml build` (src/derive/marts.rs): indicatori/flussi.sql by
-- settore and macro_contratto, by quarter. The same table `oml indicators` prints
-- (protected, totals included; columns periodo, breakdowns, misura, valore, stato,
-- codice_stato, n_lavoratori, n_datori).
CREATE OR REPLACE VIEW mart_flussi AS SELECT * FROM {{mart_flussi}};
