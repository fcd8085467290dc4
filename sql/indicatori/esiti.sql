-- indicatore: esiti
-- ordine: 240
-- titolo: Esiti delle misure di crisi: chi torna al lavoro dopo DID, liste di mobilità e cassa integrazione, quanto presto e con quale contratto
-- fonte: misure_esiti
-- dimensioni: tipo, cpi, provincia, regione, sesso, classe_eta, area_cittadinanza, livello_istruzione, settore_origine, contratto_origine, settore_rioccupazione, contratto_rioccupazione, provincia_rioccupazione
-- datori: no
-- parametri: misura_esiti = DID
-- additive: ingressi, ingressi_occupati, ingressi_non_occupati, ingressi_fuori_copertura, osservati_3m, osservati_6m, osservati_12m, rioccupati_3m, rioccupati_6m, rioccupati_12m, richiami_3m, richiami_6m, richiami_12m, nuovo_datore_12m, occupati_3m, occupati_6m, occupati_12m, rioccupati_12m_TI, rioccupati_12m_TD, rioccupati_12m_APPRENDISTATO, rioccupati_12m_SOMMINISTRAZIONE, rioccupati_12m_ALTRO, stabili_12m, non_stabili_12m, stabilita_non_nota_12m, ancora_occupati_12m, non_piu_occupati_12m, permanenza_non_nota_12m, concluse_180, occupati_180_dopo_fine, cessati_datore_12m
-- identita: ingressi = ingressi_occupati + ingressi_non_occupati; rioccupati_12m = richiami_12m + nuovo_datore_12m; rioccupati_12m = rioccupati_12m_TI + rioccupati_12m_TD + rioccupati_12m_APPRENDISTATO + rioccupati_12m_SOMMINISTRAZIONE + rioccupati_12m_ALTRO; rioccupati_12m = stabili_12m + non_stabili_12m + stabilita_non_nota_12m; rioccupati_12m = ancora_occupati_12m + non_piu_occupati_12m + permanenza_non_nota_12m
-- rapporti: quota_rioccupati_3m = 100 * rioccupati_3m / osservati_3m; quota_rioccupati_6m = 100 * rioccupati_6m / osservati_6m; quota_rioccupati_12m = 100 * rioccupati_12m / osservati_12m; quota_occupati_12m = 100 * occupati_12m / osservati_12m; quota_richiami_12m = 100 * richiami_12m / rioccupati_12m; quota_stabili_12m = 100 * stabili_12m / rioccupati_12m; quota_occupati_180_dopo_fine = 100 * occupati_180_dopo_fine / concluse_180
-- nota: Coorti di ingresso nella misura {misura_esiti} (DID: rilascio della dichiarazione; MOBILITA: iscrizione alla lista; CIG: primo giorno di un episodio di cassa integrazione), per periodo di ingresso. Il rientro al lavoro è il primo rapporto di lavoro iniziato dopo il giorno di ingresso, presso qualsiasi datore, nelle comunicazioni obbligatorie del lago.
-- nota: Gli esiti a 3, 6 e 12 mesi contano solo le persone senza un lavoro al giorno di ingresso e con la finestra intera prima dell'orizzonte del lago (osservati); chi aveva già un lavoro all'ingresso è contato a parte, e così (CIG e liste) chi non ha il rapporto con il datore della misura nelle comunicazioni del lago (ingressi_fuori_copertura). Le quote si leggono sulle coorti complete: una persona non ancora rioccupata all'orizzonte non è contata come insuccesso (docs/esiti.md).
-- definizione: ingressi = ingressi nella misura nel periodo (una persona con due ingressi conta due volte; n_lavoratori conta le persone).
-- definizione: ingressi_occupati = ingressi di persone che al giorno di ingresso avevano già un rapporto di lavoro (diverso da quello della misura): contati a parte, fuori dagli esiti.
-- definizione: ingressi_non_occupati = ingressi di persone senza un rapporto di lavoro al giorno di ingresso: la base degli esiti.
-- definizione: ingressi_fuori_copertura = (CIG e liste di mobilità) ingressi non occupati il cui rapporto con il datore della misura non è nelle comunicazioni obbligatorie del lago (assunti prima delle CO e mai più comunicati): se restano in forza al datore non si può dire, e restano fuori dagli osservati.
-- definizione: osservati_12m = ingressi non occupati con almeno 12 mesi tra l'ingresso e l'orizzonte del lago (lo stesso per 3m e 6m).
-- definizione: rioccupati_12m = osservati_12m con un nuovo rapporto di lavoro iniziato entro 12 mesi dall'ingresso (lo stesso per 3m e 6m).
-- definizione: richiami_12m = rioccupati_12m il cui primo nuovo rapporto è presso il datore di provenienza (richiamo: esito concorrente, non un nuovo lavoro).
-- definizione: nuovo_datore_12m = rioccupati_12m il cui primo nuovo rapporto è presso un altro datore.
-- definizione: occupati_12m = osservati_12m con un rapporto di lavoro in corso il giorno 12 mesi dopo l'ingresso (lo stesso per 3m e 6m).
-- definizione: rioccupati_12m_TI = rioccupati_12m con un primo nuovo rapporto a tempo indeterminato (TD a termine, APPRENDISTATO, SOMMINISTRAZIONE, ALTRO gli altri contratti).
-- definizione: stabili_12m = rioccupati_12m in un lavoro stabile: a tempo indeterminato o durato almeno 6 mesi.
-- definizione: stabilita_non_nota_12m = rioccupati_12m in un lavoro a termine ancora in corso all'orizzonte e iniziato da meno di 6 mesi.
-- definizione: ancora_occupati_12m = rioccupati_12m che 6 mesi dopo l'inizio del nuovo rapporto avevano un rapporto di lavoro in corso (permanenza_non_nota_12m: quel giorno è oltre l'orizzonte).
-- definizione: concluse_180 = ingressi la cui misura si è conclusa almeno 180 giorni prima dell'orizzonte.
-- definizione: occupati_180_dopo_fine = concluse_180 con un rapporto di lavoro in corso 180 giorni dopo la fine della misura.
-- definizione: cessati_datore_12m = osservati_12m (solo CIG e liste di mobilità) il cui rapporto con il datore della misura è cessato entro 12 mesi dall'ingresso.
-- definizione: quota_rioccupati_12m = quota % di rioccupati entro 12 mesi sugli osservati (lo stesso per 3m e 6m).
-- definizione: quota_occupati_12m = quota % di osservati con un lavoro 12 mesi dopo l'ingresso.
-- definizione: quota_richiami_12m = quota % dei rioccupati entro 12 mesi richiamati dal datore di provenienza.
-- definizione: quota_stabili_12m = quota % dei rioccupati entro 12 mesi in un lavoro stabile.
-- definizione: quota_occupati_180_dopo_fine = quota % delle misure concluse con un lavoro 180 giorni dopo la fine.
--
-- Outcome counts of the cohorts of one measure (parameter misura: DID, MOBILITA, CIG), from
-- misure_esiti (ruolo 'ingresso'; definitions in docs/esiti.md). A cohort is the entries of a
-- period; each count is of entries. Windows are calendar months from the entry day (3m: the day
-- 3 months later), complete when that day is on or before the horizon (oml_orizzonte()); an
-- entry whose window is not complete is in no osservati_* / rioccupati_* count, so a cohort too
-- recent for a window shows no share for it rather than a low one. The re-employment
-- (`rioccupazione`) is the first relationship starting strictly after the entry day; its class
-- columns (settore_rioccupazione, contratto_rioccupazione, provincia_rioccupazione) read
-- NON_RIOCCUPATO for an entry not re-employed by the horizon, so every breakdown still adds up to
-- the cohort. Survival curves, medians with censoring and the comparison group are in
-- `oml outcomes` (Kaplan–Meier, Aalen–Johansen, matching), not here.
-- n_lavoratori = distinct persons; the records of a measure have no employer threshold
-- (n_datori empty), as did and mobilita_liste.
WITH parametro AS (
    SELECT CASE WHEN m IN ('DID', 'MOBILITA', 'CIG') THEN m
        ELSE error('esiti: misura must be DID, MOBILITA or CIG, not ' || m) END AS misura
    FROM (SELECT coalesce(getvariable('oml_misura_esiti')::VARCHAR, 'DID') AS m)
),
periodi AS (SELECT * FROM oml_periodi(oml_periodicita())),
ingressi AS (
    SELECT COLUMNS(lambda c: c IN ('periodo', 'id_lavoratore') OR list_contains(oml_per(), c)),
        e.occupato_ingresso, e.richiamo, e.stabile, e.contratto_rioccupazione AS contratto,
        -- The outcomes can be observed: no job at entry and, for CIG and mobility, the
        -- relationship with the measure's employer in the lake.
        NOT e.occupato_ingresso AND coalesce(e.rapporto_misura_nel_lago, true) AS osservabile,
        e.rapporto_misura_nel_lago,
        e.occupato_3m, e.occupato_6m, e.occupato_12m, e.occupato_6m_dopo_rioccupazione,
        e.occupato_180_dopo_fine,
        e.id_datore_misura IS NOT NULL AND e.id_datore_origine = e.id_datore_misura
            AND e.data_fine_origine <= (e.data_ingresso + INTERVAL 12 MONTH)::DATE AS cessato_12m,
        [(e.data_ingresso + INTERVAL 3 MONTH)::DATE, (e.data_ingresso + INTERVAL 6 MONTH)::DATE,
         (e.data_ingresso + INTERVAL 12 MONTH)::DATE] AS giorni_h,
        e.data_rioccupazione
    FROM periodi p
    JOIN (
        SELECT x.* REPLACE (
                coalesce(tipo, 'NON_INDICATO') AS tipo,
                coalesce(cpi, 'NON_INDICATO') AS cpi,
                coalesce(provincia, 'NON_INDICATO') AS provincia,
                coalesce(regione, 'NON_INDICATO') AS regione,
                coalesce(sesso, 'NON_INDICATO') AS sesso,
                coalesce(classe_eta, 'NON_INDICATO') AS classe_eta,
                coalesce(area_cittadinanza, 'NON_INDICATO') AS area_cittadinanza,
                coalesce(livello_istruzione, 'NON_INDICATO') AS livello_istruzione,
                coalesce(settore_origine, 'NON_INDICATO') AS settore_origine,
                coalesce(contratto_origine, 'NON_NOTO') AS contratto_origine,
                CASE WHEN data_rioccupazione IS NULL THEN 'NON_RIOCCUPATO'
                    ELSE coalesce(settore_rioccupazione, 'NON_INDICATO') END AS settore_rioccupazione,
                CASE WHEN data_rioccupazione IS NULL THEN 'NON_RIOCCUPATO'
                    ELSE contratto_rioccupazione END AS contratto_rioccupazione,
                CASE WHEN data_rioccupazione IS NULL THEN 'NON_RIOCCUPATO'
                    ELSE coalesce(provincia_rioccupazione, 'NON_INDICATO') END AS provincia_rioccupazione)
        FROM misure_esiti x
        WHERE x.ruolo = 'ingresso' AND x.misura = (SELECT misura FROM parametro)
            AND oml_nel_territorio(x.provincia, x.regione)
    ) e ON e.data_ingresso BETWEEN p.inizio AND p.fine
),
-- Each entry with every count it is in (the names written out: the header's measures).
conteggi AS (
    SELECT i.* EXCLUDE (giorni_h),
        unnest(list_filter(
            ['ingressi', CASE WHEN occupato_ingresso THEN 'ingressi_occupati' ELSE 'ingressi_non_occupati' END,
             CASE WHEN NOT occupato_ingresso AND NOT osservabile THEN 'ingressi_fuori_copertura' END]
            || CASE WHEN osservabile AND giorni_h[1] <= oml_orizzonte() THEN [
                'osservati_3m',
                CASE WHEN data_rioccupazione <= giorni_h[1] THEN 'rioccupati_3m' END,
                CASE WHEN data_rioccupazione <= giorni_h[1] AND richiamo THEN 'richiami_3m' END,
                CASE WHEN occupato_3m THEN 'occupati_3m' END] ELSE [] END
            || CASE WHEN osservabile AND giorni_h[2] <= oml_orizzonte() THEN [
                'osservati_6m',
                CASE WHEN data_rioccupazione <= giorni_h[2] THEN 'rioccupati_6m' END,
                CASE WHEN data_rioccupazione <= giorni_h[2] AND richiamo THEN 'richiami_6m' END,
                CASE WHEN occupato_6m THEN 'occupati_6m' END] ELSE [] END
            || CASE WHEN osservabile AND giorni_h[3] <= oml_orizzonte() THEN [
                'osservati_12m',
                CASE WHEN data_rioccupazione <= giorni_h[3] THEN 'rioccupati_12m' END,
                CASE WHEN data_rioccupazione <= giorni_h[3] AND richiamo THEN 'richiami_12m' END,
                CASE WHEN occupato_12m THEN 'occupati_12m' END,
                CASE WHEN data_rioccupazione <= giorni_h[3] AND NOT richiamo THEN 'nuovo_datore_12m' END,
                CASE WHEN data_rioccupazione <= giorni_h[3] THEN CASE contratto
                    WHEN 'TI' THEN 'rioccupati_12m_TI' WHEN 'TD' THEN 'rioccupati_12m_TD'
                    WHEN 'APPRENDISTATO' THEN 'rioccupati_12m_APPRENDISTATO'
                    WHEN 'SOMMINISTRAZIONE' THEN 'rioccupati_12m_SOMMINISTRAZIONE'
                    ELSE 'rioccupati_12m_ALTRO' END END,
                CASE WHEN data_rioccupazione <= giorni_h[3] THEN CASE
                    WHEN stabile THEN 'stabili_12m' WHEN NOT stabile THEN 'non_stabili_12m'
                    ELSE 'stabilita_non_nota_12m' END END,
                CASE WHEN data_rioccupazione <= giorni_h[3] THEN CASE
                    WHEN occupato_6m_dopo_rioccupazione THEN 'ancora_occupati_12m'
                    WHEN NOT occupato_6m_dopo_rioccupazione THEN 'non_piu_occupati_12m'
                    ELSE 'permanenza_non_nota_12m' END END,
                CASE WHEN cessato_12m THEN 'cessati_datore_12m' END] ELSE [] END
            || [CASE WHEN coalesce(rapporto_misura_nel_lago, true) AND occupato_180_dopo_fine IS NOT NULL
                    THEN 'concluse_180' END,
                CASE WHEN coalesce(rapporto_misura_nel_lago, true) AND occupato_180_dopo_fine
                    THEN 'occupati_180_dopo_fine' END],
            lambda m: m IS NOT NULL)) AS conta
    FROM ingressi i
),
celle AS (
    SELECT COLUMNS(lambda c: c IN ('periodo', 'conta') OR list_contains(oml_per(), c)),
        count(*) AS n, count(DISTINCT id_lavoratore) AS l
    FROM conteggi GROUP BY ALL
),
-- The counts of a cell by measure, for its shares (withheld by protection wherever a member is).
mappe AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)),
        map_from_entries(list({'k': conta, 'v': {'n': n, 'l': l}})) AS m
    FROM celle GROUP BY ALL
),
quote AS (
    SELECT x.*, q.*
    FROM mappe x
    CROSS JOIN (VALUES
        ('quota_rioccupati_3m', 'rioccupati_3m', 'osservati_3m'),
        ('quota_rioccupati_6m', 'rioccupati_6m', 'osservati_6m'),
        ('quota_rioccupati_12m', 'rioccupati_12m', 'osservati_12m'),
        ('quota_occupati_12m', 'occupati_12m', 'osservati_12m'),
        ('quota_richiami_12m', 'richiami_12m', 'rioccupati_12m'),
        ('quota_stabili_12m', 'stabili_12m', 'rioccupati_12m'),
        ('quota_occupati_180_dopo_fine', 'occupati_180_dopo_fine', 'concluse_180')) q(misura, num, den)
)
SELECT * EXCLUDE (conta, n, l), conta AS misura, n::DOUBLE AS valore, l AS n_lavoratori,
    NULL::BIGINT AS n_datori, (SELECT misura FROM parametro) AS misura_esiti
FROM celle
UNION ALL BY NAME
SELECT * EXCLUDE (num, den, m),
    oml_arrotonda(100.0 * coalesce(m[num].n, 0) / m[den].n, 1) AS valore,
    m[den].l AS n_lavoratori, NULL::BIGINT AS n_datori, (SELECT misura FROM parametro) AS misura_esiti
FROM quote
WHERE m[den].n > 0
ORDER BY ALL;
