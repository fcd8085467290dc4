-- The side of a transition as the other relationship sees it: for every relationship (in any
-- territory and perimeter), its area, sector and contract classes, whether it is in the selected
-- territory, and its employer's size on its first and last day. Read as the successor by
-- transizioni_con_successivo_dim and as the predecessor by transizioni_dim; under the residence
-- geography the comune, CPI and province are the domicile's.
CREATE OR REPLACE VIEW transizioni_altri AS
SELECT r.id_rapporto, r.comune, r.cpi, r.provincia, r.regione, r.settore, r.ateco_sezione,
    r.ateco_divisione, r.macro_contratto, r.macro_contratto_finale,
    oml_nel_territorio(r.provincia, r.regione) AS nel_territorio,
    t.posizioni_datore_inizio, t.posizioni_datore_fine
FROM oml_dimensioni_tutte('rapporti') r
JOIN transizioni t USING (id_rapporto);
