-- Events of the liste di mobilità (oml ingest mobilita; layout in docs/formato_mobilita.md): one
-- row per event of a pratica (DEC_TIPO_EVENTO_MOBILITA: 01 iscrizione, 02 sospensione,
-- 03 cancellazione, 04 reiscrizione, 05 revoca, 06 indennità), pseudonymised like co_eventi.
-- Pratiche: mobilita_iscrizioni. No iscrizione from 2017-01-01 (L. 92/2012).
CREATE OR REPLACE VIEW mobilita_eventi AS SELECT * FROM {{mobilita_eventi}};
