-- The INPS cassa integrazione open data (view cig) by period, for the cig_* indicators.
-- oml_cig_periodi('cig', misure): the values of the given measures (never added across misura) at
-- one territorial level (variable oml_livello_territorio: 'italia' | 'regione' | 'provincia';
-- default the finest the view holds for those measures, so that no territory is counted twice),
-- each with the period it falls in (corrente) or, for the year-on-year comparison, the period a
-- year later it compares with (NOT corrente). Periods run from oml_dal to oml_al (default: the
-- months the data cover) by oml_periodicita; a month belongs to the period it overlaps.
-- A loaded file covers every month from its first to its last (INPS omits zero cells, so a
-- month without rows inside that span is a zero); a period is returned only when all its months
-- are covered (mesi = mesi_dati), and the comparison only when all the months a year earlier
-- are too (confronto). The relation is a parameter (the view `cig`) because
-- the views are created after the macros.
CREATE OR REPLACE MACRO oml_cig_periodi(relazione, misure) AS TABLE
WITH scelte AS (
    SELECT * FROM query_table(relazione) WHERE list_contains(misure, misura)
),
livello AS (
    SELECT coalesce(getvariable('oml_livello_territorio')::VARCHAR,
        CASE WHEN bool_or(livello_territorio = 'provincia') THEN 'provincia'
             WHEN bool_or(livello_territorio = 'regione') THEN 'regione'
             ELSE 'italia' END) AS livello
    FROM scelte
),
dati AS (
    SELECT make_date(s.anno::INTEGER, s.mese::INTEGER, 1) AS mese_dato, s.id_caricamento,
        l.livello AS livello_territorio, s.tipo_intervento, s.settore, s.territorio, s.misura, s.valore
    FROM scelte s JOIN livello l ON s.livello_territorio = l.livello
),
coperti AS (
    SELECT DISTINCT unnest(generate_series(min(mese_dato)::TIMESTAMP, max(mese_dato)::TIMESTAMP, INTERVAL 1 MONTH))::DATE AS mese_dato
    FROM dati GROUP BY id_caricamento
),
estremi AS (
    SELECT coalesce(getvariable('oml_dal')::DATE, min(mese_dato)) AS dal,
        coalesce(getvariable('oml_al')::DATE, last_day(max(mese_dato))) AS al
    FROM coperti
),
mesi AS (
    SELECT m::DATE AS mese_dato, oml_periodo(m::DATE, oml_periodicita()) AS periodo
    FROM estremi, range(date_trunc('month', dal)::TIMESTAMP, al::TIMESTAMP + INTERVAL 1 DAY, INTERVAL 1 MONTH) t(m)
),
periodi AS (
    SELECT m.periodo, count(*) AS mesi, count(c.mese_dato) AS mesi_dati,
        count(p.mese_dato) AS mesi_dati_prima, min(m.mese_dato) AS primo, max(m.mese_dato) AS ultimo
    FROM mesi m
    LEFT JOIN coperti c ON c.mese_dato = m.mese_dato
    LEFT JOIN coperti p ON p.mese_dato = (m.mese_dato - INTERVAL 1 YEAR)::DATE
    GROUP BY m.periodo
)
SELECT p.periodo, p.mesi, p.mesi_dati_prima = p.mesi AS confronto, d.livello_territorio,
    d.tipo_intervento, d.settore, d.territorio, d.misura, d.valore,
    d.mese_dato BETWEEN p.primo AND p.ultimo AS corrente
FROM periodi p JOIN dati d
  ON d.mese_dato BETWEEN p.primo AND p.ultimo
  OR d.mese_dato BETWEEN (p.primo - INTERVAL 1 YEAR)::DATE AND (p.ultimo - INTERVAL 1 YEAR)::DATE
WHERE p.mesi_dati = p.mesi;
