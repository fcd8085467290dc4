-- Breakdown columns (dimensions) of the intermediate views rapporti_dim, segmenti_dim and
-- co_eventi_dim, hence of every indicator.

-- ISTAT macro-sector of an ATECO 2007 section.
CREATE OR REPLACE MACRO oml_settore(sezione) AS CASE
    WHEN sezione IS NULL THEN 'NON_INDICATO'
    WHEN sezione = 'A' THEN 'AGRICOLTURA'
    WHEN sezione IN ('B', 'C', 'D', 'E') THEN 'INDUSTRIA'
    WHEN sezione = 'F' THEN 'COSTRUZIONI'
    ELSE 'SERVIZI' END;

-- ATECO 2007 section (A–U) of an ATECO code ('13.20.00', '1320', '13'), from its division (the
-- first two digits), as in the ISTAT classification (ATECO 2007 = NACE Rev. 2 to the class):
-- for records that carry the employer's code, not the section (mobility lists, CIG workers).
CREATE OR REPLACE MACRO oml_ateco_divisione_num(codice) AS
    TRY_CAST(left(regexp_replace(codice, '[^0-9]', '', 'g'), 2) AS INTEGER);
CREATE OR REPLACE MACRO oml_ateco_sezione(codice) AS CASE
    WHEN oml_ateco_divisione_num(codice) IS NULL OR oml_ateco_divisione_num(codice) < 1 THEN NULL
    WHEN oml_ateco_divisione_num(codice) <= 3 THEN 'A' WHEN oml_ateco_divisione_num(codice) <= 9 THEN 'B'
    WHEN oml_ateco_divisione_num(codice) <= 33 THEN 'C' WHEN oml_ateco_divisione_num(codice) = 35 THEN 'D'
    WHEN oml_ateco_divisione_num(codice) <= 39 THEN 'E' WHEN oml_ateco_divisione_num(codice) <= 43 THEN 'F'
    WHEN oml_ateco_divisione_num(codice) <= 47 THEN 'G' WHEN oml_ateco_divisione_num(codice) <= 53 THEN 'H'
    WHEN oml_ateco_divisione_num(codice) <= 56 THEN 'I' WHEN oml_ateco_divisione_num(codice) <= 63 THEN 'J'
    WHEN oml_ateco_divisione_num(codice) <= 66 THEN 'K' WHEN oml_ateco_divisione_num(codice) = 68 THEN 'L'
    WHEN oml_ateco_divisione_num(codice) <= 75 THEN 'M' WHEN oml_ateco_divisione_num(codice) <= 82 THEN 'N'
    WHEN oml_ateco_divisione_num(codice) = 84 THEN 'O' WHEN oml_ateco_divisione_num(codice) = 85 THEN 'P'
    WHEN oml_ateco_divisione_num(codice) <= 88 THEN 'Q' WHEN oml_ateco_divisione_num(codice) <= 93 THEN 'R'
    WHEN oml_ateco_divisione_num(codice) <= 96 THEN 'S' WHEN oml_ateco_divisione_num(codice) <= 98 THEN 'T'
    WHEN oml_ateco_divisione_num(codice) = 99 THEN 'U' END;

-- Working time of a contract from its tipo_orario (DOMAIN.md §2.4): TEMPO_PIENO (F), PART_TIME
-- (P orizzontale, V verticale, M misto), NON_DEFINITO (N, e.g. intermittent work), NON_INDICATO.
CREATE OR REPLACE MACRO oml_orario(tipo_orario) AS CASE
    WHEN tipo_orario = 'F' THEN 'TEMPO_PIENO'
    WHEN tipo_orario IN ('P', 'V', 'M') THEN 'PART_TIME'
    WHEN tipo_orario = 'N' THEN 'NON_DEFINITO'
    ELSE 'NON_INDICATO' END;

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

-- Geography (SET VARIABLE oml_geografia = 'residenza'; default 'lavoro'): which comune a record's
-- comune, cpi, provincia and regione are, the workplace's or the worker's domicile's. The
-- territory filter follows it. DuckDB folds the variable before planning, so the default pays
-- no join (oml_dimensioni).
CREATE OR REPLACE MACRO oml_residenza() AS coalesce(getvariable('oml_geografia')::VARCHAR = 'residenza', false);

-- Province (sigla), region (ISTAT code) and CPI of every comune a record may carry, by ISTAT code
-- (current and suppressed comuni; the CPI as at ingest: reference/oml/cpi_comuni.csv, else
-- PRV-<sigla>): the territory of the domicile under the residence geography.
-- The rows come as one text ('comune,provincia,regione,cpi;…'), not a VALUES list: a macro is
-- bound wherever a view expands it, and binding 8,000 VALUES rows at every expansion cost seconds
-- per indicator; one literal costs nothing until the residence geography reads it.
CREATE OR REPLACE MACRO oml_comuni_territorio() AS TABLE
    SELECT r[1] AS comune, nullif(r[2], '') AS provincia, nullif(r[3], '') AS regione, r[4] AS cpi
    FROM (SELECT string_split(unnest(string_split('{{comuni_territorio}}', ';')), ',') AS r);

-- Perimeter (SET VARIABLE oml_esclusi = [...]::VARCHAR[]; default: nothing excluded): whether a
-- relationship is counted. 'pubblici' / 'privati': employers that are / are not a public
-- administration (the CO's datoreLavoro_PA); 'agricoltura': ATECO section A or an agricultural
-- contract (H.*); 'domestico': domestic work (contract A.04.*, or ATECO division 97, households as
-- employers); 'intermittente': intermittent work (A.05.*); 'somministrazione': agency work
-- (macro_contratto SOMMINISTRAZIONE: A.06.*, UNISOMM modules, employers in ATECO 78.2);
-- 'giornalieri': relationships that lasted one day (from `inizio` to `fine`, its last day, NULL
-- while open). The contract is the relationship's first (`tipologia`, `macro_contratto`
-- at the attivazione), so a relationship is in or out as a whole and the flows still add up: a
-- trasformazione never moves one across the perimeter. Applied by each *_dim view, which knows
-- its relation's columns; docs/convenzioni.md states each rule.
CREATE OR REPLACE MACRO oml_esclusi() AS coalesce(getvariable('oml_esclusi')::VARCHAR[], []::VARCHAR[]);
CREATE OR REPLACE MACRO oml_escluso(voce) AS list_contains(oml_esclusi(), voce);
CREATE OR REPLACE MACRO oml_nel_perimetro(datore_pa, ateco_sezione, ateco_divisione, tipologia, macro_contratto,
        inizio, fine) AS
    NOT (oml_escluso('pubblici') AND datore_pa IS TRUE)
    AND NOT (oml_escluso('privati') AND datore_pa IS NOT TRUE)
    AND NOT (oml_escluso('agricoltura') AND coalesce(ateco_sezione = 'A' OR tipologia LIKE 'H.%', false))
    AND NOT (oml_escluso('domestico') AND coalesce(macro_contratto = 'DOMESTICO' OR ateco_divisione = '97', false))
    AND NOT (oml_escluso('intermittente') AND coalesce(macro_contratto = 'INTERMITTENTE', false))
    AND NOT (oml_escluso('somministrazione') AND coalesce(macro_contratto = 'SOMMINISTRAZIONE', false))
    AND NOT (oml_escluso('giornalieri') AND coalesce(fine = inizio, false));

-- Whose sector agency work (somministrazione) is counted in (SET VARIABLE oml_somministrazione =
-- 'utilizzatrice'; default: the agency's, as the CO's employer): under 'utilizzatrice' a
-- relationship whose UNISOMM communication named the user firm takes the user firm's ATECO
-- section and division (`*_utilizzatrice`, of its first mission) in every *_dim view; one without
-- (UNILAV, or a UNISOMM that did not say) keeps the agency's. docs/convenzioni.md.
CREATE OR REPLACE MACRO oml_ateco_contato(dell_agenzia, dell_utilizzatrice) AS CASE
    WHEN coalesce(getvariable('oml_somministrazione') = 'utilizzatrice', false) AND dell_utilizzatrice IS NOT NULL
    THEN dell_utilizzatrice ELSE dell_agenzia END;

-- The rows of a relation (a view name: 'rapporti', 'segmenti', 'co_eventi'), in any territory, with the breakdown columns they share: comune (of the workplace, or of the
-- domicile under the residence geography), settore (ISTAT macro-sector from the ATECO section,
-- the user firm's for agency work under oml_somministrazione = 'utilizzatrice'),
-- and the worker's, employer's and contract's columns, where a missing value reads
-- 'NON_INDICATO' ('NON_NOTO' for the contract) so that every cell has a label. The other columns
-- keep their place: SELECT * FROM oml_dimensioni('rapporti') has the columns of rapporti, then
-- comune and settore.
CREATE OR REPLACE MACRO oml_dimensioni_tutte(relazione) AS TABLE
SELECT * EXCLUDE (comune_geografia) REPLACE (
        coalesce(sesso, 'NON_INDICATO') AS sesso,
        coalesce(classe_eta, 'NON_INDICATO') AS classe_eta,
        coalesce(area_cittadinanza, 'NON_INDICATO') AS area_cittadinanza,
        coalesce(livello_istruzione, 'NON_INDICATO') AS livello_istruzione,
        coalesce(oml_ateco_contato(ateco_sezione, ateco_sezione_utilizzatrice), 'NON_INDICATO') AS ateco_sezione,
        coalesce(oml_ateco_contato(ateco_divisione, ateco_divisione_utilizzatrice), 'NON_INDICATO') AS ateco_divisione,
        coalesce(cpi, 'NON_INDICATO') AS cpi,
        coalesce(provincia, 'NON_INDICATO') AS provincia,
        coalesce(regione, 'NON_INDICATO') AS regione,
        coalesce(macro_contratto, 'NON_NOTO') AS macro_contratto,
        coalesce(tipologia_contrattuale, 'NON_NOTO') AS tipologia_contrattuale),
    coalesce(comune_geografia, 'NON_INDICATO') AS comune,
    oml_settore(oml_ateco_contato(ateco_sezione, ateco_sezione_utilizzatrice)) AS settore,
    oml_orario(tipo_orario) AS orario
FROM (
    -- Two branches, one pruned by the folded variable: the workplace geography reads the relation
    -- as it is (its filters reach the Parquet scan), the residence one joins the domicile's territory.
    SELECT r.*, r.comune_lavoro AS comune_geografia
    FROM query_table(relazione) r
    WHERE NOT oml_residenza()
    UNION ALL BY NAME
    SELECT r.* REPLACE (d.cpi AS cpi, d.provincia AS provincia, d.regione AS regione),
        r.comune_domicilio AS comune_geografia
    FROM query_table(relazione) r
    LEFT JOIN oml_comuni_territorio() d ON d.comune = r.comune_domicilio
    WHERE oml_residenza()
);

-- The rows of oml_dimensioni_tutte in the territory (oml_nel_territorio).
CREATE OR REPLACE MACRO oml_dimensioni(relazione) AS TABLE
SELECT * FROM oml_dimensioni_tutte(relazione) WHERE oml_nel_territorio(provincia, regione);

-- Size class of an employer from its relationships in force on a day (transizioni's
-- posizioni_datore_*): the EU classes of enterprises by persons employed (1–9 micro, 10–49 small,
-- 50–249 medium, 250+ large), here counted on the employees the lake's CO show [I].
CREATE OR REPLACE MACRO oml_classe_dimensionale(posizioni) AS CASE
    WHEN posizioni IS NULL THEN NULL
    WHEN posizioni < 10 THEN '1-9'
    WHEN posizioni < 50 THEN '10-49'
    WHEN posizioni < 250 THEN '50-249'
    ELSE '250+' END;

-- The Ministry of Labour's group of a cessazione (reference/oml/cause_cessazione.csv, column
-- gruppo_ministero [I]): one imputed at the expected end of a fixed-term contract is FINE_TERMINE;
-- a missing code, or one not in the table, ALTRE_CAUSE.
CREATE OR REPLACE MACRO oml_gruppo_causa(codice, imputata) AS CASE
    WHEN imputata THEN 'FINE_TERMINE' {{gruppo_causa}} ELSE 'ALTRE_CAUSE' END;

-- Automatic coarsening of a class with a hierarchy (matrice_transizioni; analytics::coarsen):
-- l0 is the finest class, l1 its parent, l2 the grandparent (NULL where the axis has no such
-- level); `accorpa` lists the lifted classes as 'k:class' (the class of level k−1 replaced by its
-- parent of level k). A lifted class reads as its parent with '+': 'C+' stands for the divisions
-- of section C that were merged because their cells did not reach the threshold.
CREATE OR REPLACE MACRO oml_accorpa(l0, l1, l2, accorpa) AS CASE
    WHEN l1 IS NOT NULL AND list_contains(accorpa, '1:' || l0) THEN
        CASE WHEN l2 IS NOT NULL AND list_contains(accorpa, '2:' || l1) THEN l2 || '+' ELSE l1 || '+' END
    ELSE l0 END;
