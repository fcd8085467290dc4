-- Helpers for the measures of the indicators.

-- Rounding of published averages and shares: half away from zero on the decimal value, the
-- same in every DuckDB release. round() on a DOUBLE differs between releases on ties:
-- round(94.05, 1) is 94.1 in DuckDB 1.5 and 94.0 in 2.0 (which rounds the binary double).
CREATE OR REPLACE MACRO oml_arrotonda(x, cifre) AS round(x::DECIMAL(38, 9), cifre)::DOUBLE;
-- What the binary puts in its place in a file whose measures it rounds itself after summing
-- them (`-- arrotondate:` header, src/analytics/cube.rs): the value, unrounded.
CREATE OR REPLACE MACRO oml_arrotonda_liste(x, cifre) AS x::DOUBLE;

-- A value that is itself a count of the cell's distinct contributors (`-- distinti:` header of
-- an indicator): the count. oml_distinti_liste is what the binary puts in its place when it runs
-- the file with the contributors listed (src/analytics/cube.rs), and fills the value from them.
CREATE OR REPLACE MACRO oml_distinti(x) AS x::DOUBLE;
CREATE OR REPLACE MACRO oml_distinti_liste(x) AS NULL::DOUBLE;
-- A value divided by a count of distinct contributors (`-- per_distinti:` header), rounded to
-- `cifre` places; oml_per_distinti_liste is what the binary puts in its place when it lists the
-- contributors: the numerator, which it divides by the count it makes from the lists.
CREATE OR REPLACE MACRO oml_per_distinti(x, d, cifre) AS oml_arrotonda(x / d, cifre);
CREATE OR REPLACE MACRO oml_per_distinti_liste(x, d, cifre) AS x::DOUBLE;

-- Whether the binary derives the measure itself from its members (`-- unioni:` header of an
-- indicator: value = the signed sum of the members', contributors = the union of theirs), so the
-- file skips it (SET VARIABLE oml_unioni = ['saldo'] while the contributors are listed,
-- src/analytics/cube.rs). Unset, as in the DuckDB CLI, the file computes every measure.
CREATE OR REPLACE MACRO oml_da_unire(misura) AS
    list_contains(coalesce(getvariable('oml_unioni')::VARCHAR[], []::VARCHAR[]), misura);

-- Weight of a day of work in full-time equivalents: part-time by weekly hours over 40 (0.5
-- when the hours are missing); full-time, 'N' (non definito, e.g. intermittent) and unknown count 1.
CREATE OR REPLACE MACRO oml_peso_orario(tipo_orario, ore) AS CASE
    WHEN tipo_orario IN ('P', 'V', 'M') THEN coalesce(least(ore, 40.0) / 40.0, 0.5)
    ELSE 1.0 END;

-- Class of the actual duration of a relationship in days (both ends included), as in the Ministry
-- of Labour's annual CO report: 1 day, 2–3, 4–30, 31–90, 91–365, more than 365; non_nota when
-- the start is unknown.
CREATE OR REPLACE MACRO oml_classe_durata(giorni) AS CASE
    WHEN giorni IS NULL THEN 'non_nota'
    WHEN giorni <= 1 THEN '1'
    WHEN giorni <= 3 THEN '2_3'
    WHEN giorni <= 30 THEN '4_30'
    WHEN giorni <= 90 THEN '31_90'
    WHEN giorni <= 365 THEN '91_365'
    ELSE 'oltre_365' END;
