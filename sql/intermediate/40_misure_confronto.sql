-- The comparison group of a measure (docs/esiti.md, `oml outcomes`): one row per separation of
-- the pool of misure_esiti (ruolo 'separazione': a job lost into non-employment for a cause the
-- worker did not choose) and measure a person enters after losing a job (DID, MOBILITA), with
--   gruppo = 'trattato'   the worker entered the measure from day zero (the last day worked) to
--                         oml_esclusione_dopo() days after, not in the oml_esclusione_prima() days
--                         before, and was not re-employed before the entry (giorni_ingresso: days
--                         from day zero to the first such entry);
--   gruppo = 'controllo'  the worker did not enter the measure from oml_esclusione_prima() days
--                         before day zero to oml_esclusione_dopo() days after.
-- Separations of workers who entered the measure only before day zero, or who entered it after a
-- new job, are in neither group. Cassa integrazione has no comparison group here: its workers
-- keep their job, so the pool of job losers is not like them (docs/esiti.md).
CREATE OR REPLACE VIEW misure_confronto AS
WITH separazioni AS MATERIALIZED (
    SELECT * FROM misure_esiti WHERE ruolo = 'separazione'
),
misure AS (SELECT unnest(['DID', 'MOBILITA']) AS misura),
entrate AS (
    SELECT s.id_ingresso, i.misura,
        min(date_diff('day', s.data_ingresso, i.data_ingresso))
            FILTER (WHERE i.data_ingresso >= s.data_ingresso) AS giorni_ingresso,
        bool_or(i.data_ingresso < s.data_ingresso) AS prima
    FROM separazioni s
    JOIN misure_ingressi i ON i.id_lavoratore = s.id_lavoratore AND i.misura IN ('DID', 'MOBILITA')
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
