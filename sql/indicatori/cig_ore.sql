-- indicatore: cig_ore
-- ordine: 200
-- titolo: Cassa integrazione: ore autorizzate e lavoratori equivalenti a zero ore
-- fonte: cig
-- additive: ore_autorizzate, ore_autorizzate_anno_precedente
-- dimensioni: tipo_intervento, settore, territorio
-- pubblico: si
-- parametri: divisore_ore = 170; livello_territorio
-- nota: Lavoratori equivalenti a zero ore (stima) = ore autorizzate ÷ ({divisore_ore} ore al mese × mesi del periodo); dati di livello {livello_territorio}.
--
-- The INPS open data on integrazioni salariali loaded with `oml ingest cig` (view cig; layouts in
-- docs/formato_cig.md), at one territorial level (see oml_cig_periodi in sql/macros/cig.sql):
--   ore_autorizzate                   hours authorised in the period (month of authorisation,
--                                     not of use); a month the file covers without a row is 0;
--   ore_autorizzate_anno_precedente   the same months a year earlier (when the lake covers them);
--   variazione_percentuale            (ore - ore a year earlier) / ore a year earlier x 100;
--   lavoratori_equivalenti            workers at zero hours (an estimate): ore / (divisore_ore x
--                                     months of the period), i.e. the average over the period of
--                                     the monthly ore / divisore_ore; divisore_ore = 170 hours a
--                                     month unless set (oml indicators --divisore-ore; the
--                                     DuckDB variable oml_divisore_ore), printed in its column.
-- Breakdowns: tipo_intervento (CIGO, CIGS, CIGD, FIS, ALTRI_FONDI, …), settore (the INPS
-- gestione or ramo: INDUSTRIA, EDILIZIA, …) and territorio (ISTAT code of the region or
-- province, IT). The values are public: every cell has the status pubblico.
WITH righe AS (
    SELECT * FROM oml_cig_periodi('cig', ['ore_autorizzate'])
),
celle AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)),
        coalesce(sum(valore) FILTER (WHERE corrente), 0) AS ore,
        CASE WHEN bool_and(confronto) THEN coalesce(sum(valore) FILTER (WHERE NOT corrente), 0) END AS ore_prima,
        any_value(mesi) AS mesi,
        any_value(livello_territorio) AS livello_territorio
    FROM righe
    GROUP BY ALL
),
divisore AS (
    SELECT coalesce(getvariable('oml_divisore_ore')::DOUBLE, 170) AS divisore_ore
)
SELECT * EXCLUDE (ore, ore_prima, mesi, divisore_ore, livello_territorio),
    unnest([
        {'misura': 'ore_autorizzate', 'valore': ore},
        {'misura': 'ore_autorizzate_anno_precedente', 'valore': ore_prima},
        {'misura': 'variazione_percentuale',
         'valore': oml_arrotonda(CASE WHEN ore_prima > 0 THEN (ore - ore_prima) / ore_prima * 100 END, 1)},
        {'misura': 'lavoratori_equivalenti', 'valore': oml_arrotonda(ore / (divisore_ore * mesi), 1)}
    ], recursive := true),
    NULL::BIGINT AS n_lavoratori, NULL::BIGINT AS n_datori,
    CASE WHEN divisore_ore = round(divisore_ore) THEN divisore_ore::BIGINT::VARCHAR
         ELSE divisore_ore::VARCHAR END AS divisore_ore,
    livello_territorio
FROM celle, divisore
ORDER BY ALL;
