-- indicatore: cig_lavoratori
-- ordine: 210
-- titolo: Cassa integrazione dai dati individuali: ore, tiraggio, lavoratori
-- fonte: cig_lavoratori
-- dimensioni: tipo_intervento, settore, ateco_sezione, sesso, classe_eta
-- additive: ore_autorizzate, ore_utilizzate, ore_autorizzate_con_utilizzo, lavoratori, lavoratori_zero_ore
-- parametri: divisore_ore = 170
-- rapporti: tiraggio = 100 * ore_utilizzate / ore_autorizzate_con_utilizzo; lavoratori_equivalenti = ore_autorizzate / (divisore_ore * mesi)
-- nota: Ore di un periodo di integrazione ripartite sui suoi giorni (ore × giorni nel periodo di riferimento ÷ giorni del periodo di integrazione). Tiraggio = ore utilizzate ÷ ore autorizzate dei soli periodi che riportano le ore utilizzate × 100.
-- nota: Lavoratori equivalenti a zero ore (stima) = ore autorizzate ÷ ({divisore_ore} ore al mese × mesi del periodo). Tiraggio e lavoratori equivalenti sono pubblicati solo dove lo sono le ore da cui derivano.
-- definizione: ore_autorizzate = ore di cassa integrazione autorizzate, ripartite sui giorni di ciascun periodo di integrazione.
-- definizione: ore_autorizzate_con_utilizzo = ore autorizzate dei soli periodi che riportano le ore utilizzate.
-- definizione: ore_utilizzate = ore di cassa integrazione effettivamente utilizzate, dove note.
-- definizione: tiraggio = ore utilizzate ÷ ore autorizzate dei periodi che riportano le ore utilizzate × 100.
-- definizione: lavoratori = persone distinte con almeno un giorno di cassa integrazione nel periodo.
-- definizione: lavoratori_zero_ore = di cui con almeno un giorno a zero ore (sospensione totale).
-- definizione: lavoratori_equivalenti = lavoratori equivalenti a zero ore (stima): ore autorizzate ÷ (ore al mese × mesi del periodo).
--
-- Workers in Cassa integrazione from the individual records (cig_lavoratori; layout in
-- docs/formato_cig_lavoratori.md). A record's hours are spread evenly over its days (both ends
-- included): a reporting period gets ore × (days of the record in the period) ÷ giorni, so
-- months add up to quarters and years (to the rounding of the published values, 1 decimal).
--   ore_autorizzate               authorised hours in the period;
--   ore_utilizzate                used hours, over the records that give them only;
--   ore_autorizzate_con_utilizzo  the authorised hours of those same records;
--   tiraggio                      take-up: 100 × ore_utilizzate ÷ ore_autorizzate_con_utilizzo
--                                 (not additive; absent when no record of the cell gives used
--                                 hours);
--   lavoratori                    distinct workers with at least one day in CIG in the period;
--   lavoratori_zero_ore           of whom with a day of a record at zero hours (zero_ore SI);
--   lavoratori_equivalenti        workers at zero hours (an estimate): ore_autorizzate ÷
--                                 (divisore_ore × months of the period), divisore_ore = 170 hours
--                                 a month unless set (--divisore-ore; oml_divisore_ore), printed
--                                 in its column as in cig_ore.
-- Breakdowns: tipo_intervento, the employer's sector (ateco_sezione from ateco_datore, settore
-- its ISTAT macro-sector), the worker's sex and age class. No territory: the records give the
-- comune of the productive unit, not mapped to a province here, so the territory filter does
-- not restrict this indicator (the lake holds the records of one observatory).
-- n_lavoratori / n_datori = distinct workers / employers behind the cell. The hour measures
-- return the two largest single-employer contributions (contributo_max_1, contributo_max_2),
-- so the dominance rule (--dominanza) acts on them; the worker counts return none.
-- tiraggio and lavoratori_equivalenti are ratios of hours (`rapporti:` header): they carry the
-- counts and the largest contributions of their hours (used hours for tiraggio, authorised hours
-- for the equivalents), so the threshold and the dominance rule suppress them with those hours;
-- and a ratio beside an hours cell withheld to protect another is withheld too (it would give
-- that cell back), by the same rule in `oml indicators` and in the bulletin.
WITH periodi AS (SELECT * FROM oml_periodi(oml_periodicita())),
-- Workers and employers as dense numbers (one bijection for the whole query): the distinct
-- counts below hash integers instead of 32-character pseudonyms (half the time on the demo).
-- A missing pseudonym stays missing, so the lists still skip it. Only the records that overlap the
-- span asked for are numbered (the periods cover it exactly).
numerati AS (
    SELECT * REPLACE (
        CASE WHEN id_lavoratore IS NOT NULL THEN dense_rank() OVER (ORDER BY id_lavoratore) END AS id_lavoratore,
        CASE WHEN id_datore IS NOT NULL THEN dense_rank() OVER (ORDER BY id_datore) END AS id_datore)
    FROM cig_lavoratori
    WHERE data_fine >= oml_dal() AND data_inizio <= oml_al()
),
divisore AS (
    SELECT coalesce(getvariable('oml_divisore_ore')::DOUBLE, 170) AS divisore_ore
),
-- The records of each period with the breakdowns asked for and their share of the period.
righe AS (
    SELECT COLUMNS(lambda c: c IN ('periodo', 'mesi') OR list_contains(oml_per(), c)),
        id_lavoratore, id_datore, zero_ore, ore_utilizzate IS NOT NULL AS con_utilizzo,
        ore_autorizzate * quota AS aut, ore_utilizzate * quota AS uti
    FROM (
        SELECT p.periodo,
            date_diff('month', date_trunc('month', p.inizio), date_trunc('month', p.fine)) + 1 AS mesi,
            (date_diff('day', greatest(c.data_inizio, p.inizio), least(c.data_fine, p.fine)) + 1)::DOUBLE
                / c.giorni AS quota,
            c.* REPLACE (
                coalesce(sesso, 'NON_INDICATO') AS sesso,
                coalesce(classe_eta, 'NON_INDICATO') AS classe_eta),
            coalesce(oml_ateco_sezione(c.ateco_datore), 'NON_INDICATO') AS ateco_sezione,
            oml_settore(oml_ateco_sezione(c.ateco_datore)) AS settore
        FROM periodi p
        JOIN numerati c ON c.data_inizio <= p.fine AND c.data_fine >= p.inizio
    )
),
-- One row per record and measure it counts in: hours for the hour measures, NULL for the counts.
voci AS (
    SELECT r.* EXCLUDE (aut, uti, con_utilizzo, zero_ore),
        unnest(list_filter([
            {'misura': 'ore_autorizzate', 'ore': aut},
            CASE WHEN con_utilizzo THEN {'misura': 'ore_utilizzate', 'ore': uti} END,
            CASE WHEN con_utilizzo THEN {'misura': 'ore_autorizzate_con_utilizzo', 'ore': aut} END,
            {'misura': 'lavoratori', 'ore': NULL::DOUBLE},
            CASE WHEN zero_ore THEN {'misura': 'lavoratori_zero_ore', 'ore': NULL::DOUBLE} END
        ], lambda v: v IS NOT NULL), recursive := true)
    FROM righe r
),
-- Each employer's contribution to a cell: its hours and its workers.
per_datore AS (
    SELECT COLUMNS(lambda c: c IN ('periodo', 'mesi', 'misura', 'id_datore') OR list_contains(oml_per(), c)),
        sum(ore) AS ore, list(DISTINCT id_lavoratore) AS lavoratori
    FROM voci
    GROUP BY ALL
),
-- Each cell's measures, as one list: the ratios read their hours from it.
celle AS (
    SELECT COLUMNS(lambda c: c IN ('periodo', 'mesi') OR list_contains(oml_per(), c)),
        list({'misura': misura, 'valore': valore, 'n_lavoratori': n_lavoratori, 'n_datori': n_datori,
              'top1': top1, 'top2': top2}) AS m
    FROM (
        SELECT * EXCLUDE (ore, t1, t2, lavoratori),
            length(list_distinct(lavoratori))::BIGINT AS n_lavoratori,
            CASE WHEN misura LIKE 'ore%' THEN ore ELSE length(list_distinct(lavoratori)) END::DOUBLE AS valore,
            CASE WHEN misura LIKE 'ore%' THEN t1 END AS top1,
            CASE WHEN misura LIKE 'ore%' THEN t2 END AS top2
        FROM (
            SELECT COLUMNS(lambda c: c IN ('periodo', 'mesi', 'misura') OR list_contains(oml_per(), c)),
                sum(ore) AS ore, flatten(list(lavoratori)) AS lavoratori,
                count(*)::BIGINT AS n_datori, max(ore) AS t1,
                coalesce(list_sort(list(ore), 'DESC')[2], 0) AS t2
            FROM per_datore
            GROUP BY ALL
        )
    )
    GROUP BY ALL
),
con_ore AS (
    SELECT c.*, d.divisore_ore,
        list_filter(m, lambda x: x.misura = 'ore_autorizzate')[1] AS a,
        list_filter(m, lambda x: x.misura = 'ore_utilizzate')[1] AS u,
        list_filter(m, lambda x: x.misura = 'ore_autorizzate_con_utilizzo')[1] AS ac
    FROM celle c, divisore d
),
-- The ratios carry the counts of their hours and the largest contributions scaled as the value,
-- so the threshold and the dominance rule judge them as those hours.
misure AS (
    SELECT * EXCLUDE (m, a, u, ac, mesi, divisore_ore),
        unnest(list_filter(m || [
            CASE WHEN ac.valore > 0 THEN {'misura': 'tiraggio', 'valore': 100 * u.valore / ac.valore,
                'n_lavoratori': u.n_lavoratori, 'n_datori': u.n_datori,
                'top1': 100 * u.top1 / ac.valore, 'top2': 100 * u.top2 / ac.valore} END,
            {'misura': 'lavoratori_equivalenti', 'valore': a.valore / (divisore_ore * mesi),
                'n_lavoratori': a.n_lavoratori, 'n_datori': a.n_datori,
                'top1': a.top1 / (divisore_ore * mesi), 'top2': a.top2 / (divisore_ore * mesi)}
        ], lambda x: x IS NOT NULL), recursive := true),
        CASE WHEN divisore_ore = round(divisore_ore) THEN divisore_ore::BIGINT::VARCHAR
             ELSE divisore_ore::VARCHAR END AS divisore_ore
    FROM con_ore
)
SELECT * EXCLUDE (valore, top1, top2), oml_arrotonda(valore, 1) AS valore,
    top1 AS contributo_max_1, top2 AS contributo_max_2
FROM misure
ORDER BY ALL;
