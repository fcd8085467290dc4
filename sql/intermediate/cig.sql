-- INPS cassa integrazione open data (oml ingest cig; layouts in docs/formato_cig.md): one row per
-- anno, mese, territorio, tipo_intervento, settore and misura, with the value of the latest
-- vintage (ties: the later load); every vintage is in `cig_versioni`. Measures
-- (ore_autorizzate, lavoratori, domande, mensilita) count different things: never sum across
-- misura.
CREATE OR REPLACE VIEW cig AS
SELECT *
FROM cig_versioni
QUALIFY row_number() OVER (
    PARTITION BY anno, mese, territorio, livello_territorio, tipo_intervento, settore, misura
    ORDER BY vintage DESC, id_caricamento DESC
) = 1;
