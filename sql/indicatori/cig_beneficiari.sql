-- indicatore: cig_beneficiari
-- ordine: 210
-- titolo: Cassa integrazione: lavoratori, domande e mensilità (media mensile)
-- fonte: cig
-- dimensioni: tipo_intervento, territorio
-- pubblico: si
-- parametri: livello_territorio
-- nota: Media mensile nel periodo dei valori mensili INPS (per mese: il valore del mese); dati di livello {livello_territorio}. Lavoratori, domande e mensilità non si sommano tra loro.
--
-- The INPS "Integrazioni salariali" counts loaded with `oml ingest cig` (format B), each its own
-- measure, never added together:
--   lavoratori   workers with integrazione salariale in the month; over a quarter or a year the
--                monthly average (a worker in CIG for several months is one in each month);
--   domande      applications; mensilita  monthly payments; the same monthly average.
--   lavoratori_variazione_percentuale (and the same for domande, mensilita): against the same
--                months a year earlier, when the lake covers them.
-- Breakdowns: tipo_intervento and territorio (the files have no sector). The values are
-- public: every cell has the status pubblico.
WITH righe AS (
    SELECT * FROM oml_cig_periodi('cig', ['lavoratori', 'domande', 'mensilita'])
),
celle AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR c = 'misura' OR list_contains(oml_per(), c)),
        coalesce(sum(valore) FILTER (WHERE corrente), 0) / any_value(mesi) AS media,
        CASE WHEN bool_and(confronto) THEN coalesce(sum(valore) FILTER (WHERE NOT corrente), 0) / any_value(mesi) END AS media_prima,
        any_value(livello_territorio) AS livello_territorio
    FROM righe
    GROUP BY ALL
)
SELECT * EXCLUDE (misura, media, media_prima, livello_territorio),
    unnest([
        {'misura': misura, 'valore': oml_arrotonda(media, 1)},
        {'misura': misura || '_variazione_percentuale',
         'valore': oml_arrotonda(CASE WHEN media_prima > 0 THEN (media - media_prima) / media_prima * 100 END, 1)}
    ], recursive := true),
    NULL::BIGINT AS n_lavoratori, NULL::BIGINT AS n_datori, livello_territorio
FROM celle
ORDER BY ALL;
