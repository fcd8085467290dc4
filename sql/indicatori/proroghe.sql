-- indicatore: proroghe
-- ordine: 70
-- titolo: Proroghe
-- fonte: co_eventi_dim
-- additive: proroghe
--
--   proroghe   proroga communications dated in the period (data_evento = day of sending), by the
--              contract written in the proroga. A proroga moves a relationship's expected end:
--              it creates no position and does not enter the saldo.
WITH base AS (
    SELECT oml_periodo(data_evento, oml_periodicita()) AS periodo, *
    FROM co_eventi_dim
    WHERE evento = 'PRO' AND data_evento BETWEEN oml_dal() AND oml_al()
),
celle AS (
    SELECT COLUMNS(lambda c: c = 'periodo' OR list_contains(oml_per(), c)),
        count(*) AS n, count(DISTINCT id_lavoratore) AS l, count(DISTINCT id_datore) AS d,
        oml_chiave_cella(id_lavoratore) AS k
    FROM base GROUP BY ALL
)
SELECT * EXCLUDE (n, l, d, k), 'proroghe' AS misura, n::DOUBLE AS valore, l AS n_lavoratori, d AS n_datori, k AS chiave_cella
FROM celle
ORDER BY ALL;
