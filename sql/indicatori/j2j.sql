-- indicatore: j2j
-- ordine: 102
-- titolo: Flussi da lavoro a lavoro (J2J): assunzioni e uscite per classe, tassi sull'occupazione
-- fonte: rapporti_dim
-- margini: somma
-- unioni: assunzioni = EE + AQHire + ENPersist + da_occupato + ingressi_non_osservati; J2J = EE + AQHire; cessazioni = uscite_EE + uscite_AQHire + NEPersist + uscite_altro_rapporto + uscite_censurate
-- decimali: 2
-- additive: assunzioni, EE, AQHire, ENPersist, da_occupato, ingressi_non_osservati, J2J, richiami, cessazioni, uscite_EE, uscite_AQHire, NEPersist, uscite_altro_rapporto, uscite_censurate, occupazione_inizio
-- identita: assunzioni = EE + AQHire + ENPersist + da_occupato + ingressi_non_osservati; J2J = EE + AQHire; cessazioni = uscite_EE + uscite_AQHire + NEPersist + uscite_altro_rapporto + uscite_censurate
-- rapporti: tasso_EE = 100 * EE / occupazione_inizio; tasso_AQHire = 100 * AQHire / occupazione_inizio; tasso_J2J = 100 * J2J / occupazione_inizio; tasso_ENPersist = 100 * ENPersist / occupazione_inizio; tasso_NEPersist = 100 * NEPersist / occupazione_inizio
-- dimensioni: comune, cpi, provincia, regione, settore, ateco_sezione, ateco_divisione, macro_contratto, tipologia_contrattuale, sesso, classe_eta, area_cittadinanza, livello_istruzione, dimensione_datore
-- nota: Classi J2J del Census statunitense adattate alle date giornaliere (limite AQHire: giorni di `oml build --limite-aqhire`); assunzioni per il primo contratto, uscite per l'ultimo.
-- definizione: assunzioni = rapporti iniziati nel periodo (le attivazioni di flussi).
-- definizione: EE = assunzioni senza un giorno di non lavoro: il lavoratore aveva un rapporto fino almeno al giorno prima, e il nuovo dura oltre.
-- definizione: AQHire = assunzioni dopo una breve interruzione (da 1 giorno al limite AQHire, 91 giorni salvo diversa scelta).
-- definizione: ENPersist = assunzioni da non occupazione persistente: nessun rapporto nei giorni del limite AQHire prima dell'inizio.
-- definizione: da_occupato = assunzioni di chi ha già un rapporto che continua oltre il nuovo (un lavoro in più).
-- definizione: ingressi_non_osservati = assunzioni troppo vicine all'inizio della copertura del lago per dire da dove vengono.
-- definizione: J2J = assunzioni da lavoro a lavoro: EE + AQHire.
-- definizione: richiami = assunzioni J2J presso lo stesso datore del rapporto precedente.
-- definizione: cessazioni = rapporti finiti nel periodo (le cessazioni di flussi).
-- definizione: uscite_EE = cessazioni seguite da un nuovo rapporto entro il giorno dopo.
-- definizione: uscite_AQHire = cessazioni seguite da un nuovo rapporto dopo 1 giorno fino al limite AQHire.
-- definizione: NEPersist = cessazioni verso la non occupazione persistente: nessun nuovo rapporto entro il limite AQHire.
-- definizione: uscite_altro_rapporto = cessazioni di chi resta occupato in un altro rapporto già in corso.
-- definizione: uscite_censurate = cessazioni troppo vicine all'orizzonte del lago per dire dove portano.
-- definizione: occupazione_inizio = rapporti in essere alla fine del giorno precedente l'inizio del periodo (il denominatore dei tassi).
-- definizione: tasso_EE = EE ogni 100 rapporti in essere all'inizio del periodo.
-- definizione: tasso_AQHire = AQHire ogni 100 rapporti in essere all'inizio del periodo.
-- definizione: tasso_J2J = J2J ogni 100 rapporti in essere all'inizio del periodo.
-- definizione: tasso_ENPersist = ENPersist ogni 100 rapporti in essere all'inizio del periodo.
-- definizione: tasso_NEPersist = NEPersist ogni 100 rapporti in essere all'inizio del periodo.
--
-- The LEHD job-to-job measures (DOMAIN.md § 7.4) from the classes `oml build` gives each
-- relationship (`transizioni`; docs/convenzioni.md, "Le transizioni"). Hires count in the period
-- of their first day, by the relationship's columns with its first contract and its employer's size
-- then; separations in the period of their last day, with the last contract and the employer's size
-- on that day; occupazione_inizio as posizioni_inizio of `posizioni` (by the first contract). The
-- hire classes and the separation classes each add up to their total in every cell.
WITH periodi AS (SELECT * FROM oml_periodi(oml_periodicita())),
-- The relationships with their classes only (transizioni_dim would join their successors and
-- predecessors too, which nothing here reads).
classi AS (
    SELECT r.*, t.classe_ingresso, t.classe_uscita, t.richiamo_ingresso,
        oml_classe_dimensionale(t.posizioni_datore_inizio) AS dimensione_datore,
        oml_classe_dimensionale(t.posizioni_datore_fine) AS dimensione_datore_fine
    FROM rapporti_dim r JOIN transizioni t USING (id_rapporto)
),
-- Read twice: NOT MATERIALIZED, so DuckDB does not keep every relationship's columns in memory
-- (national year: 9.9 GB instead of 13.5 GB, 10 % slower).
eventi AS NOT MATERIALIZED (
    SELECT oml_periodo(data_inizio, oml_periodicita()) AS periodo,
        CASE WHEN classe_ingresso IN ('EE', 'AQHire', 'ENPersist', 'da_occupato') THEN classe_ingresso
             ELSE 'ingressi_non_osservati' END AS tipo,
        coalesce(richiamo_ingresso AND classe_ingresso IN ('EE', 'AQHire'), false) AS richiamo_j2j, *
    FROM classi
    WHERE data_inizio BETWEEN oml_dal() AND oml_al()
    UNION ALL BY NAME
    SELECT oml_periodo(data_fine_effettiva, oml_periodicita()) AS periodo,
        CASE classe_uscita WHEN 'NEPersist' THEN 'NEPersist' WHEN 'censurata' THEN 'uscite_censurate'
             ELSE 'uscite_' || classe_uscita END AS tipo,
        false AS richiamo_j2j,
        * REPLACE (coalesce(macro_contratto_finale, 'NON_NOTO') AS macro_contratto,
                   coalesce(tipologia_finale, 'NON_NOTO') AS tipologia_contrattuale,
                   dimensione_datore_fine AS dimensione_datore)
    FROM classi
    WHERE data_fine_effettiva BETWEEN oml_dal() AND oml_al() AND classe_uscita <> 'in_corso'
    UNION ALL BY NAME
    SELECT p.periodo, 'occupazione_inizio' AS tipo, false AS richiamo_j2j, r.*
    FROM periodi p
    JOIN classi r ON r.data_inizio < p.inizio AND coalesce(r.data_fine_effettiva, DATE '9999-12-31') >= p.inizio
),
per_tipo AS (
    SELECT COLUMNS(lambda c: c IN ('periodo', 'tipo') OR list_contains(oml_per(), c)),
        count(*) AS n, count(DISTINCT id_lavoratore) AS l, count(DISTINCT id_datore) AS d,
        oml_chiave_cella(id_lavoratore) AS k
    FROM eventi GROUP BY ALL
),
-- The sums of classes, and the recalls, with the contributors of the events behind them. No sum
-- holds the stock: the filter on tipo prunes its branch of eventi (the join alone would not, and
-- DuckDB computed the stock twice).
somme AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)), s.tipo,
        count(*) AS n, count(DISTINCT id_lavoratore) AS l, count(DISTINCT id_datore) AS d,
        oml_chiave_cella(id_lavoratore) AS k
    FROM eventi e
    JOIN (VALUES ('assunzioni', ['EE', 'AQHire', 'ENPersist', 'da_occupato', 'ingressi_non_osservati'], false),
                 ('J2J', ['EE', 'AQHire'], false),
                 ('richiami', ['EE', 'AQHire'], true),
                 ('cessazioni', ['uscite_EE', 'uscite_AQHire', 'NEPersist', 'uscite_altro_rapporto', 'uscite_censurate'], false))
        s(tipo, membri, solo_richiami)
        ON list_contains(s.membri, e.tipo) AND (NOT s.solo_richiami OR e.richiamo_j2j) AND NOT oml_da_unire(s.tipo)
    WHERE e.tipo <> 'occupazione_inizio'
    GROUP BY ALL
),
conteggi AS (SELECT * FROM per_tipo UNION ALL BY NAME SELECT * FROM somme),
-- The rates, from the counts of the same cell (withheld with them: `rapporti:` header).
tassi AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)),
        sum(n) FILTER (WHERE tipo = 'occupazione_inizio') AS emp,
        sum(n) FILTER (WHERE tipo = 'EE') AS ee, sum(n) FILTER (WHERE tipo = 'AQHire') AS aq,
        sum(n) FILTER (WHERE tipo = 'J2J') AS j2j, sum(n) FILTER (WHERE tipo = 'ENPersist') AS en,
        sum(n) FILTER (WHERE tipo = 'NEPersist') AS ne,
        max(l) FILTER (WHERE tipo = 'occupazione_inizio') AS l, max(d) FILTER (WHERE tipo = 'occupazione_inizio') AS d
    FROM conteggi GROUP BY ALL
)
SELECT * EXCLUDE (tipo, n, l, d, k), tipo AS misura, n::DOUBLE AS valore, l AS n_lavoratori, d AS n_datori, k AS chiave_cella
FROM conteggi
UNION ALL BY NAME
SELECT * EXCLUDE (emp, ee, aq, j2j, en, ne, l, d), l AS n_lavoratori, d AS n_datori
FROM (SELECT * FROM tassi WHERE emp > 0) t,
LATERAL (VALUES ('tasso_EE', oml_arrotonda(100.0 * coalesce(ee, 0) / emp, 2)),
                ('tasso_AQHire', oml_arrotonda(100.0 * coalesce(aq, 0) / emp, 2)),
                ('tasso_J2J', oml_arrotonda(100.0 * coalesce(j2j, 0) / emp, 2)),
                ('tasso_ENPersist', oml_arrotonda(100.0 * coalesce(en, 0) / emp, 2)),
                ('tasso_NEPersist', oml_arrotonda(100.0 * coalesce(ne, 0) / emp, 2))) v(misura, valore)
ORDER BY ALL;
