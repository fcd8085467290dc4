-- Communications with the same breakdown columns as rapporti_dim (macro oml_dimensioni), in
-- the territory and the perimeter (oml_nel_perimetro, by the contract and the dates the
-- communication carries: its cessazione, or else its planned end), and tipo_orario labelled
-- like in segmenti_dim.
CREATE OR REPLACE VIEW co_eventi_dim AS
SELECT * REPLACE (coalesce(tipo_orario, 'NON_INDICATO') AS tipo_orario)
FROM oml_dimensioni('co_eventi')
WHERE oml_nel_perimetro(datore_pa, ateco_sezione, ateco_divisione, tipologia_contrattuale, macro_contratto,
    data_inizio, coalesce(data_cessazione, data_fine));
