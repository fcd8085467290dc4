-- Transitions built by `oml build`: one row per relationship of the careers' window, with its
-- successor (the worker's next job lasting beyond it), the gap in days and the job-to-job class of
-- the separation (classe_uscita: EE, altro_rapporto, AQHire, NEPersist, censurata, in_corso), its
-- predecessor and the class of the hire (classe_ingresso: EE, da_occupato, AQHire, ENPersist,
-- non_osservata), recalls, and the employer's relationships in force on the first and last day
-- (docs/convenzioni.md, § 1, "Le transizioni"). The worker and the employer are the
-- relationship's: join rapporti on id_rapporto (transizioni_dim does).
CREATE OR REPLACE VIEW transizioni AS SELECT * FROM {{transizioni}};
