-- Relationships in the territory and the perimeter (rapporti_dim, whose breakdown columns describe
-- the relationship itself) with their transitions: the classes and gaps of `transizioni`, the
-- employer's size class on the first and the last day (dimensione_datore, dimensione_datore_fine),
-- and the columns of the successor (…_successivo: the job after, its first contract, its
-- employer's size on its first day) and of the predecessor (…_precedente: the job before, its last
-- contract, its employer's size on its last day). Successor and predecessor are read in any
-- territory and perimeter (nel_territorio_… says whether they are in the selected territory);
-- under the residence geography their comune, CPI and province are the domicile's.
-- Built on transizioni_con_successivo_dim (everything but the predecessor) and transizioni_altri.
CREATE OR REPLACE VIEW transizioni_dim AS
SELECT x.*,
    p.comune AS comune_precedente, p.cpi AS cpi_precedente, p.provincia AS provincia_precedente,
    p.regione AS regione_precedente, p.settore AS settore_precedente,
    p.ateco_sezione AS ateco_sezione_precedente, p.ateco_divisione AS ateco_divisione_precedente,
    p.macro_contratto_finale AS macro_contratto_precedente, p.nel_territorio AS nel_territorio_precedente,
    oml_classe_dimensionale(p.posizioni_datore_fine) AS dimensione_datore_precedente
FROM transizioni_con_successivo_dim x
LEFT JOIN transizioni_altri p ON p.id_rapporto = x.id_rapporto_precedente;
