-- DuckDB-only ETL: the obvious alternative to `oml ingest co` on the CSV extract, as an
-- analyst would write it in plain SQL. `oml bench ingest` runs it on the same input, side by
-- side with OML, and reports the ratio. It does the same record-level work: CF format and
-- check character, code lookups against the reference tables (valid at the date), sha256
-- pseudonyms, year partitions, quarantine with a reason. (It does not resolve rettifiche or
-- detect duplicates: OML does more.)
-- Placeholders filled by the benchmark: {{input}} {{ref}} {{out}} {{salt}}.

CREATE MACRO cf_val(c, pos) AS (
    CASE WHEN pos % 2 = 1 THEN
        [1,0,5,7,9,13,15,17,19,21,1,0,5,7,9,13,15,17,19,21,2,4,18,20,11,3,6,8,12,14,16,10,22,25,24,23]
            [CASE WHEN c BETWEEN '0' AND '9' THEN ascii(c) - 47 ELSE ascii(c) - 54 END]
    ELSE CASE WHEN c BETWEEN '0' AND '9' THEN ascii(c) - 48 ELSE ascii(c) - 65 END END);
CREATE MACRO cf_check(cf) AS
    chr(65 + (list_sum(list_transform(range(1, 16), lambda i: cf_val(substr(cf, i, 1), i))) % 26)::INTEGER);

CREATE TABLE tipologie AS
    SELECT cod_tipologiacontr AS cod, try_cast(dat_inizio AS DATE) AS dal, try_cast(dat_fine AS DATE) AS al
    FROM read_csv('{{ref}}/tipologie_contrattuali.csv', all_varchar = true);
CREATE TABLE comuni AS
    SELECT DISTINCT cod_comune AS belfiore FROM read_csv('{{ref}}/comuni_belfiore_storico.csv', all_varchar = true);
CREATE TABLE ateco AS
    SELECT cod_ateco AS cod, sezione FROM read_csv('{{ref}}/ateco2007.csv', all_varchar = true);

CREATE TABLE checked AS
SELECT r.*,
    CASE
        WHEN coalesce(lavoratore_CodiceFiscale, '') = '' THEN 'campo_mancante'
        WHEN NOT regexp_full_match(lavoratore_CodiceFiscale,
            '[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]')
            THEN 'cf_lavoratore_formato'
        WHEN cf_check(lavoratore_CodiceFiscale) <> substr(lavoratore_CodiceFiscale, 16, 1)
            THEN 'cf_lavoratore_carattere_controllo'
        WHEN try_cast(rapporto_DataInizio AS DATE) IS NULL THEN 'data_non_valida'
        WHEN t.cod IS NULL OR c.belfiore IS NULL OR a.cod IS NULL THEN 'codice_sconosciuto'
        WHEN NOT (try_cast(rapporto_DataInizio AS DATE) BETWEEN t.dal AND coalesce(t.al, DATE '9999-12-31'))
            THEN 'codice_non_valido_alla_data'
    END AS motivo,
    a.sezione AS ateco_sezione
FROM (SELECT *, row_number() OVER () + 1 AS riga
      FROM read_csv('{{input}}', delim = ';', header = true, all_varchar = true)) r
LEFT JOIN tipologie t ON t.cod = r.rapporto_TipologiaContrattuale
LEFT JOIN comuni c ON c.belfiore = r.datoreLavoro_SedeLavoro_ComuneNazione
LEFT JOIN ateco a ON a.cod = r.datoreLavoro_Settore;

COPY (
    SELECT invio_CodiceComunicazione AS codice_comunicazione,
           invio_CodiceComunicazionePrecedente AS codice_comunicazione_precedente,
           invio_TipoComunicazione AS tipo_comunicazione,
           invio_TipoEvento AS evento,
           try_cast(invio_DataInvio AS TIMESTAMP) AS data_invio,
           sha256('{{salt}}' || lavoratore_CodiceFiscale) AS id_lavoratore,
           sha256('{{salt}}' || datoreLavoro_CodiceFiscale) AS id_datore,
           CASE WHEN substr(lavoratore_CodiceFiscale, 10, 2)::INTEGER > 40 THEN 'F' ELSE 'M' END AS sesso,
           datoreLavoro_Settore AS ateco, ateco_sezione,
           datoreLavoro_SedeLavoro_ComuneNazione AS comune_lavoro,
           try_cast(rapporto_DataInizio AS DATE) AS data_inizio,
           try_cast(rapporto_DataFine AS DATE) AS data_fine,
           rapporto_TipologiaContrattuale AS tipologia_contrattuale,
           rapporto_TipoOrario AS tipo_orario,
           try_cast(rapporto_Proroga_DataFine AS DATE) AS data_fine_proroga,
           rapporto_Trasformazione_CodiceTrasformazione AS codice_trasformazione,
           try_cast(rapporto_Trasformazione_Data AS DATE) AS data_trasformazione,
           rapporto_Cessazione_CodiceCausa AS causa_cessazione,
           try_cast(rapporto_Cessazione_Data AS DATE) AS data_cessazione,
           riga AS record_origine,
           year(coalesce(try_cast(rapporto_Cessazione_Data AS DATE), try_cast(rapporto_Trasformazione_Data AS DATE),
                         try_cast(rapporto_DataInizio AS DATE))) AS anno
    FROM checked WHERE motivo IS NULL
) TO '{{out}}/co_eventi' (FORMAT parquet, PARTITION_BY (anno), COMPRESSION zstd, OVERWRITE_OR_IGNORE);

COPY (
    SELECT invio_CodiceComunicazione AS codice_comunicazione, motivo, riga AS record_origine
    FROM checked WHERE motivo IS NOT NULL
) TO '{{out}}/quarantena.parquet' (FORMAT parquet, COMPRESSION zstd);
