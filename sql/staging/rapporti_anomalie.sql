-- Communications that could not be applied, and relationships without avviamento.
CREATE OR REPLACE VIEW rapporti_anomalie AS SELECT * FROM {{rapporti_anomalie}};
