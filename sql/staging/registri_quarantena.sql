-- Records of the DID, CIG-workers and mobility files refused by oml ingest did / cig-lavoratori /
-- mobilita: the layout (formato), the reason (motivo), the field, a detail, the file and line, and
-- an excerpt of the record with every identifier masked. For each file, lines read = rows of its
-- dataset + rows here (the manifest's `registri` records it).
CREATE OR REPLACE VIEW registri_quarantena AS SELECT * FROM {{registri_quarantena}};
