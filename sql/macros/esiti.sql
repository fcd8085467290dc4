-- Parameters and classes of the outcomes of crisis measures (views misure_ingressi and
-- misure_esiti; docs/esiti.md). Each parameter is a DuckDB variable with its default:
--   oml_cig_pausa        days between two periods of Cassa integrazione of the same worker at the
--                        same employer beyond which the second opens a new episode (30 [I]);
--   oml_esclusione_prima, oml_esclusione_dopo
--                        a separation is a control for a measure when the worker did not enter
--                        that measure from that many days before its last day worked to that many
--                        days after (365 and 90 [I]: a NASpI claim is due within 68 days);
--   oml_esiti_bacino     whether misure_esiti holds the comparison pool (true; `oml outcomes`
--                        sets it false for a measure without a comparison group);
--   oml_esiti_stati      whether misure_esiti checks the status 3, 6, 12 months on (true; `oml
--                        outcomes` sets it false: it does not read them);
--   oml_riassunzione_giorni
--                        a re-employment at another employer, same workplace comune and ATECO
--                        section, starting within that many days of the old job's end is flagged
--                        as a likely change of company name (7 [I]).
CREATE OR REPLACE MACRO oml_cig_pausa() AS coalesce(getvariable('oml_cig_pausa')::INTEGER, 30);
CREATE OR REPLACE MACRO oml_esclusione_prima() AS coalesce(getvariable('oml_esclusione_prima')::INTEGER, 365);
CREATE OR REPLACE MACRO oml_esiti_bacino() AS coalesce(getvariable('oml_esiti_bacino')::BOOLEAN, true);
CREATE OR REPLACE MACRO oml_esiti_stati() AS coalesce(getvariable('oml_esiti_stati')::BOOLEAN, true);
CREATE OR REPLACE MACRO oml_riassunzione_giorni() AS coalesce(getvariable('oml_riassunzione_giorni')::INTEGER, 7);
CREATE OR REPLACE MACRO oml_esclusione_dopo() AS coalesce(getvariable('oml_esclusione_dopo')::INTEGER, 90);

-- An order of (a day, a second key from 0 to 2^26, an id from 0 to 2^64) as one HUGEINT, so that
-- an as-of join picks one row when days tie, by the rule the caller writes in the second key and
-- the id (misure_ingressi, misure_esiti): the day (since 1970-01-01, negative before) times 2^90,
-- plus the second key times 2^64, plus the id (id_rapporto, a rank from 0: oml build). Every
-- order of day d is below oml_ordine(d + 1, 0, 0).
CREATE OR REPLACE MACRO oml_ordine(giorno, secondo, id) AS
    date_diff('day', DATE '1970-01-01', giorno)::HUGEINT * (1::HUGEINT << 90) + (secondo::HUGEINT << 64) + id;

-- Days from a relationship's last day to 9999-12-31 (0 while open), from 1900-01-01 to a day:
-- second keys of oml_ordine (both below 2^22 for the lake's dates).
CREATE OR REPLACE MACRO oml_giorni_a_fine(data_fine) AS
    date_diff('day', coalesce(data_fine, DATE '9999-12-31'), DATE '9999-12-31');
CREATE OR REPLACE MACRO oml_giorni_da_1900(giorno) AS
    greatest(date_diff('day', DATE '1900-01-01', giorno), 0);

-- The contract of a re-employment in the classes of the outcome tables: TI (permanent), TD
-- (fixed-term), APPRENDISTATO, SOMMINISTRAZIONE (agency work), ALTRO (intermittent, domestic,
-- traineeships, para-subordinate and the rest).
CREATE OR REPLACE MACRO oml_contratto_esito(macro_contratto) AS CASE
    WHEN macro_contratto IN ('TI', 'TD', 'APPRENDISTATO', 'SOMMINISTRAZIONE') THEN macro_contratto
    ELSE 'ALTRO' END;

-- A separation the worker did not choose (the Ministry's groups, oml_gruppo_causa): a dismissal,
-- the end of the activity, another cause on the employer's side, or the end of the term; the
-- pool of the comparison group.
CREATE OR REPLACE MACRO oml_perdita_lavoro(gruppo) AS
    gruppo IN ('LICENZIAMENTO', 'CESSAZIONE_ATTIVITA', 'ALTRO_DATORE', 'FINE_TERMINE');

-- The comparison group over a relation with the rows of misure_esiti (its name: the view, or a
-- table holding it), as the view misure_confronto describes: the separations of the pool, each
-- with every measure a person enters after losing a job (DID, MOBILITA), as trattato or
-- controllo. The entries are read from the same relation (ruolo 'ingresso').
CREATE OR REPLACE MACRO oml_confronto(esiti) AS TABLE
WITH righe AS (FROM query_table(esiti)),
separazioni AS (SELECT * FROM righe WHERE ruolo = 'separazione'),
misure AS (SELECT unnest(['DID', 'MOBILITA']) AS misura),
entrate AS (
    SELECT s.id_ingresso, i.misura,
        min(date_diff('day', s.data_ingresso, i.data_ingresso))
            FILTER (WHERE i.data_ingresso >= s.data_ingresso) AS giorni_ingresso,
        bool_or(i.data_ingresso < s.data_ingresso) AS prima
    FROM separazioni s
    JOIN righe i ON i.ruolo = 'ingresso' AND i.id_lavoratore = s.id_lavoratore
        AND i.misura IN ('DID', 'MOBILITA')
        AND i.data_ingresso BETWEEN s.data_ingresso - oml_esclusione_prima()
            AND s.data_ingresso + oml_esclusione_dopo()
    GROUP BY ALL
)
SELECT m.misura, CASE WHEN e.id_ingresso IS NULL THEN 'controllo' ELSE 'trattato' END AS gruppo,
    e.giorni_ingresso, s.* EXCLUDE (ruolo, misura, entrate)
FROM separazioni s
CROSS JOIN misure m
LEFT JOIN entrate e ON e.id_ingresso = s.id_ingresso AND e.misura = m.misura
WHERE e.id_ingresso IS NULL
    OR (NOT e.prima AND e.giorni_ingresso < coalesce(s.giorni_rioccupazione, 2147483647));
