-- Audit of superseded communications (rettificate, annullate, and the annullamenti).
CREATE OR REPLACE VIEW co_superati AS SELECT * FROM {{co_superati}};
