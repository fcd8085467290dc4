-- Relationships with their breakdown columns (macro oml_dimensioni), in the territory and the
-- perimeter (oml_nel_perimetro), and
-- fine_o_aperto: the last day, or 9999-12-31 while the relationship is open.
CREATE OR REPLACE VIEW rapporti_dim AS
SELECT *, coalesce(data_fine_effettiva, DATE '9999-12-31') AS fine_o_aperto
FROM oml_dimensioni('rapporti')
WHERE oml_nel_perimetro(datore_pa, ateco_sezione, ateco_divisione, tipologia_contrattuale, macro_contratto,
    data_inizio, data_fine_effettiva);
