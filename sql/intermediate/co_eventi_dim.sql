-- Communications with the same breakdown columns as rapporti_dim (macro oml_dimensioni), in
-- the territory, and tipo_orario labelled like in segmenti_dim.
CREATE OR REPLACE VIEW co_eventi_dim AS
SELECT * REPLACE (coalesce(tipo_orario, 'NON_INDICATO') AS tipo_orario)
FROM oml_dimensioni('co_eventi');
