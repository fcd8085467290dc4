-- indicatore: pendolarismo
-- ordine: 110
-- titolo: Pendolarismo: posizioni di lavoro per comune di domicilio e comune della sede di lavoro
-- fonte: rapporti_dim
-- margini: somma
-- unioni: saldo_pendolare = in_entrata - in_uscita; occupati_residenti = interni + in_uscita; posti_di_lavoro = interni + in_entrata + domicilio_non_indicato
-- decimali: 1
-- additive: interni, in_entrata, in_uscita, saldo_pendolare, occupati_residenti, posti_di_lavoro, domicilio_non_indicato
-- con_segno: saldo_pendolare
-- identita: saldo_pendolare = in_entrata - in_uscita; occupati_residenti = interni + in_uscita; posti_di_lavoro = interni + in_entrata + domicilio_non_indicato
-- rapporti: autocontenimento = 100 * interni / occupati_residenti; autosufficienza = 100 * interni / posti_di_lavoro
-- dimensioni: area, settore, ateco_sezione, macro_contratto, sesso, classe_eta, area_cittadinanza
-- parametri: livello = comune
-- nota: Aree di livello {livello}: comune, CPI o provincia, del domicilio del lavoratore indicato nella comunicazione e della sede di lavoro.
-- definizione: interni = posizioni di lavoro a fine periodo con domicilio del lavoratore e sede di lavoro nella stessa area.
-- definizione: in_entrata = posizioni con sede di lavoro nell'area e lavoratore domiciliato in un'altra area.
-- definizione: in_uscita = posizioni di lavoratori domiciliati nell'area con sede di lavoro in un'altra area (tra quelle delle comunicazioni del lago).
-- definizione: saldo_pendolare = in entrata − in uscita.
-- definizione: occupati_residenti = posizioni di lavoratori domiciliati nell'area: interni + in uscita.
-- definizione: posti_di_lavoro = posizioni con sede di lavoro nell'area: interni + in entrata + domicilio non indicato.
-- definizione: domicilio_non_indicato = posizioni con sede di lavoro nell'area e domicilio non indicato o all'estero.
-- definizione: autocontenimento = quota % degli occupati residenti che lavorano nell'area (interni ÷ occupati residenti).
-- definizione: autosufficienza = quota % dei posti di lavoro dell'area occupati da residenti (interni ÷ posti di lavoro).
--
-- Commuting between the worker's domicile (comune_domicilio, as the communication gives it) and
-- the workplace (comune_lavoro), over the positions in force at the end of each period (as
-- posizioni: started by its last day, not ended by it), in the spirit of ISTAT's commuting
-- matrix and of the LEHD OnTheMap inflow/outflow. The area of each side is its comune, CPI or
-- province (parameter livello; the territory of a domicile comes from the same tables as the
-- workplace's, macro oml_comuni_territorio). Breakdown `area` is the area the measure is about;
-- the other breakdowns describe the position (its sector, contract, worker). A position
-- counts at its workplace area (interni, in_entrata, or domicilio_non_indicato) and, when the
-- two areas differ, at its domicile area (in_uscita). The lake holds the communications loaded
-- into it, filtered by the territory (--province: of the workplace, or of the domicile with
-- --geografia residenza): in_uscita counts only the workplaces among them, so for a province's
-- own lake the outflow to other provinces is not observed.
WITH posizioni AS (SELECT * FROM oml_posizioni_aree('rapporti_dim', oml_livello('pendolarismo'))),
-- Each position at its workplace area, and once more at its domicile area when they differ
-- (period first: the result is ordered by period, then by the breakdown).
-- Read twice: NOT MATERIALIZED, so DuckDB does not keep it whole in memory (national year:
-- 95 s and 11.8 GB instead of 119 s and 14.3 GB).
lati AS NOT MATERIALIZED (
    SELECT periodo, coalesce(area_lavoro, 'NON_INDICATO') AS area,
        CASE WHEN area_domicilio IS NULL THEN 'domicilio_non_indicato'
             WHEN area_domicilio = area_lavoro THEN 'interni' ELSE 'in_entrata' END AS tipo, * EXCLUDE (periodo)
    FROM posizioni
    UNION ALL
    SELECT periodo, area_domicilio, 'in_uscita', * EXCLUDE (periodo) FROM posizioni
    WHERE area_domicilio IS NOT NULL AND area_domicilio IS DISTINCT FROM area_lavoro
),
per_tipo AS (
    SELECT COLUMNS(lambda c: c IN ('periodo', 'tipo') OR list_contains(oml_per(), c)),
        count(*) AS n, count(DISTINCT id_lavoratore) AS l, count(DISTINCT id_datore) AS d,
        oml_chiave_cella(id_lavoratore) AS k
    FROM lati GROUP BY ALL
),
-- The sums of kinds, with the contributors of all the positions behind them.
somme AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)), s.tipo,
        sum(CASE WHEN s.tipo = 'saldo_pendolare' AND lati.tipo = 'in_uscita' THEN -1 ELSE 1 END) AS n,
        count(DISTINCT id_lavoratore) AS l, count(DISTINCT id_datore) AS d,
        oml_chiave_cella(id_lavoratore) AS k
    FROM lati
    JOIN (VALUES ('saldo_pendolare', ['in_entrata', 'in_uscita']),
                 ('occupati_residenti', ['interni', 'in_uscita']),
                 ('posti_di_lavoro', ['interni', 'in_entrata', 'domicilio_non_indicato'])) s(tipo, membri)
        ON list_contains(s.membri, lati.tipo) AND NOT oml_da_unire(s.tipo)
    GROUP BY ALL
),
conteggi AS (SELECT * FROM per_tipo UNION ALL BY NAME SELECT * FROM somme),
-- The ratios, from the counts of the same cell where the denominator is above zero, with the
-- denominator's contributors (withheld with their members: `rapporti:` header).
rapporti AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)),
        sum(n) FILTER (WHERE tipo = 'interni') AS n_int,
        sum(n) FILTER (WHERE tipo = 'occupati_residenti') AS n_res,
        sum(n) FILTER (WHERE tipo = 'posti_di_lavoro') AS n_posti,
        max(l) FILTER (WHERE tipo = 'occupati_residenti') AS l_res, max(d) FILTER (WHERE tipo = 'occupati_residenti') AS d_res,
        max(l) FILTER (WHERE tipo = 'posti_di_lavoro') AS l_posti, max(d) FILTER (WHERE tipo = 'posti_di_lavoro') AS d_posti
    FROM conteggi GROUP BY ALL
)
SELECT * EXCLUDE (tipo, n, l, d, k), tipo AS misura, n::DOUBLE AS valore, l AS n_lavoratori, d AS n_datori, k AS chiave_cella,
    oml_livello('pendolarismo') AS livello
FROM conteggi
UNION ALL BY NAME
SELECT * EXCLUDE (n_int, n_res, n_posti, l_res, d_res, l_posti, d_posti), oml_livello('pendolarismo') AS livello
FROM rapporti,
LATERAL (SELECT 'autocontenimento' AS misura, oml_arrotonda(100.0 * coalesce(n_int, 0) / n_res, 1) AS valore,
                l_res AS n_lavoratori, d_res AS n_datori
         WHERE n_res > 0
         UNION ALL
         SELECT 'autosufficienza', oml_arrotonda(100.0 * coalesce(n_int, 0) / n_posti, 1), l_posti, d_posti
         WHERE n_posti > 0)
ORDER BY ALL;
