-- indicatore: qwi
-- titolo: Indicatori QWI (Quarterly Workforce Indicators) per trimestre
-- fonte: rapporti_dim
-- trimestrale: si
-- additive: Emp, EmpEnd, EmpS, EmpTotal, HirA, HirN, HirR, Sep, HirAEnd, SepBeg, FrmJbC
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
                   OR c IN ('id_rapporto', 'id_lavoratore', 'id_datore', 'data_inizio', 'fine_o_aperto')),
        max(fine_o_aperto) OVER (
            PARTITION BY id_lavoratore, id_datore ORDER BY year(data_inizio) * 4 + quarter(data_inizio)
            RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS fine_precedente
    FROM rapporti_dim
),
base AS (
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
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)), id_datore,
        count(*) FILTER (WHERE emp) AS e0, count(*) FILTER (WHERE empend) AS e1
    FROM base GROUP BY ALL
),
flussi_datore AS (
    SELECT * EXCLUDE (id_datore, e0, e1),
        sum(greatest(e1 - e0, 0)) AS gn, sum(greatest(e0 - e1, 0)) AS ls
    FROM per_datore GROUP BY ALL
),
celle AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)),
        count(*) FILTER (WHERE emp) AS emp, count(DISTINCT id_lavoratore) FILTER (WHERE emp) AS emp_l, count(DISTINCT id_datore) FILTER (WHERE emp) AS emp_d,
        count(*) FILTER (WHERE empend) AS empend, count(DISTINCT id_lavoratore) FILTER (WHERE empend) AS empend_l, count(DISTINCT id_datore) FILTER (WHERE empend) AS empend_d,
        count(*) FILTER (WHERE emp AND empend) AS emps, count(DISTINCT id_lavoratore) FILTER (WHERE emp AND empend) AS emps_l, count(DISTINCT id_datore) FILTER (WHERE emp AND empend) AS emps_d,
        count(*) FILTER (WHERE emp OR hira) AS emptot, count(DISTINCT id_lavoratore) FILTER (WHERE emp OR hira) AS emptot_l, count(DISTINCT id_datore) FILTER (WHERE emp OR hira) AS emptot_d,
        count(*) FILTER (WHERE hira) AS hira, count(DISTINCT id_lavoratore) FILTER (WHERE hira) AS hira_l, count(DISTINCT id_datore) FILTER (WHERE hira) AS hira_d,
        count(*) FILTER (WHERE hira AND hirn) AS hirn, count(DISTINCT id_lavoratore) FILTER (WHERE hira AND hirn) AS hirn_l, count(DISTINCT id_datore) FILTER (WHERE hira AND hirn) AS hirn_d,
        count(*) FILTER (WHERE hira AND NOT hirn) AS hirr, count(DISTINCT id_lavoratore) FILTER (WHERE hira AND NOT hirn) AS hirr_l, count(DISTINCT id_datore) FILTER (WHERE hira AND NOT hirn) AS hirr_d,
        bool_and(lookback_completo) AS lookback,
        count(*) FILTER (WHERE sep AND (emp OR hira)) AS sep, count(DISTINCT id_lavoratore) FILTER (WHERE sep AND (emp OR hira)) AS sep_l, count(DISTINCT id_datore) FILTER (WHERE sep AND (emp OR hira)) AS sep_d,
        count(*) FILTER (WHERE hira AND empend) AS hiraend, count(DISTINCT id_lavoratore) FILTER (WHERE hira AND empend) AS hiraend_l, count(DISTINCT id_datore) FILTER (WHERE hira AND empend) AS hiraend_d,
        count(*) FILTER (WHERE emp AND sep) AS sepbeg, count(DISTINCT id_lavoratore) FILTER (WHERE emp AND sep) AS sepbeg_l, count(DISTINCT id_datore) FILTER (WHERE emp AND sep) AS sepbeg_d,
        count(*) FILTER (WHERE hiras) AS hiras, count(*) FILTER (WHERE seps) AS seps
    FROM base GROUP BY ALL
)
SELECT c.* EXCLUDE (emp, emp_l, emp_d, empend, empend_l, empend_d, emps, emps_l, emps_d, emptot, emptot_l, emptot_d,
                    hira, hira_l, hira_d, hirn, hirn_l, hirn_d, hirr, hirr_l, hirr_d, lookback, sep, sep_l, sep_d,
                    hiraend, hiraend_l, hiraend_d, sepbeg, sepbeg_l, sepbeg_d, hiras, seps),
    unnest([
        {'misura': 'Emp', 'valore': emp::DOUBLE, 'n_lavoratori': emp_l, 'n_datori': emp_d},
        {'misura': 'EmpEnd', 'valore': empend::DOUBLE, 'n_lavoratori': empend_l, 'n_datori': empend_d},
        {'misura': 'EmpS', 'valore': emps::DOUBLE, 'n_lavoratori': emps_l, 'n_datori': emps_d},
        {'misura': 'EmpTotal', 'valore': emptot::DOUBLE, 'n_lavoratori': emptot_l, 'n_datori': emptot_d},
        {'misura': 'HirA', 'valore': hira::DOUBLE, 'n_lavoratori': hira_l, 'n_datori': hira_d},
        {'misura': 'HirN', 'valore': CASE WHEN lookback THEN hirn::DOUBLE END, 'n_lavoratori': hirn_l, 'n_datori': hirn_d},
        {'misura': 'HirR', 'valore': CASE WHEN lookback THEN hirr::DOUBLE END, 'n_lavoratori': hirr_l, 'n_datori': hirr_d},
        {'misura': 'Sep', 'valore': sep::DOUBLE, 'n_lavoratori': sep_l, 'n_datori': sep_d},
        {'misura': 'HirAEnd', 'valore': hiraend::DOUBLE, 'n_lavoratori': hiraend_l, 'n_datori': hiraend_d},
        {'misura': 'SepBeg', 'valore': sepbeg::DOUBLE, 'n_lavoratori': sepbeg_l, 'n_datori': sepbeg_d},
        {'misura': 'FrmJbGn', 'valore': f.gn::DOUBLE, 'n_lavoratori': emptot_l, 'n_datori': emptot_d},
        {'misura': 'FrmJbLs', 'valore': f.ls::DOUBLE, 'n_lavoratori': emptot_l, 'n_datori': emptot_d},
        {'misura': 'FrmJbC', 'valore': (f.gn - f.ls)::DOUBLE, 'n_lavoratori': emptot_l, 'n_datori': emptot_d},
        {'misura': 'TurnOvrS', 'valore': CASE WHEN emps > 0 THEN round((hiras + seps) / (2.0 * emps), 4) END,
         'n_lavoratori': emps_l, 'n_datori': emps_d}
    ], recursive := true)
FROM celle c NATURAL JOIN flussi_datore f
ORDER BY ALL;
