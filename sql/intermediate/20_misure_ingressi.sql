-- One row per entry of a person into a crisis measure (docs/esiti.md), the cohorts of the
-- outcome indicators: a DID release (tipo = the episode's benefit: NASPI, DISCOLL, NESSUNA), an
-- iscrizione to a mobility list (tipo = the lista), or the first day of a worker's episode of
-- Cassa integrazione at an employer (tipo = the type of intervention of its first period; periods
-- of the same worker and employer less than oml_cig_pausa() days apart, default 30 [I], are one
-- episode). Each entry carries the person's attributes at entry, the territory of the measure
-- (the CPI of the DID or the list; for CIG the workplace of the employer's relationship, else the
-- comune of the production unit) and the relationship the person came from (`origine`): for
-- mobility and CIG the last relationship with the measure's employer started on or before the
-- entry, otherwise (and for DID) the last relationship ended on or before the entry: chosen in
-- misure_ingressi_origini (with the rules for ties), its columns joined here.
-- `occupato_ingresso`: on the entry day the person holds a relationship other than the measure's
-- employer's (a DID of someone at work, counted apart as INAPP does). `rapporto_misura_nel_lago`:
-- for mobility and CIG, whether the relationship with the measure's employer is in the lake.
CREATE OR REPLACE VIEW misure_ingressi AS
SELECT i.misura, i.tipo, i.id_ingresso, i.id_lavoratore, i.data_ingresso, i.data_fine_misura,
    i.id_datore_misura,
    -- The CPI of the measure; for CIG that of the employer's relationship, else of the unit.
    CASE WHEN i.misura = 'CIG' THEN coalesce(r.cpi, i.cpi_misura) ELSE i.cpi_misura END AS cpi,
    coalesce(c.provincia, r.provincia) AS provincia, coalesce(c.regione, r.regione) AS regione,
    coalesce(i.sesso, r.sesso) AS sesso, coalesce(i.anno_nascita, r.anno_nascita) AS anno_nascita,
    coalesce(i.classe_eta, r.classe_eta) AS classe_eta,
    coalesce(i.area_cittadinanza, r.area_cittadinanza) AS area_cittadinanza,
    coalesce(i.livello_istruzione, r.livello_istruzione) AS livello_istruzione,
    i.occupato_ingresso,
    -- Mobility and CIG: the relationship with the measure's employer is in the lake (a worker
    -- hired before the CO began and never communicated since is not: the CO cannot say whether
    -- they still work there, docs/esiti.md). NULL for the DID.
    CASE WHEN i.id_datore_misura IS NOT NULL THEN i.id_rapporto_datore IS NOT NULL END AS rapporto_misura_nel_lago,
    r.id_rapporto AS id_rapporto_origine, r.id_datore AS id_datore_origine,
    r.data_fine_effettiva AS data_fine_origine,
    oml_settore(r.ateco_sezione) AS settore_origine, r.ateco_sezione AS ateco_sezione_origine,
    r.macro_contratto AS contratto_origine, r.comune_lavoro AS comune_origine, r.cpi AS cpi_origine,
    r.provincia AS provincia_origine
FROM misure_ingressi_origini i
LEFT JOIN rapporti r ON r.id_rapporto = i.id_rapporto_origine
LEFT JOIN oml_cpi_territorio() c
    ON c.cpi = CASE WHEN i.misura = 'CIG' THEN coalesce(r.cpi, i.cpi_misura) ELSE i.cpi_misura END;
