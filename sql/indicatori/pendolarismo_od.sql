-- indicatore: pendolarismo_od
-- ordine: 111
-- titolo: Pendolarismo: matrice origine-destinazione delle posizioni di lavoro tra area di domicilio e area della sede di lavoro
-- fonte: rapporti_dim
-- margini: somma
-- additive: posizioni
-- dimensioni: area_domicilio, area_lavoro, settore, ateco_sezione, macro_contratto, sesso, classe_eta
-- parametri: livello = comune
-- nota: Aree di livello {livello}: comune, CPI o provincia, del domicilio del lavoratore indicato nella comunicazione (righe) e della sede di lavoro (colonne).
-- definizione: posizioni = posizioni di lavoro a fine periodo per area di domicilio del lavoratore e area della sede di lavoro (NON_INDICATO: domicilio non indicato o all'estero, o sede senza comune).
--
-- The origin-destination matrix behind pendolarismo: the same positions (in force at the end of
-- each period: started by its last day, not ended by it), the same areas (parameter livello;
-- the domicile's territory from oml_comuni_territorio, as the workplace's), one cell per
-- (area_domicilio, area_lavoro); a missing domicile (or one abroad) and a workplace without a
-- comune are the area NON_INDICATO. Its margins are pendolarismo's measures, in every cell of
-- the other breakdowns (NI = NON_INDICATO): the sum over origins of OD(·, A) =
-- posti_di_lavoro(A), of which OD(NI, A) = domicilio_non_indicato(A), and the origins other than
-- A and NI in_entrata(A); for A ≠ NI, OD(A, A) = interni(A), the sum over destinations of
-- OD(A, ·) = occupati_residenti(A) and without the diagonal in_uscita(A). The lake holds the communications loaded into it, filtered by the
-- territory (--province: of the workplace, or of the domicile with --geografia residenza), so
-- a province's lake sees no destination outside the province.
WITH posizioni AS (
    SELECT * REPLACE (coalesce(area_lavoro, 'NON_INDICATO') AS area_lavoro,
        coalesce(area_domicilio, 'NON_INDICATO') AS area_domicilio)
    FROM oml_posizioni_aree('rapporti_dim', oml_livello('pendolarismo_od'))
)
SELECT *, 'posizioni' AS misura, oml_livello('pendolarismo_od') AS livello
FROM (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)),
        count(*)::DOUBLE AS valore, count(DISTINCT id_lavoratore) AS n_lavoratori,
        count(DISTINCT id_datore) AS n_datori
    FROM posizioni
    GROUP BY ALL
)
ORDER BY ALL;
