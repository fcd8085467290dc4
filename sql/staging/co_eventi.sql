-- One row per communication (avviamento, proroga, trasformazione, cessazione) after the
-- resolution of rettifiche and annullamenti.
CREATE OR REPLACE VIEW co_eventi AS SELECT * FROM {{co_eventi}};
