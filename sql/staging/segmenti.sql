-- Contract / working-time segments of each relationship (a trasformazione starts a new one).
CREATE OR REPLACE VIEW segmenti AS SELECT * FROM {{segmenti}};
