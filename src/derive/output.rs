//! Pass 2 of `oml build`: the relationships, segments and anomalies as Parquet datasets.
//!
//! A relationship's attributes (worker and employer pseudonyms, sex, age class, citizenship,
//! sector, workplace…) are those of its avviamento (or first communication): pass 2 reads
//! `co_eventi` again in the fixed row order, row group by row group, and takes those rows.
//! Relationships are numbered in that order, so each row group yields a contiguous run.

use super::events::{open_row_group, Codes, Dict, RowGroup, NO_DATE};
use super::rapporti::{Anomalia, Built, Rapporto, Segmento};
use crate::lake::catalog::{anomalie_schema, rapporti_schema, segmenti_schema, ATTRIBUTES, NUMBERS, SEGMENT_COPIES};
pub use crate::lake::catalog::{RAPPORTI, RAPPORTI_ANOMALIE, SEGMENTI};
use crate::lake::manifest::FileEntry;
use crate::lake::schema::ADDED_IN_2;
use crate::lake::{PartitionedWriter, Staging};
use anyhow::{bail, Context, Result};
use arrow::array::{
    Array, ArrayRef, BooleanArray, Date32Array, Float64Array, Int32Array, Int64Array, RecordBatch, StringArray,
    StringBuilder, UInt32Array,
};
use arrow::compute::{concat_batches, take, take_record_batch};
use rayon::prelude::*;
use std::sync::Arc;

fn opt_date(d: i32) -> Option<i32> {
    (d != NO_DATE).then_some(d)
}

/// Pseudonyms (numbers) as 32 hex digits.
pub(crate) fn hex_ids(ids: impl Iterator<Item = Option<u128>>) -> ArrayRef {
    use std::fmt::Write as _;
    let mut b = StringBuilder::new();
    for id in ids {
        match id {
            Some(x) => {
                let _ = write!(b, "{x:032x}");
                b.append_value("");
            }
            None => b.append_null(),
        }
    }
    Arc::new(b.finish())
}

/// Calendar year of a day number.
pub fn year_of(days: i32) -> i32 {
    use chrono::Datelike;
    chrono::NaiveDate::from_num_days_from_ce_opt(days + 719_163).map_or(0, |d| d.year())
}

fn texts(dict: &Dict, codes: impl Iterator<Item = u16>) -> ArrayRef {
    Arc::new(codes.map(|c| dict.get(c)).collect::<StringArray>())
}

fn core_columns(rs: &[&Rapporto], codes: &Codes, built: &Built, avvio_codes: &StringArray) -> Vec<ArrayRef> {
    let seg0 = |r: &Rapporto| built.segmenti.get(r.segments.start);
    let days = |a: i32, b: i32| (a != NO_DATE && b != NO_DATE).then_some(b - a + 1);
    let each = || rs.iter().copied();
    vec![
        Arc::new(Int64Array::from_iter_values(each().map(|r| r.id as i64 + 1))),
        Arc::new(
            each()
                .enumerate()
                .map(|(i, r)| (r.avviamento && avvio_codes.is_valid(i)).then(|| avvio_codes.value(i)))
                .collect::<StringArray>(),
        ),
        Arc::new(Date32Array::from_iter(each().map(|r| opt_date(r.data_inizio)))),
        Arc::new(Date32Array::from_iter(
            each().map(|r| opt_date(r.data_fine_prevista_iniziale)),
        )),
        Arc::new(Date32Array::from_iter(each().map(|r| opt_date(r.data_fine_prevista)))),
        Arc::new(Date32Array::from_iter(each().map(|r| opt_date(r.data_cessazione)))),
        Arc::new(Date32Array::from_iter(each().map(|r| opt_date(r.data_fine_effettiva)))),
        Arc::new(BooleanArray::from_iter(each().map(|r| Some(r.cessazione_imputata)))),
        Arc::new(BooleanArray::from_iter(each().map(|r| Some(r.avviamento)))),
        Arc::new(BooleanArray::from_iter(each().map(|r| Some(r.censura_sinistra)))),
        texts(&codes.tipologia, each().map(|r| r.tipologia_iniziale)),
        texts(&codes.macro_contratto, each().map(|r| r.macro_iniziale as u16)),
        texts(&codes.tipologia, each().map(|r| r.tipologia_finale)),
        texts(&codes.macro_contratto, each().map(|r| r.macro_finale as u16)),
        texts(&codes.orario, each().map(|r| seg0(r).map_or(0, |s| s.orario as u16))),
        Arc::new(Float64Array::from_iter(
            each().map(|r| seg0(r).map(|s| s.ore as f64).filter(|x| !x.is_nan())),
        )),
        texts(&codes.causa, each().map(|r| r.causa)),
        texts(&codes.macro_causa, each().map(|r| r.macro_causa as u16)),
        Arc::new(Int32Array::from_iter_values(each().map(|r| r.n_proroghe as i32))),
        Arc::new(Int32Array::from_iter_values(each().map(|r| r.n_trasformazioni as i32))),
        Arc::new(Int32Array::from_iter(
            each().map(|r| days(r.data_inizio, r.data_fine_prevista_iniziale)),
        )),
        Arc::new(Int32Array::from_iter(
            each().map(|r| days(r.data_inizio, r.data_fine_effettiva)),
        )),
    ]
}

/// Splits a batch by the year of one of its date columns and writes each part.
pub(crate) fn write_by_year(w: &mut PartitionedWriter, batch: &RecordBatch, years: &[i32]) -> Result<()> {
    if years.windows(2).all(|p| p[0] <= p[1]) {
        // Already in year order (relationships and segments: `part` builds them so): a slice
        // per year.
        let mut a = 0;
        while a < years.len() {
            let b = a + years[a..].partition_point(|&y| y == years[a]);
            w.write(years[a], &batch.slice(a, b - a))?;
            a = b;
        }
        return Ok(());
    }
    // One gather of the rows ordered by year, then a zero-copy slice per year (a filter per
    // year read the whole batch once per year: relationships started long before the coverage
    // spread over decades).
    let mut order: Vec<u32> = (0..years.len() as u32).collect();
    order.sort_by_key(|&i| years[i as usize]);
    let sorted = take_record_batch(batch, &UInt32Array::from_iter_values(order.iter().copied()))?;
    let mut a = 0;
    while a < order.len() {
        let y = years[order[a] as usize];
        let b = a + order[a..].partition_point(|&i| years[i as usize] == y);
        w.write(y, &sorted.slice(a, b - a))?;
        a = b;
    }
    Ok(())
}

/// The dense numbers of the workers and employers of the relationships (`catalog::NUMBERS`), by
/// relationship: the rank of each pseudonym among the distinct ones of the generation.
struct Numbers {
    worker: Vec<i32>,
    employer: Vec<i32>,
}

impl Numbers {
    fn of(rapporti: &[Rapporto]) -> Result<Numbers> {
        // Sorted once with their positions, then numbered in one walk: a binary search per
        // relationship in the sorted distinct ones missed the cache at every step (national
        // year: 18.7 million searches in arrays of 160 MB).
        let ranks = |id: &(dyn Fn(&Rapporto) -> u128 + Sync)| -> Result<Vec<i32>> {
            let pairs = super::sorted_keys(rapporti, id);
            let mut out = vec![0i32; pairs.len()];
            let mut rank: i64 = -1;
            let mut previous = None;
            for &(id, i) in &pairs {
                if previous != Some(id) {
                    rank += 1;
                    previous = Some(id);
                }
                out[i as usize] = rank as i32;
            }
            anyhow::ensure!(
                rank < i32::MAX as i64,
                "more than 2^31 distinct pseudonyms in one build"
            );
            Ok(out)
        };
        Ok(Numbers {
            worker: ranks(&|r| r.worker)?,
            employer: ranks(&|r| r.employer)?,
        })
    }
}

/// What one row group contributes: relationships and anomalies, ready to write.
struct Part {
    rapporti: Option<RecordBatch>,
    rapporti_years: Vec<i32>,
    segmenti: Option<RecordBatch>,
    segmenti_years: Vec<i32>,
    anomalie: Option<RecordBatch>,
    anomalie_years: Vec<i32>,
}

fn part(
    rg: &RowGroup,
    (rs, numbers): (&[Rapporto], (&[i32], &[i32])),
    an: &[Anomalia],
    built: &Built,
    codes: &Codes,
) -> Result<Part> {
    if rs.is_empty() && an.is_empty() {
        return Ok(Part {
            rapporti: None,
            rapporti_years: vec![],
            segmenti: None,
            segmenti_years: vec![],
            anomalie: None,
            anomalie_years: vec![],
        });
    }
    let mut cols: Vec<&str> = vec!["codice_comunicazione", "evento"];
    cols.extend(ATTRIBUTES);
    let batches = open_row_group(rg, &cols, &[])?
        .collect::<std::result::Result<Vec<_>, _>>()
        .with_context(|| format!("reading {}", rg.file.display()))?;
    let schema = batches
        .first()
        .map(|b| b.schema())
        .context("empty row group in co_eventi")?;
    let all = concat_batches(&schema, &batches)?;
    let local = |row: u32| (row as u64 - rg.first_row) as u32;

    // The relationships in order of start year (stable), so that each year is a slice of their
    // batch: ordering them here saves the copy of every column that `write_by_year` would make.
    let years: Vec<i32> = rs.iter().map(|r| year_of(r.data_inizio)).collect();
    let mut order: Vec<usize> = (0..rs.len()).collect();
    order.sort_by_key(|&k| years[k]);
    let sorted: Vec<&Rapporto> = order.iter().map(|&k| &rs[k]).collect();
    let mut position = vec![0u32; rs.len()];
    for (j, &k) in order.iter().enumerate() {
        position[k] = j as u32;
    }
    let rapporti = if rs.is_empty() {
        None
    } else {
        let idx = UInt32Array::from_iter_values(sorted.iter().map(|r| local(r.first_row)));
        let code_col = all
            .column_by_name("codice_comunicazione")
            .context("codice_comunicazione")?;
        let codes_taken = take(code_col.as_ref(), &idx, None)?;
        let avvio = codes_taken
            .as_any()
            .downcast_ref::<StringArray>()
            .context("codice_comunicazione is not text")?;
        let mut columns = core_columns(&sorted, codes, built, avvio);
        let target = rapporti_schema();
        let attributes = target.fields().len() - NUMBERS.len();
        for f in &target.fields()[columns.len()..attributes] {
            match all.column_by_name(f.name()) {
                Some(c) => columns.push(take(c.as_ref(), &idx, None)?),
                // A file written before the column existed: empty for its communications.
                None if ADDED_IN_2.contains(&f.name().as_str()) => {
                    columns.push(arrow::array::new_null_array(f.data_type(), idx.len()))
                }
                None => bail!("co_eventi has no column {}", f.name()),
            }
        }
        columns.push(Arc::new(Int32Array::from_iter_values(
            order.iter().map(|&k| numbers.0[k]),
        )));
        columns.push(Arc::new(Int32Array::from_iter_values(
            order.iter().map(|&k| numbers.1[k]),
        )));
        Some(RecordBatch::try_new(target, columns)?)
    };
    let anomalie = if an.is_empty() {
        None
    } else {
        let idx = UInt32Array::from_iter_values(an.iter().map(|a| local(a.row)));
        let code = take(
            all.column_by_name("codice_comunicazione")
                .context("codice_comunicazione")?,
            &idx,
            None,
        )?;
        let evento = take(all.column_by_name("evento").context("evento")?, &idx, None)?;
        let columns: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from_iter(
                an.iter()
                    .map(|a| a.rapporto.map(|r| built.rapporti[r as usize].id as i64 + 1)),
            )),
            code,
            evento,
            Arc::new(Date32Array::from_iter(an.iter().map(|a| opt_date(a.data_evento)))),
            Arc::new(StringArray::from_iter_values(an.iter().map(|a| a.motivo.code()))),
            Arc::new(BooleanArray::from_iter(
                an.iter().map(|a| Some(!a.motivo.discards_event())),
            )),
            Arc::new(StringArray::from_iter_values(an.iter().map(|a| a.motivo.descrizione()))),
        ];
        Some(RecordBatch::try_new(anomalie_schema(), columns)?)
    };
    let (segmenti, segmenti_years) = match &rapporti {
        Some(batch) => {
            let (b, y) = segments_batch((rs, &position), batch, built, codes)?;
            (Some(b), y)
        }
        None => (None, vec![]),
    };
    Ok(Part {
        rapporti_years: order.iter().map(|&k| years[k]).collect(),
        rapporti,
        segmenti,
        segmenti_years,
        anomalie_years: an.iter().map(|a| year_of(a.data_evento)).collect(),
        anomalie,
    })
}

/// Writes `rapporti`, `segmenti` and `rapporti_anomalie` into the staging generation.
pub fn write_datasets(
    staging: &Staging,
    groups: &[RowGroup],
    built: &Built,
    codes: &Codes,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<(&'static str, Vec<FileEntry>)>> {
    // The slices of relationships and anomalies of each row group.
    let slices: Vec<(usize, usize, usize, usize)> = groups
        .iter()
        .map(|rg| {
            let lo = rg.first_row;
            let hi = rg.first_row + rg.rows;
            let r0 = built.rapporti.partition_point(|r| (r.first_row as u64) < lo);
            let r1 = built.rapporti.partition_point(|r| (r.first_row as u64) < hi);
            let a0 = built.anomalie.partition_point(|a| (a.row as u64) < lo);
            let a1 = built.anomalie.partition_point(|a| (a.row as u64) < hi);
            (r0, r1, a0, a1)
        })
        .collect();
    let numbers = Numbers::of(&built.rapporti)?;
    // One writer per thread ("lane"), each with its own files, so that Parquet encoding and
    // compression run in parallel; lane k takes row groups k, k + lanes, … (deterministic).
    let lanes = rayon::current_num_threads().max(1);
    let per_lane: Vec<(Vec<FileEntry>, Vec<FileEntry>, Vec<FileEntry>)> = (0..lanes)
        .into_par_iter()
        .map(|lane| {
            let stem = format!("part-build-{lane}");
            let mut w_rap = PartitionedWriter::new(staging, RAPPORTI, &stem, rapporti_schema());
            let mut w_an = PartitionedWriter::new(staging, RAPPORTI_ANOMALIE, &stem, anomalie_schema());
            let mut w_seg = PartitionedWriter::new(staging, SEGMENTI, &stem, segmenti_schema());
            for (rg, &(r0, r1, a0, a1)) in groups.iter().zip(&slices).skip(lane).step_by(lanes) {
                let run = (
                    &built.rapporti[r0..r1],
                    (&numbers.worker[r0..r1], &numbers.employer[r0..r1]),
                );
                let p = part(rg, run, &built.anomalie[a0..a1], built, codes)?;
                if let Some(b) = &p.rapporti {
                    write_by_year(&mut w_rap, b, &p.rapporti_years)?;
                }
                if let Some(b) = &p.anomalie {
                    write_by_year(&mut w_an, b, &p.anomalie_years)?;
                }
                if let Some(b) = &p.segmenti {
                    write_by_year(&mut w_seg, b, &p.segmenti_years)?;
                }
                progress(rg.rows);
            }
            Ok((w_rap.finish()?, w_an.finish()?, w_seg.finish()?))
        })
        .collect::<Result<_>>()?;
    let (mut rap_files, mut an_files, mut seg_files) = (Vec::new(), Vec::new(), Vec::new());
    for (r, a, g) in per_lane {
        rap_files.extend(r);
        an_files.extend(a);
        seg_files.extend(g);
    }
    Ok(vec![
        (RAPPORTI, rap_files),
        (SEGMENTI, seg_files),
        (RAPPORTI_ANOMALIE, an_files),
    ])
}

/// The segments of a run of relationships, by start year and then in the run's order (each year
/// a slice for `write_by_year`), with the relationship's columns repeated (taken from the
/// relationships' batch, whose row `position[k]` is relationship k of the run).
fn segments_batch(
    (rs, position): (&[Rapporto], &[u32]),
    rapporti: &RecordBatch,
    built: &Built,
    codes: &Codes,
) -> Result<(RecordBatch, Vec<i32>)> {
    /// One segment of the run, with what its columns need besides the segment itself.
    struct Seg<'a> {
        s: &'a Segmento,
        year: i32,
        owner: u32,
        n: i32,
        last: bool,
        uscita: Option<i32>,
        precedente: Option<&'a str>,
    }
    let mut segs: Vec<Seg> = Vec::new();
    for (k, r) in rs.iter().enumerate() {
        let list = &built.segmenti[r.segments.clone()];
        for (i, s) in list.iter().enumerate() {
            let last = i + 1 == list.len();
            segs.push(Seg {
                s,
                year: year_of(s.data_inizio),
                owner: position[k],
                n: i as i32 + 1,
                last,
                // The day the segment leaves the end-of-day stock (docs/convenzioni.md).
                uscita: match opt_date(s.data_fine) {
                    Some(d) if !last => Some(d + 1),
                    other => other,
                },
                precedente: if i == 0 {
                    None
                } else {
                    codes.macro_contratto.get(list[i - 1].macro_contratto as u16)
                },
            });
        }
    }
    // In order of start year (stable), so that each year is a slice of the batch.
    segs.sort_by_key(|g| g.year);
    let mut columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from_iter_values(
            segs.iter().map(|g| built.rapporti[g.s.rapporto as usize].id as i64 + 1),
        )),
        Arc::new(Int32Array::from_iter_values(segs.iter().map(|g| g.n))),
        Arc::new(Date32Array::from_iter(segs.iter().map(|g| opt_date(g.s.data_inizio)))),
        Arc::new(Date32Array::from_iter(segs.iter().map(|g| opt_date(g.s.data_fine)))),
        Arc::new(BooleanArray::from_iter(segs.iter().map(|g| Some(g.last)))),
        Arc::new(Date32Array::from_iter(segs.iter().map(|g| g.uscita))),
        texts(&codes.tipologia, segs.iter().map(|g| g.s.tipologia)),
        texts(&codes.macro_contratto, segs.iter().map(|g| g.s.macro_contratto as u16)),
        Arc::new(StringArray::from_iter(segs.iter().map(|g| g.precedente))),
        texts(&codes.orario, segs.iter().map(|g| g.s.orario as u16)),
        Arc::new(Float64Array::from_iter(
            segs.iter().map(|g| Some(g.s.ore as f64).filter(|x| !x.is_nan())),
        )),
        texts(&codes.trasformazione, segs.iter().map(|g| g.s.trasformazione as u16)),
    ];
    let idx = UInt32Array::from_iter_values(segs.iter().map(|g| g.owner));
    for (_, from) in SEGMENT_COPIES {
        let c = rapporti
            .column_by_name(from)
            .with_context(|| format!("rapporti has no column {from}"))?;
        columns.push(take(c.as_ref(), &idx, None)?);
    }
    let years = segs.iter().map(|g| g.year).collect();
    Ok((RecordBatch::try_new(segmenti_schema(), columns)?, years))
}
