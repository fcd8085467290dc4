-- Rettifiche and annullamenti whose target has not arrived yet: each is also in `quarantena`
-- (rettifica_orfana, annullamento_orfano); when the target arrives, the next ingest resolves
-- the pair as if both had come together and the row leaves both.
CREATE OR REPLACE VIEW co_in_attesa AS SELECT * FROM {{co_in_attesa}};
