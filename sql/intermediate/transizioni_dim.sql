-- Relationships in the territory and the perimeter (rapporti_dim, whose breakdown columns describe
-- the relationship itself) with their transitions: the classes and gaps of `transizioni`, the
-- employer's size class on the first and the last day (dimensione_datore, dimensione_datore_fine),
-- and the columns of the successor (…_successivo: the job after, its first contract, its
-- employer's size on its first day) and of the predecessor (…_precedente: the job before, its last
-- contract, its employer's size on its last day). Successor and predecessor are read in any
-- territory and perimeter (nel_territorio_… says whether they are in the selected territory);
-- under the residence geography their comune, CPI and province are the domicile's.
CREATE OR REPLACE VIEW transizioni_dim AS
WITH altri AS (
    SELECT r.id_rapporto, r.comune, r.cpi, r.provincia, r.regione, r.settore, r.ateco_sezione,
        r.ateco_divisione, r.macro_contratto, r.macro_contratto_finale,
        oml_nel_territorio(r.provincia, r.regione) AS nel_territorio,
        t.posizioni_datore_inizio, t.posizioni_datore_fine
    FROM oml_dimensioni_tutte('rapporti') r
    JOIN transizioni t USING (id_rapporto)
)
SELECT r.*,
    t.classe_uscita, t.id_rapporto_successivo, t.giorni_interruzione, t.richiamo,
    t.classe_ingresso, t.id_rapporto_precedente, t.giorni_da_precedente, t.richiamo_ingresso,
    oml_classe_dimensionale(t.posizioni_datore_inizio) AS dimensione_datore,
    oml_classe_dimensionale(t.posizioni_datore_fine) AS dimensione_datore_fine,
    s.comune AS comune_successivo, s.cpi AS cpi_successivo, s.provincia AS provincia_successivo,
    s.regione AS regione_successivo, s.settore AS settore_successivo,
    s.ateco_sezione AS ateco_sezione_successivo, s.ateco_divisione AS ateco_divisione_successivo,
    s.macro_contratto AS macro_contratto_successivo, s.nel_territorio AS nel_territorio_successivo,
    oml_classe_dimensionale(s.posizioni_datore_inizio) AS dimensione_datore_successivo,
    p.comune AS comune_precedente, p.cpi AS cpi_precedente, p.provincia AS provincia_precedente,
    p.regione AS regione_precedente, p.settore AS settore_precedente,
    p.ateco_sezione AS ateco_sezione_precedente, p.ateco_divisione AS ateco_divisione_precedente,
    p.macro_contratto_finale AS macro_contratto_precedente, p.nel_territorio AS nel_territorio_precedente,
    oml_classe_dimensionale(p.posizioni_datore_fine) AS dimensione_datore_precedente
FROM rapporti_dim r
JOIN transizioni t USING (id_rapporto)
LEFT JOIN altri s ON s.id_rapporto = t.id_rapporto_successivo
LEFT JOIN altri p ON p.id_rapporto = t.id_rapporto_precedente;
