-- Records rejected by validation, with the reason (`motivo`), the field and the position in
-- the source file. `record_grezzo` is the record with personal fields replaced by ***.
CREATE OR REPLACE VIEW quarantena AS SELECT * FROM {{quarantena}};
