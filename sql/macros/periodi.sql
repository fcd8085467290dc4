-- Periods and parameters of the indicators.
-- The indicator files in sql/indicatori/ read four DuckDB variables, so that each file runs
-- as is from the DuckDB CLI (defaults: the whole lake, by year, no breakdown) and the binary
-- only sets them (`oml indicators NAME --by … --period …`):
--   SET VARIABLE oml_dal = DATE '2024-01-01';  SET VARIABLE oml_al = DATE '2024-12-31';
--   SET VARIABLE oml_periodicita = 'trimestre';   -- 'mese' | 'trimestre' | 'anno'
--   SET VARIABLE oml_per = ['cpi', 'macro_contratto'];   -- breakdown columns (dimensions)
-- Dates follow docs/convenzioni.md: inclusive; a position is in the stock at the end of day t
-- if data_inizio <= t and it has not ended by t (fine > t, or still open); a contract segment
-- is in it if inizio_segmento <= t < uscita_segmento.

-- Horizon and coverage of the last `oml build` (NULL before the first build).
CREATE OR REPLACE MACRO oml_orizzonte() AS {{orizzonte}};
CREATE OR REPLACE MACRO oml_inizio_copertura() AS {{inizio_copertura}};
CREATE OR REPLACE MACRO oml_dal() AS coalesce(getvariable('oml_dal')::DATE, oml_inizio_copertura(), DATE '2000-01-01');
CREATE OR REPLACE MACRO oml_al() AS coalesce(getvariable('oml_al')::DATE, oml_orizzonte(), DATE '2000-12-31');
CREATE OR REPLACE MACRO oml_per() AS coalesce(getvariable('oml_per')::VARCHAR[], []::VARCHAR[]);
CREATE OR REPLACE MACRO oml_periodicita() AS coalesce(getvariable('oml_periodicita')::VARCHAR, 'anno');
-- The label of the period a day belongs to: '2024-03', '2024-Q1' or '2024'. The indicators label
-- every event: the year as year(d) in text and the quarter from a list cost about half of
-- strftime and a concatenation (20 million days by quarter: 1.15 -> 0.62 s, by year 0.56 -> 0.36
-- s; strftime stays for the years before 1000, which it writes with four digits).
CREATE OR REPLACE MACRO oml_anno_testo(d) AS
    CASE WHEN d >= DATE '1000-01-01' THEN year(d)::VARCHAR ELSE strftime(d, '%Y') END;
CREATE OR REPLACE MACRO oml_periodo(d, periodicita) AS CASE periodicita
    WHEN 'mese' THEN strftime(d, '%Y-%m')
    WHEN 'trimestre' THEN oml_anno_testo(d) || ['-Q1', '-Q2', '-Q3', '-Q4'][quarter(d)]
    ELSE oml_anno_testo(d) END;
-- First and last day of the period a day belongs to.
CREATE OR REPLACE MACRO oml_inizio_periodo(d, periodicita) AS CASE periodicita
    WHEN 'mese' THEN date_trunc('month', d)::DATE
    WHEN 'trimestre' THEN date_trunc('quarter', d)::DATE
    ELSE date_trunc('year', d)::DATE END;
CREATE OR REPLACE MACRO oml_fine_periodo(d, periodicita) AS CASE periodicita
    WHEN 'mese' THEN (date_trunc('month', d) + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE
    WHEN 'trimestre' THEN (date_trunc('quarter', d) + INTERVAL 3 MONTH - INTERVAL 1 DAY)::DATE
    ELSE (date_trunc('year', d) + INTERVAL 1 YEAR - INTERVAL 1 DAY)::DATE END;
-- The periods between oml_dal() and oml_al(), clipped to them.
CREATE OR REPLACE MACRO oml_periodi(periodicita) AS TABLE
    SELECT oml_periodo(g::DATE, periodicita) AS periodo,
           greatest(min(g)::DATE, oml_dal()) AS inizio, least(max(g)::DATE, oml_al()) AS fine
    FROM range(oml_dal()::TIMESTAMP, oml_al()::TIMESTAMP + INTERVAL 1 DAY, INTERVAL 1 DAY) t(g)
    GROUP BY 1;

-- The level of the areas (indicators pendolarismo, pendolarismo_od, matrice_transizioni), checked:
-- SET VARIABLE oml_livello = 'comune' | 'cpi' | 'provincia' (default comune); `indicatore` names
-- the file in the error.
CREATE OR REPLACE MACRO oml_livello(indicatore) AS CASE
    WHEN coalesce(getvariable('oml_livello')::VARCHAR, 'comune') IN ('comune', 'cpi', 'provincia')
        THEN coalesce(getvariable('oml_livello')::VARCHAR, 'comune')
    ELSE error(indicatore || ': livello must be comune, cpi or provincia, not '
        || getvariable('oml_livello')::VARCHAR) END;
-- The positions of a relation (a view name: 'rapporti_dim') in force at the end of each period
-- (started by its last day, not ended by it), with the area of the workplace and of the worker's
-- domicile at `livello`: its comune, CPI or province, the domicile's from the same tables as the
-- workplace's (oml_comuni_territorio); NULL when not known. Two branches, one pruned by the
-- folded level: comuni need no join (two joins of every position for nothing: 1.7 s of CPU on the
-- national year by quarter), and CPIs and provinces are joined once per relationship, not once
-- per relationship and period.
CREATE OR REPLACE MACRO oml_posizioni_aree(relazione, livello) AS TABLE
    SELECT p.periodo, r.*
    FROM oml_periodi(oml_periodicita()) p
    JOIN (
        SELECT r.*, r.comune_lavoro AS area_lavoro, r.comune_domicilio AS area_domicilio
        FROM query_table(relazione) r
        WHERE livello = 'comune'
        UNION ALL BY NAME
        SELECT r.*,
            CASE livello WHEN 'provincia' THEN tl.provincia ELSE tl.cpi END AS area_lavoro,
            CASE livello WHEN 'provincia' THEN td.provincia ELSE td.cpi END AS area_domicilio
        FROM query_table(relazione) r
        LEFT JOIN oml_comuni_territorio() tl ON tl.comune = r.comune_lavoro
        LEFT JOIN oml_comuni_territorio() td ON td.comune = r.comune_domicilio
        WHERE livello <> 'comune'
    ) r ON r.data_inizio <= p.fine AND r.fine_o_aperto > p.fine;
