-- Quality report: quarantined records by reason and source.
CREATE OR REPLACE VIEW qualita_per_motivo AS
SELECT motivo, fonte, count(*) AS record
FROM quarantena
GROUP BY ALL
ORDER BY record DESC, motivo;
