-- What the lake holds: communications by year and event kind.
CREATE OR REPLACE VIEW eventi_per_anno AS
SELECT anno, evento, count(*) AS comunicazioni
FROM co_eventi
GROUP BY ALL
ORDER BY anno, evento;
