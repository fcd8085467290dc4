-- Breakdown columns (dimensions) of the intermediate views rapporti_dim, segmenti_dim and
-- co_eventi_dim, hence of every indicator.

-- ISTAT macro-sector of an ATECO 2007 section.
CREATE OR REPLACE MACRO oml_settore(sezione) AS CASE
    WHEN sezione IS NULL THEN 'NON_INDICATO'
    WHEN sezione = 'A' THEN 'AGRICOLTURA'
    WHEN sezione IN ('B', 'C', 'D', 'E') THEN 'INDUSTRIA'
    WHEN sezione = 'F' THEN 'COSTRUZIONI'
    ELSE 'SERVIZI' END;

-- Territory filter: SET VARIABLE oml_provincia = 'PO' (sigla) and/or oml_regione (as in the
-- regione column) restrict rapporti_dim, segmenti_dim and co_eventi_dim, hence every indicator.
CREATE OR REPLACE MACRO oml_nel_territorio(provincia, regione) AS
    (getvariable('oml_provincia') IS NULL OR provincia = getvariable('oml_provincia')::VARCHAR)
    AND (getvariable('oml_regione') IS NULL OR regione = getvariable('oml_regione')::VARCHAR);

-- Citizenship area (ITALIA, UE, EXTRA_UE, APOLIDE) of a 3-digit Ministry code at a date, for the
-- records that keep the code (DID, mobility lists; the CO store the area at ingest): rendered from
-- reference/anpal/cittadinanze.csv and reference/oml/cittadinanze_ue.csv (dated EU membership).
CREATE OR REPLACE MACRO oml_area_cittadinanza(codice, data) AS {{area_cittadinanza}};

-- Province (sigla) and region (ISTAT code) of each CPI code (reference/oml/cpi_comuni.csv, and
-- PRV-<sigla> for a comune outside it): the territory of records that carry a CPI, not a comune.
CREATE OR REPLACE MACRO oml_cpi_territorio() AS TABLE
    SELECT * FROM (VALUES {{cpi_territorio}}) t(cpi, provincia, regione);

-- The rows of a relation (a view name: 'rapporti', 'segmenti', 'co_eventi') in the territory,
-- with the breakdown columns they share: comune (of the workplace), settore (ISTAT
-- macro-sector from the ATECO section), and the worker's, employer's and contract's columns,
-- where a missing value reads 'NON_INDICATO' ('NON_NOTO' for the contract) so that every
-- cell has a label. The other columns keep their place: SELECT * FROM oml_dimensioni('rapporti')
-- has the columns of rapporti, then comune and settore.
CREATE OR REPLACE MACRO oml_dimensioni(relazione) AS TABLE
SELECT * REPLACE (
        coalesce(sesso, 'NON_INDICATO') AS sesso,
        coalesce(classe_eta, 'NON_INDICATO') AS classe_eta,
        coalesce(area_cittadinanza, 'NON_INDICATO') AS area_cittadinanza,
        coalesce(livello_istruzione, 'NON_INDICATO') AS livello_istruzione,
        coalesce(ateco_sezione, 'NON_INDICATO') AS ateco_sezione,
        coalesce(ateco_divisione, 'NON_INDICATO') AS ateco_divisione,
        coalesce(cpi, 'NON_INDICATO') AS cpi,
        coalesce(provincia, 'NON_INDICATO') AS provincia,
        coalesce(regione, 'NON_INDICATO') AS regione,
        coalesce(macro_contratto, 'NON_NOTO') AS macro_contratto,
        coalesce(tipologia_contrattuale, 'NON_NOTO') AS tipologia_contrattuale),
    coalesce(comune_lavoro, 'NON_INDICATO') AS comune,
    oml_settore(ateco_sezione) AS settore
FROM query_table(relazione)
WHERE oml_nel_territorio(provincia, regione);
