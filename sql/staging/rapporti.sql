-- Employment relationships rebuilt by `oml build` (key: worker, employer, data_inizio), with
-- the attributes of their avviamento. Dates are inclusive; data_fine_effettiva is NULL while
-- the relationship is open at the horizon (docs/convenzioni.md).
CREATE OR REPLACE VIEW rapporti AS SELECT * FROM {{rapporti}};
