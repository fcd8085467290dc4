-- indicatore: matrice_transizioni
-- ordine: 104
-- titolo: Matrici delle transizioni da lavoro a lavoro: da quale settore, area, contratto o dimensione d'impresa verso quale
-- fonte: transizioni_con_successivo_dim
-- margini: somma
-- unioni: transizioni = EE + AQHire
-- decimali: 1
-- additive: transizioni, EE, AQHire, richiami, permanenze, trasformazioni
-- identita: transizioni = EE + AQHire
-- rapporti: tasso_permanenza = 100 * permanenze / transizioni (senza destinazione)
-- quote: quota_riga = transizioni / destinazione
-- dimensioni: origine, destinazione, sesso, classe_eta, area_cittadinanza, livello_istruzione
-- parametri: asse = settore; livello = comune; accorpa =
-- nota: Classi di origine e di arrivo: {asse} (area di livello {livello}; FUORI_TERRITORIO: un rapporto successivo fuori dal territorio scelto).
-- nota: Una classe che finisce con + riunisce le classi più fini della stessa classe superiore accorpate perché le loro celle non raggiungevano la soglia di riservatezza (oml indicators --accorpa): {accorpa}.
-- definizione: transizioni = rapporti cessati nel periodo e seguiti, per lo stesso lavoratore, da un nuovo rapporto entro il limite AQHire (uscite EE + AQHire di j2j).
-- definizione: EE = transizioni senza un giorno di non lavoro (il nuovo rapporto inizia entro il giorno dopo la fine del precedente).
-- definizione: AQHire = transizioni dopo una breve interruzione (da 1 giorno al limite AQHire).
-- definizione: richiami = transizioni verso lo stesso datore del rapporto cessato.
-- definizione: permanenze = transizioni che restano nella stessa classe (stesso settore, area, contratto o dimensione).
-- definizione: trasformazioni = passaggi di contratto dentro lo stesso rapporto (solo con asse contratto: per il tempo indeterminato, le stabilizzazioni per trasformazione, accanto a quelle con un nuovo rapporto).
-- definizione: quota_riga = quota % delle transizioni della classe di origine che vanno verso questa classe di arrivo (sul totale di riga; calcolata dalle celle pubblicate).
-- definizione: tasso_permanenza = quota % delle transizioni che restano nella stessa classe, per classe di origine (nelle celle senza destinazione: il totale di riga).
--
-- Mobility matrices in the spirit of the LEHD J2J origin–destination files, from `transizioni`
-- (docs/convenzioni.md, "Le transizioni"): each separation of the period whose class is EE or
-- AQHire, by the class of the relationship that ended (`origine`) and of its successor
-- (`destinazione`) on one axis (parameter asse):
--   settore, ateco_sezione, ateco_divisione   the employer's sector;
--   area        comune, CPI or province (parameter livello) of the workplace, or of the domicile
--               under --geografia residenza; a successor outside the selected territory is
--               FUORI_TERRITORIO at the comune and CPI levels;
--   contratto   the last contract of the relationship that ended and the first of the successor;
--               with the contract changes within a relationship (trasformazioni, by the contract
--               before and after), so that a TD → TI stabilisation by a new hire sits beside one
--               by a trasformazione;
--   dimensione  the employer's size class on the last day and the successor's on its first.
-- Parameter accorpa (set by `oml indicators --accorpa`, analytics::coarsen): classes lifted to
-- their parent (macro oml_accorpa), ATECO division → section → macro-sector, comune → CPI →
-- province.
-- Other breakdowns describe the worker. Margins: over destinazione, the transitions out of each
-- class (tasso_permanenza there is the class's retention rate); the grand total equals
-- uscite_EE + uscite_AQHire of j2j.
WITH asse AS (
    SELECT CASE WHEN a IN ('settore', 'ateco_sezione', 'ateco_divisione', 'area', 'contratto', 'dimensione') THEN a
        ELSE error('matrice_transizioni: asse must be settore, ateco_sezione, ateco_divisione, area, contratto or dimensione, not ' || a) END AS asse,
        oml_livello('matrice_transizioni') AS livello,
        list_filter(string_split(acc, ','), lambda x: x <> '') AS lista_accorpa, acc AS accorpa
    FROM (SELECT coalesce(getvariable('oml_asse')::VARCHAR, 'settore') AS a,
                 coalesce(getvariable('oml_accorpa')::VARCHAR, '') AS acc)
),
-- Each move with its class of origin and destination at up to three levels (finest first).
livelli AS (
    SELECT oml_periodo(t.data_fine_effettiva, oml_periodicita()) AS periodo, t.*, x.lista_accorpa,
        CASE x.asse WHEN 'settore' THEN [t.settore, NULL, NULL]
            WHEN 'ateco_sezione' THEN [t.ateco_sezione, t.settore, NULL]
            WHEN 'ateco_divisione' THEN [t.ateco_divisione, t.ateco_sezione, t.settore]
            WHEN 'contratto' THEN [coalesce(t.macro_contratto_finale, 'NON_NOTO'), NULL, NULL]
            WHEN 'dimensione' THEN [t.dimensione_datore_fine, NULL, NULL]
            ELSE CASE x.livello WHEN 'provincia' THEN [t.provincia, NULL, NULL]
                 WHEN 'cpi' THEN [t.cpi, t.provincia, NULL] ELSE [t.comune, t.cpi, t.provincia] END
        END AS o,
        CASE x.asse WHEN 'settore' THEN [t.settore_successivo, NULL, NULL]
            WHEN 'ateco_sezione' THEN [t.ateco_sezione_successivo, t.settore_successivo, NULL]
            WHEN 'ateco_divisione' THEN [t.ateco_divisione_successivo, t.ateco_sezione_successivo, t.settore_successivo]
            WHEN 'contratto' THEN [t.macro_contratto_successivo, NULL, NULL]
            WHEN 'dimensione' THEN [t.dimensione_datore_successivo, NULL, NULL]
            WHEN 'area' THEN CASE
                WHEN x.livello = 'provincia' THEN [t.provincia_successivo, NULL, NULL]
                WHEN NOT t.nel_territorio_successivo THEN ['FUORI_TERRITORIO', NULL, NULL]
                WHEN x.livello = 'cpi' THEN [t.cpi_successivo, t.provincia_successivo, NULL]
                ELSE [t.comune_successivo, t.cpi_successivo, t.provincia_successivo] END
        END AS d
    FROM transizioni_con_successivo_dim t CROSS JOIN asse x
    WHERE t.data_fine_effettiva BETWEEN oml_dal() AND oml_al() AND t.classe_uscita IN ('EE', 'AQHire')
),
mosse AS (
    SELECT * EXCLUDE (o, d, lista_accorpa),
        oml_accorpa(o[1], o[2], o[3], lista_accorpa) AS origine_,
        oml_accorpa(d[1], d[2], d[3], lista_accorpa) AS destinazione_
    FROM livelli
),
eventi AS (
    SELECT * EXCLUDE (origine_, destinazione_), origine_ AS origine, coalesce(destinazione_, 'NON_INDICATO') AS destinazione,
        classe_uscita AS tipo
    FROM mosse
    UNION ALL BY NAME
    SELECT oml_periodo(s.inizio_segmento, oml_periodicita()) AS periodo, s.*,
        s.macro_contratto_precedente AS origine, s.macro_contratto AS destinazione, 'trasformazioni' AS tipo,
        false AS richiamo
    FROM segmenti_dim s CROSS JOIN asse x
    WHERE x.asse = 'contratto' AND s.codice_trasformazione <> 'NESSUNA'
        AND s.inizio_segmento BETWEEN oml_dal() AND oml_al()
),
righe AS (
    SELECT e.*, m.misura FROM eventi e
    JOIN (VALUES ('EE', 'EE'), ('AQHire', 'AQHire'), ('EE', 'transizioni'), ('AQHire', 'transizioni'),
                 ('trasformazioni', 'trasformazioni')) m(tipo, misura) ON m.tipo = e.tipo AND NOT oml_da_unire(m.misura)
    UNION ALL
    SELECT e.*, 'richiami' FROM eventi e WHERE e.tipo IN ('EE', 'AQHire') AND e.richiamo
    UNION ALL
    SELECT e.*, 'permanenze' FROM eventi e WHERE e.tipo IN ('EE', 'AQHire') AND e.origine = e.destinazione
),
celle AS (
    SELECT COLUMNS(lambda c: c IN ('periodo', 'misura') OR list_contains(oml_per(), c)),
        count(*) AS n, count(DISTINCT id_lavoratore) AS l, count(DISTINCT id_datore) AS d,
        oml_chiave_cella(id_lavoratore) AS k
    FROM righe GROUP BY ALL
),
tassi AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)),
        sum(n) FILTER (WHERE misura = 'transizioni') AS tr, sum(n) FILTER (WHERE misura = 'permanenze') AS pe,
        max(l) FILTER (WHERE misura = 'transizioni') AS l, max(d) FILTER (WHERE misura = 'transizioni') AS d
    FROM celle GROUP BY ALL
)
SELECT * EXCLUDE (n, l, d, k), n::DOUBLE AS valore, l AS n_lavoratori, d AS n_datori, k AS chiave_cella,
    (SELECT asse FROM asse) AS asse, (SELECT livello FROM asse) AS livello, (SELECT accorpa FROM asse) AS accorpa
FROM celle
UNION ALL BY NAME
SELECT * EXCLUDE (tr, pe, l, d), 'tasso_permanenza' AS misura, oml_arrotonda(100.0 * coalesce(pe, 0) / tr, 1) AS valore,
    l AS n_lavoratori, d AS n_datori, (SELECT asse FROM asse) AS asse, (SELECT livello FROM asse) AS livello, (SELECT accorpa FROM asse) AS accorpa
FROM tassi WHERE tr > 0 AND NOT list_contains(oml_per(), 'destinazione')
ORDER BY ALL;
