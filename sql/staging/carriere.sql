-- Careers built by `oml build`: for each worker, consecutive periods of employment (stato
-- 'occupato', n_rapporti concurrent relationships, the dominant one) and non-employment
-- ('non_occupato') tiling the days from the first relationship's start (or the coverage start)
-- to the horizon. Dates and durata are inclusive (docs/convenzioni.md, § 1, "Le carriere").
CREATE OR REPLACE VIEW carriere AS SELECT * FROM {{carriere}};
