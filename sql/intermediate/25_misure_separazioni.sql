-- The pool of the comparison group (docs/esiti.md): one row per relationship that ended into
-- non-employment (transizioni: AQHire, NEPersist or censurata, not EE or another job running) for
-- a cause the worker did not choose (oml_perdita_lavoro), before the lake's horizon. The columns
-- are those of misure_ingressi, so that misure_esiti stacks both: day zero (`data_ingresso`) is
-- the last day worked, `tipo` the Ministry's group of the cause, `id_ingresso` 'SEP-' and the
-- relationship's number, the attributes and the territory the relationship's, and the
-- relationship is its own origin (`*_origine`); misura NULL, never occupato_ingresso. Empty when
-- oml_esiti_bacino() is false (`oml outcomes --misura CIG` has no comparison group).
CREATE OR REPLACE VIEW misure_separazioni AS
SELECT NULL::VARCHAR AS misura, oml_gruppo_causa(r.causa_cessazione, r.cessazione_imputata) AS tipo,
    'SEP-' || r.id_rapporto AS id_ingresso, r.id_lavoratore,
    r.data_fine_effettiva AS data_ingresso, NULL::DATE AS data_fine_misura,
    NULL::VARCHAR AS id_datore_misura, r.cpi, r.provincia, r.regione,
    r.sesso, r.anno_nascita, r.classe_eta, r.area_cittadinanza, r.livello_istruzione,
    false AS occupato_ingresso, NULL::BOOLEAN AS rapporto_misura_nel_lago,
    r.id_rapporto AS id_rapporto_origine, r.id_datore AS id_datore_origine,
    r.data_fine_effettiva AS data_fine_origine,
    oml_settore(r.ateco_sezione) AS settore_origine, r.ateco_sezione AS ateco_sezione_origine,
    r.macro_contratto AS contratto_origine, r.comune_lavoro AS comune_origine, r.cpi AS cpi_origine,
    r.provincia AS provincia_origine
FROM transizioni t
JOIN rapporti r USING (id_rapporto)
WHERE t.classe_uscita IN ('AQHire', 'NEPersist', 'censurata')
    AND oml_perdita_lavoro(oml_gruppo_causa(r.causa_cessazione, r.cessazione_imputata))
    AND r.data_fine_effettiva < oml_orizzonte()
    AND oml_esiti_bacino();
