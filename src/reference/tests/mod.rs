//! Tests of the reference data: `lookups` exercises the accessors, `sources` checks every
//! embedded list against its file (rows, codes, errors) and `reference/README.md`.

mod lookups;
mod sources;
