-- ISTAT unemployment rates (oml ingest istat; reader src/sources/istat_rfl.rs): one row per
-- period, territory (ITTER107 code, with today's ISTAT code and level), sex, age class and
-- misura, with the value of the latest vintage (ties: the later load); every vintage is in
-- `disoccupazione_istat_versioni`. Rates are percentages: never add them up. Only rows whose
-- relazione is 'identico' stand for today's territory in their year.
CREATE OR REPLACE VIEW tasso_disoccupazione AS
SELECT *
FROM disoccupazione_istat_versioni
QUALIFY row_number() OVER (
    PARTITION BY anno, periodo, itter107, sesso, classe_eta, misura
    ORDER BY vintage DESC, id_caricamento DESC
) = 1;
