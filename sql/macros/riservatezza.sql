-- The cell key of the cell-key method (docs/riservatezza.md; src/sdc/ptable.rs), for the count
-- indicators: `oml_chiave_cella(id_lavoratore) AS chiave_cella` beside the distinct count.
-- A record key is the low 8 bytes of md5(salt || pseudonym), uniform on [0, 2^64); the salt
-- derives from the lake's key (privacy::Key::cell_key_salt) and only `oml indicators --sdc
-- cellkey` sets it, so nobody holding the pseudonymised lake without the key can compute a
-- cell's noise. The cell key is the sum of the distinct contributors' record keys modulo 2^53,
-- as a fraction of 2^53: uniform on [0, 1), the same for the same contributors in every table
-- and run. Without the salt it is NULL and costs nothing.
CREATE OR REPLACE MACRO oml_chiave_cella(id) AS
    (sum(DISTINCT md5_number_lower(getvariable('oml_sale_chiave') || id)::HUGEINT)
        FILTER (WHERE getvariable('oml_sale_chiave') IS NOT NULL) % 9007199254740992)::DOUBLE
    / 9007199254740992;
