-- The flow events of the segments in segmenti_dim (territory and perimeter), one row each, with
-- the segment's columns: the day (data) and the kind (tipo) of
--   ATT   an attivazione: the relationship's first segment starts;
--   CESC  a communicated cessazione: the last segment ends, a CES exists;
--   CESI  an imputed cessazione: the last segment of a fixed-term contract ends at its expected
--         end without a CES;
--   TRI   a trasformazione in entrata: a segment after the first starts (on the new contract);
--   TRU   a trasformazione in uscita: a segment before the last leaves the stock (on the old
--         contract, on the day of the trasformazione).
-- flussi counts them by period; saldo_annualizzato by 12-month window.
CREATE OR REPLACE VIEW segmenti_eventi AS
SELECT inizio_segmento AS data, 'ATT' AS tipo, * FROM segmenti_dim WHERE n_segmento = 1
UNION ALL
SELECT fine_segmento, CASE WHEN cessazione_imputata THEN 'CESI' ELSE 'CESC' END, *
FROM segmenti_dim WHERE ultimo_segmento AND fine_segmento IS NOT NULL
UNION ALL
SELECT inizio_segmento, 'TRI', * FROM segmenti_dim WHERE n_segmento > 1
UNION ALL
SELECT uscita_segmento, 'TRU', * FROM segmenti_dim WHERE NOT ultimo_segmento;
