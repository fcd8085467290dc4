-- indicatore: qwi
-- ordine: 90
-- titolo: Indicatori QWI (Quarterly Workforce Indicators) per trimestre
-- fonte: rapporti_dim
-- contributori: liste
-- trimestrale: si
-- additive: Emp, EmpEnd, EmpS, EmpTotal, HirA, HirN, HirR, Sep, HirAEnd, SepBeg, FrmJbC
-- con_segno: FrmJbC
-- identita: EmpEnd = Emp + HirAEnd - SepBeg; FrmJbC = EmpEnd - Emp; EmpTotal = Emp + HirA; HirA = HirN + HirR
--
-- The US Census LEHD Quarterly Workforce Indicators, adapted to daily CO data. A job is a
-- relationship (worker x employer x data_inizio); t is a calendar quarter with first day q0 and
-- last day q1; "spans the start" means in force at the end of day q0-1 (started by q0-1, ended on
-- or after q0), "spans the end" means in force at the end of day q1 (started by q1, ended after q1).
--   Emp       jobs spanning the start of t (beginning-of-quarter employment);
--   EmpEnd    jobs spanning the end of t, so Emp(t+1) = EmpEnd(t) exactly;
--   EmpS      jobs spanning both (full-quarter, "stable" employment);
--   EmpTotal  jobs in force on at least one day of t (= Emp + HirA);
--   HirA      hires: jobs starting in t;
--   HirN      new hires: HirA with no job at the same employer in force during the four
--             previous quarters (NULL, i.e. not available, while those quarters precede the
--             lake's coverage);  HirR = HirA - HirN (recalls);
--   Sep       separations: jobs ending in t (communicated or imputed cessazioni);
--   HirAEnd   hires in t spanning its end;  SepBeg  jobs spanning the start that end in t;
--             identity: EmpEnd = Emp + HirAEnd - SepBeg;
--   FrmJbGn / FrmJbLs  sum over employers (within the cell) of max(0, EmpEnd - Emp) and
--             max(0, Emp - EmpEnd);  FrmJbC = FrmJbGn - FrmJbLs = EmpEnd - Emp;
--   HirAS     hires of t-1 that span the end of t (became full-quarter in t);
--   SepS      jobs that spanned all of t-1 and end in t (full-quarter separations);
--   TurnOvrS  (HirAS + SepS) / (2 x EmpS), full-quarter turnover (ratio, not additive).
-- A measure that is 0 in a cell has no row (FrmJb* and TurnOvrS have one wherever the cell has jobs).
-- The oml_periodicita variable is ignored: QWI are quarterly. Contributors of FrmJb* are those
-- of EmpTotal. FrmJbGn / FrmJbLs are not additive across breakdowns (an employer's gain in one
-- contract nets against its loss in another in the total); FrmJbC is.
WITH trimestri AS (
    SELECT periodo, inizio AS q0, fine AS q1,
           (inizio - INTERVAL 3 MONTH)::DATE AS p0,          -- first day of t-1
           (inizio - INTERVAL 12 MONTH)::DATE AS lb0          -- first day of t-4
    FROM oml_periodi('trimestre')
),
storia AS (
    -- For each job, the latest end among the jobs at the same employer started in earlier quarters.
    -- Only the columns needed downstream go through the window (it materialises its input).
    SELECT COLUMNS(lambda c: list_contains(oml_per(), c)
                   OR c IN ('id_rapporto', 'id_lavoratore', 'id_datore', 'id_lavoratore_num', 'id_datore_num',
                            'data_inizio', 'fine_o_aperto')),
        max(fine_o_aperto) OVER (
            PARTITION BY id_lavoratore_num, id_datore_num ORDER BY year(data_inizio) * 4 + quarter(data_inizio)
            RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS fine_precedente
    FROM rapporti_dim
),
-- Read twice (per_datore, righe): NOT MATERIALIZED, so DuckDB does not keep it whole in memory.
base AS NOT MATERIALIZED (
    SELECT t.periodo, r.*,
        r.data_inizio < t.q0 AND r.fine_o_aperto >= t.q0 AS emp,
        r.data_inizio <= t.q1 AND r.fine_o_aperto > t.q1 AS empend,
        r.data_inizio BETWEEN t.q0 AND t.q1 AS hira,
        r.data_inizio BETWEEN t.q0 AND t.q1 AND coalesce(r.fine_precedente < t.lb0, true) AS hirn,
        r.fine_o_aperto BETWEEN t.q0 AND t.q1 AS sep,
        r.data_inizio BETWEEN t.p0 AND t.q0 - 1 AND r.fine_o_aperto > t.q1 AS hiras,
        r.data_inizio < t.p0 AND r.fine_o_aperto BETWEEN t.q0 AND t.q1 AS seps,
        t.lb0 >= coalesce(oml_inizio_copertura(), DATE '1900-01-01') AS lookback_completo
    FROM trimestri t JOIN storia r
      ON r.data_inizio <= t.q1 AND r.fine_o_aperto >= t.p0
),
per_datore AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)), id_datore_num,
        count(*) FILTER (WHERE emp) AS e0, count(*) FILTER (WHERE empend) AS e1
    FROM base GROUP BY ALL
),
flussi_datore AS (
    SELECT * EXCLUDE (id_datore_num, e0, e1),
        sum(greatest(e1 - e0, 0)) AS gn, sum(greatest(e0 - e1, 0)) AS ls
    FROM per_datore GROUP BY ALL
),
-- One row per job, quarter and measure it counts in: one aggregation with two distinct counts,
-- instead of one filtered distinct count per measure (far less memory).
righe AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)), id_lavoratore, id_datore,
        id_lavoratore_num, id_datore_num, lookback_completo,
        unnest(list_filter([
            CASE WHEN emp THEN 'Emp' END,
            CASE WHEN empend THEN 'EmpEnd' END,
            CASE WHEN emp AND empend THEN 'EmpS' END,
            CASE WHEN emp OR hira THEN 'EmpTotal' END,
            CASE WHEN hira THEN 'HirA' END,
            CASE WHEN hira AND hirn THEN 'HirN' END,
            CASE WHEN hira AND NOT hirn THEN 'HirR' END,
            CASE WHEN sep AND (emp OR hira) THEN 'Sep' END,
            CASE WHEN hira AND empend THEN 'HirAEnd' END,
            CASE WHEN emp AND sep THEN 'SepBeg' END
        ], lambda m: m IS NOT NULL)) AS misura
    FROM base
),
per_misura AS (
    SELECT COLUMNS(lambda c: c IN ('periodo', 'misura') OR list_contains(oml_per(), c)),
        count(*) AS n, count(DISTINCT id_lavoratore) AS l, count(DISTINCT id_datore) AS d,
        oml_chiave_cella(id_lavoratore) AS k,
        bool_and(lookback_completo) AS lookback
    FROM righe GROUP BY ALL
),
turnover AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)),
        count(*) FILTER (WHERE hiras) AS hiras, count(*) FILTER (WHERE seps) AS seps,
        count(*) FILTER (WHERE emp AND empend) AS emps
    FROM base GROUP BY ALL
),
totale AS (SELECT * EXCLUDE (misura, lookback) FROM per_misura WHERE misura = 'EmpTotal'),
stabili AS (SELECT * EXCLUDE (misura, lookback) FROM per_misura WHERE misura = 'EmpS')
SELECT * EXCLUDE (n, l, d, k, lookback),
    CASE WHEN misura IN ('HirN', 'HirR') AND NOT lookback THEN NULL ELSE n::DOUBLE END AS valore,
    l AS n_lavoratori, d AS n_datori, k AS chiave_cella
FROM per_misura
UNION ALL BY NAME
SELECT * EXCLUDE (gn, ls, n, l, d, k),
    unnest([
        {'misura': 'FrmJbGn', 'valore': gn::DOUBLE, 'n_lavoratori': l, 'n_datori': d, 'chiave_cella': k},
        {'misura': 'FrmJbLs', 'valore': ls::DOUBLE, 'n_lavoratori': l, 'n_datori': d, 'chiave_cella': k},
        {'misura': 'FrmJbC', 'valore': (gn - ls)::DOUBLE, 'n_lavoratori': l, 'n_datori': d, 'chiave_cella': k}
    ], recursive := true)
FROM flussi_datore NATURAL JOIN totale
UNION ALL BY NAME
SELECT * EXCLUDE (hiras, seps, emps, n, l, d, k),
    'TurnOvrS' AS misura,
    CASE WHEN emps > 0 THEN oml_arrotonda((hiras + seps) / (2.0 * emps), 4) END AS valore,
    l AS n_lavoratori, d AS n_datori, k AS chiave_cella
FROM turnover NATURAL JOIN stabili
ORDER BY ALL;
