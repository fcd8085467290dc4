//! Resolution of rettifiche (tipo 03) and annullamenti (tipo 04).
//!
//! Rules (DOMAIN.md §1.6): a correction points at its target through
//! `codice_comunicazione_precedente`. Chains are followed from the original: at each step the
//! latest correction (by `data_invio`, then by code) wins; a rettifica replaces its target,
//! which goes to `co_superati` as `rettificato`; an annullamento removes the whole chain
//! (`annullato`) and is itself kept in the audit as `annullamento`; corrections that lost to a
//! later one are `rettifica_sostituita`. A correction whose target exists nowhere is
//! quarantined (`rettifica_orfana` / `annullamento_orfano`) and kept, pseudonymised, in
//! `co_in_attesa` until its target arrives; one whose target was quarantined stands alone;
//! chains that loop are quarantined (`catena_ciclica`).
//!
//! **The same records give the same lake whatever their split into runs.** A run never
//! resolves against a frozen past: every lake record in a chain the run touches (live, in
//! `co_superati` or waiting in `co_in_attesa`) is taken back out of its file and resolved
//! again with the new records, as if all had arrived together; the files it left are
//! rewritten in the new generation. Ties on `data_invio` are broken by the code, never by
//! the order of arrival.

use super::chains::{self, Elsewhere, Fate, Member};
use super::worker::code_hash;
use super::OrderedState;
use crate::lake::manifest::Manifest;
use crate::lake::schema::{self, QuarantineRow};
use crate::lake::Lake;
use crate::quality::Motivo;
use anyhow::{bail, Context, Result};
use arrow::array::{
    Array, ArrayRef, BooleanArray, Int64Array, StringArray, StringBuilder, TimestampMicrosecondArray, UInt32Array,
};
use arrow::compute::{concat_batches, filter_record_batch, take_record_batch};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The lake dataset a record sits in, with the index of its file in the manifest's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Place {
    Live(u32),
    Superseded(u32),
    Pending(u32),
}

impl Place {
    fn dataset(self) -> &'static str {
        match self {
            Place::Live(_) => schema::CO_EVENTI,
            Place::Superseded(_) => schema::CO_SUPERATI,
            Place::Pending(_) => schema::CO_IN_ATTESA,
        }
    }
    fn file(self) -> u32 {
        match self {
            Place::Live(f) | Place::Superseded(f) | Place::Pending(f) => f,
        }
    }
}

/// What the lake holds before this run, by code hash.
#[derive(Debug, Default, Clone)]
pub struct LakeIndex {
    /// Every communication of `co_eventi`, `co_superati` and `co_in_attesa`: keyed content
    /// hash (`impronta_record`) and where it is.
    pub records: FxHashMap<u64, (u64, Place)>,
    /// Corrections: code → the code they point at.
    pub parent: FxHashMap<u64, u64>,
    /// Code → the corrections pointing at it.
    pub children: FxHashMap<u64, Vec<u64>>,
    /// Codes quarantined for what they hold (not orphans or loops): a correction pointing at
    /// one stands alone.
    pub quarantined: FxHashSet<u64>,
    /// Orphan corrections' quarantine rows: code → index of the quarantine file.
    pub orphan_rows: FxHashMap<u64, u32>,
}

impl LakeIndex {
    pub fn load(lake: &Lake, manifest: &Manifest) -> Result<LakeIndex> {
        let mut idx = LakeIndex::default();
        type ToPlace = fn(u32) -> Place;
        let places: [(&str, ToPlace); 3] = [
            (schema::CO_EVENTI, Place::Live),
            (schema::CO_SUPERATI, Place::Superseded),
            (schema::CO_IN_ATTESA, Place::Pending),
        ];
        for (dataset, place) in places {
            for (fi, f) in manifest.files(dataset).iter().enumerate() {
                for_each_code(lake, &f.path, |h, imp, prec| {
                    idx.records.insert(h, (imp, place(fi as u32)));
                    if let Some(p) = prec {
                        idx.parent.insert(h, p);
                        idx.children.entry(p).or_default().push(h);
                    }
                })?;
            }
        }
        let orphan = [Motivo::RettificaOrfana.code(), Motivo::AnnullamentoOrfano.code()];
        for (fi, f) in manifest.files(schema::QUARANTENA).iter().enumerate() {
            for b in read_columns(lake, &f.path, &["codice_comunicazione", "motivo"])? {
                let codes = str_col(&b, "codice_comunicazione")?;
                let motivi = str_col(&b, "motivo")?;
                for i in 0..b.num_rows() {
                    if codes.is_null(i) {
                        continue;
                    }
                    let h = code_hash(codes.value(i));
                    if orphan.contains(&motivi.value(i)) {
                        idx.orphan_rows.insert(h, fi as u32);
                    } else if motivi.value(i) != Motivo::CatenaCiclica.code() {
                        idx.quarantined.insert(h);
                    }
                }
            }
        }
        Ok(idx)
    }

    /// The codes the waiting corrections point at: a record arriving with one of them must be
    /// held back for resolution.
    pub fn pending_targets(&self) -> impl Iterator<Item = u64> + '_ {
        self.records
            .iter()
            .filter(|(_, (_, p))| matches!(p, Place::Pending(_)))
            .filter_map(|(h, _)| self.parent.get(h).copied())
    }

    /// Every lake record of the chain `code` belongs to: up through the targets, then down
    /// through every correction.
    fn tree(&self, code: u64, out: &mut FxHashSet<u64>) {
        let mut root = code;
        let mut steps = 0usize;
        while let Some(&p) = self.parent.get(&root) {
            if !self.records.contains_key(&p) || steps > self.parent.len() {
                break;
            }
            root = p;
            steps += 1;
        }
        let mut stack = vec![root];
        while let Some(c) = stack.pop() {
            if !out.insert(c) {
                continue;
            }
            if let Some(kids) = self.children.get(&c) {
                stack.extend(kids.iter().copied().filter(|k| self.records.contains_key(k)));
            }
        }
    }

    /// The lake records this run's records touch: the chains of the codes its corrections
    /// point at, and the chains of waiting corrections whose target arrived (held) or was
    /// quarantined in this run.
    fn touched(&self, targets: impl Iterator<Item = u64>, arrived: impl Iterator<Item = u64>) -> FxHashSet<u64> {
        let mut out = FxHashSet::default();
        for t in targets {
            if self.records.contains_key(&t) && !out.contains(&t) {
                self.tree(t, &mut out);
            }
        }
        for c in arrived {
            for k in self.children.get(&c).into_iter().flatten() {
                if matches!(self.records.get(k), Some((_, Place::Pending(_)))) && !out.contains(k) {
                    self.tree(*k, &mut out);
                }
            }
        }
        out
    }
}

/// The batches of a lake file, with only the columns `names`.
fn read_columns(lake: &Lake, rel: &str, names: &[&str]) -> Result<Vec<RecordBatch>> {
    let path = lake.file_path(rel).context("lake without a current generation")?;
    let file = std::fs::File::open(&path).with_context(|| format!("opening {}", path.display()))?;
    let builder = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)?;
    let s = builder.schema().clone();
    let cols = names
        .iter()
        .map(|n| s.index_of(n))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let mask = parquet::arrow::ProjectionMask::roots(builder.parquet_schema(), cols);
    let batches = builder
        .with_projection(mask)
        .build()?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(batches)
}

/// The code a row's correction points at: rettifiche and annullamenti only, trimmed, never
/// empty.
fn correction_target<'a>(tipo: &StringArray, prec: &'a StringArray, i: usize) -> Option<&'a str> {
    use crate::model::tipo_comunicazione::{ANNULLAMENTO, RETTIFICA};
    let t = tipo.value(i);
    if (t != RETTIFICA && t != ANNULLAMENTO) || prec.is_null(i) {
        return None;
    }
    Some(prec.value(i).trim()).filter(|p| !p.is_empty())
}

/// Calls `f(code hash, content hash, target hash)` for every row of a lake file of
/// communications.
fn for_each_code(lake: &Lake, rel: &str, mut f: impl FnMut(u64, u64, Option<u64>)) -> Result<()> {
    let names = [
        "codice_comunicazione",
        "codice_comunicazione_precedente",
        "tipo_comunicazione",
        "impronta_record",
    ];
    for b in read_columns(lake, rel, &names)? {
        let codes = str_col(&b, "codice_comunicazione")?;
        let prec = str_col(&b, "codice_comunicazione_precedente")?;
        let tipo = str_col(&b, "tipo_comunicazione")?;
        let imp = b
            .column_by_name("impronta_record")
            .and_then(|c| c.as_any().downcast_ref::<Int64Array>())
            .context("impronta column")?;
        for i in 0..b.num_rows() {
            let target = correction_target(tipo, prec, i).map(code_hash);
            f(code_hash(codes.value(i)), imp.value(i) as u64, target);
        }
    }
    Ok(())
}

/// A lake file rewritten without the records taken out of it.
pub struct Rewrite {
    pub dataset: &'static str,
    pub old_path: String,
    /// None when no record is left in it.
    pub new_path: Option<String>,
    pub anno: i32,
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
}

/// Outcome of the resolution.
#[derive(Default)]
pub struct Resolved {
    pub live_batches: Vec<(i32, RecordBatch)>,
    pub superseded_batches: Vec<(i32, RecordBatch)>,
    /// Orphan corrections, kept for when their target arrives (`co_in_attesa`).
    pub pending_batches: Vec<(i32, RecordBatch)>,
    pub quarantine: Vec<QuarantineRow>,
    /// Quarantine rows of lake records resolved again (orphans still waiting, loops).
    pub lake_quarantine: Vec<QuarantineRow>,
    pub rewrites: Vec<Rewrite>,
    /// Records of this run's inputs by outcome: (input, bytes of the record in its file).
    pub live_inputs: Vec<(usize, u64)>,
    pub superseded_inputs: Vec<(usize, u64)>,
    pub quarantine_inputs: Vec<(usize, u64)>,
    /// Lake records resolved again, by `"from → to"` (`co_eventi`, `co_superati`,
    /// `quarantena` for the waiting orphans).
    pub moves: BTreeMap<String, u64>,
}

impl Resolved {
    /// Lake records of earlier runs that this run superseded.
    pub fn superseded_in_lake(&self) -> u64 {
        self.moves
            .get(&move_key(schema::CO_EVENTI, schema::CO_SUPERATI))
            .copied()
            .unwrap_or(0)
    }
}

fn move_key(from: &str, to: &str) -> String {
    format!("{from} → {to}")
}

/// Where a record under resolution comes from.
#[derive(Debug, Clone, Copy)]
enum Origin {
    /// An input of this run, and the bytes the record takes in it.
    Input { input: usize, bytes: u64 },
    /// The lake; the dataset it is counted in (waiting orphans count as `quarantena`).
    Lake(&'static str),
}

#[derive(Debug, Clone, Copy)]
struct NodeInfo {
    /// Row in the concatenated batch.
    row: usize,
    anno: i32,
    line: u64,
    origin: Origin,
}

fn str_col<'a>(b: &'a RecordBatch, name: &str) -> Result<&'a StringArray> {
    b.column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<StringArray>())
        .with_context(|| format!("column {name}"))
}

/// Takes the `pulled` records out of the lake files that hold them: returns them (as
/// `co_eventi` rows, with their file's year) and the rewrites of those files.
fn take_out_of_lake(
    idx: &LakeIndex,
    pulled: &FxHashSet<u64>,
    lake: &Lake,
    manifest: &Manifest,
    id_run: &str,
) -> Result<(Vec<RecordBatch>, Vec<NodeInfo>, Vec<Rewrite>)> {
    let mut by_file: BTreeMap<Place, FxHashSet<u64>> = BTreeMap::new();
    for h in pulled {
        let (_, place) = idx.records[h];
        by_file.entry(place).or_default().insert(*h);
    }
    let eventi = schema::eventi_schema();
    let mut batches = Vec::new();
    let mut nodes = Vec::new();
    let mut rewrites = Vec::new();
    let mut offset = 0usize;
    let mut found = 0usize;
    for (k, (place, codes)) in by_file.iter().enumerate() {
        let dataset = place.dataset();
        let entry = manifest
            .files(dataset)
            .get(place.file() as usize)
            .context("lake file index")?;
        let origin = Origin::Lake(match place {
            Place::Pending(_) => schema::QUARANTENA,
            _ => dataset,
        });
        let path = lake
            .file_path(&entry.path)
            .context("lake without a current generation")?;
        let file_schema = schema::dataset_schema(dataset).context("dataset schema")?;
        let mut kept = Vec::new();
        for b in crate::lake::read_file(&path)? {
            let c = str_col(&b, "codice_comunicazione")?;
            let take: BooleanArray = (0..b.num_rows())
                .map(|i| Some(codes.contains(&code_hash(c.value(i)))))
                .collect();
            let out = filter_record_batch(&b, &take)?;
            if out.num_rows() > 0 {
                // By name: co_superati rows carry three audit columns more, and a file of an
                // older layout lacks the columns added since (read as empty).
                let out = schema::conform(&out, &eventi)?;
                let lines = out
                    .column_by_name("record_origine")
                    .and_then(|c| c.as_any().downcast_ref::<Int64Array>())
                    .context("record_origine column")?;
                for i in 0..out.num_rows() {
                    nodes.push(NodeInfo {
                        row: offset + i,
                        anno: entry.anno,
                        line: lines.value(i) as u64,
                        origin,
                    });
                }
                offset += out.num_rows();
                found += out.num_rows();
                batches.push(out);
            }
            kept.push(schema::conform(
                &filter_record_batch(&b, &arrow::compute::not(&take)?)?,
                &file_schema,
            )?);
        }
        rewrites.push(rewrite(dataset, entry, kept, id_run, k)?);
    }
    if found != pulled.len() {
        bail!(
            "the lake index lists {} records to resolve again, its files hold {found}; nothing was committed",
            pulled.len()
        );
    }
    // The quarantine rows of the waiting orphans taken out leave with them.
    let orphans = [Motivo::RettificaOrfana.code(), Motivo::AnnullamentoOrfano.code()];
    let mut q_files: BTreeMap<u32, FxHashSet<u64>> = BTreeMap::new();
    for h in pulled {
        if matches!(idx.records[h].1, Place::Pending(_)) {
            let fi = idx
                .orphan_rows
                .get(h)
                .context("a waiting correction without its quarantine row")?;
            q_files.entry(*fi).or_default().insert(*h);
        }
    }
    for (k, (fi, codes)) in q_files.iter().enumerate() {
        let entry = manifest
            .files(schema::QUARANTENA)
            .get(*fi as usize)
            .context("quarantine file index")?;
        let path = lake
            .file_path(&entry.path)
            .context("lake without a current generation")?;
        let mut kept = Vec::new();
        let mut removed = 0usize;
        for b in crate::lake::read_file(&path)? {
            let c = str_col(&b, "codice_comunicazione")?;
            let m = str_col(&b, "motivo")?;
            let keep: BooleanArray = (0..b.num_rows())
                .map(|i| {
                    Some(c.is_null(i) || !(orphans.contains(&m.value(i)) && codes.contains(&code_hash(c.value(i)))))
                })
                .collect();
            removed += keep.iter().filter(|v| *v == Some(false)).count();
            kept.push(filter_record_batch(&b, &keep)?);
        }
        if removed != codes.len() {
            bail!(
                "{}: {} quarantine rows of waiting corrections expected, {removed} found; nothing was committed",
                entry.path,
                codes.len()
            );
        }
        rewrites.push(rewrite(schema::QUARANTENA, entry, kept, id_run, by_file.len() + k)?);
    }
    Ok((batches, nodes, rewrites))
}

fn rewrite(
    dataset: &'static str,
    entry: &crate::lake::manifest::FileEntry,
    kept: Vec<RecordBatch>,
    id_run: &str,
    k: usize,
) -> Result<Rewrite> {
    let any = kept.iter().any(|b| b.num_rows() > 0);
    let schema = schema::dataset_schema(dataset).context("dataset schema")?;
    Ok(Rewrite {
        dataset,
        old_path: entry.path.clone(),
        new_path: any.then(|| format!("{dataset}/anno={}/part-{id_run}-r{k}.parquet", entry.anno)),
        anno: entry.anno,
        schema,
        batches: kept.into_iter().filter(|b| b.num_rows() > 0).collect(),
    })
}

pub fn resolve(st: &OrderedState, idx: &LakeIndex, lake: &Lake, manifest: &Manifest, id_run: &str) -> Result<Resolved> {
    let mut out = Resolved::default();
    // 1. The lake records of the chains this run touches.
    let mut held_codes = Vec::new();
    let mut held_targets = Vec::new();
    for b in &st.held_batches {
        let c = str_col(b, "codice_comunicazione")?;
        let p = str_col(b, "codice_comunicazione_precedente")?;
        let t = str_col(b, "tipo_comunicazione")?;
        for i in 0..b.num_rows() {
            held_codes.push(code_hash(c.value(i)));
            if let Some(target) = correction_target(t, p, i) {
                held_targets.push(code_hash(target));
            }
        }
    }
    let quarantined_here: FxHashSet<&str> = st
        .quarantine
        .iter()
        .filter_map(|q| q.codice_comunicazione.as_deref())
        .collect();
    let arrived = held_codes
        .iter()
        .copied()
        .chain(quarantined_here.iter().map(|c| code_hash(c)));
    let pulled = idx.touched(held_targets.into_iter(), arrived);
    if st.held.is_empty() && pulled.is_empty() {
        return Ok(out);
    }
    let (pulled_batches, pulled_nodes, rewrites) = take_out_of_lake(idx, &pulled, lake, manifest, id_run)?;
    out.rewrites = rewrites;

    // 2. One set of records: this run's held ones, then the lake's.
    let mut parts: Vec<RecordBatch> = st.held_batches.clone();
    parts.extend(pulled_batches);
    let all = concat_batches(&schema::eventi_schema(), &parts)?;
    let mut offsets = Vec::with_capacity(st.held_batches.len());
    let mut acc = 0usize;
    for b in &st.held_batches {
        offsets.push(acc);
        acc += b.num_rows();
    }
    let mut nodes: Vec<NodeInfo> = st
        .held
        .iter()
        .map(|h| NodeInfo {
            row: offsets[h.batch] + h.row,
            anno: h.meta.anno,
            line: h.meta.line,
            origin: Origin::Input {
                input: h.input,
                bytes: h.meta.bytes,
            },
        })
        .collect();
    nodes.extend(pulled_nodes.into_iter().map(|mut p| {
        p.row += acc;
        p
    }));
    let codes = str_col(&all, "codice_comunicazione")?;
    let prec = str_col(&all, "codice_comunicazione_precedente")?;
    let tipo = str_col(&all, "tipo_comunicazione")?;
    let invio = all
        .column_by_name("data_invio")
        .and_then(|c| c.as_any().downcast_ref::<TimestampMicrosecondArray>())
        .context("data_invio column")?;

    // 3–4. The chains, and the fate of every record (`chains`).
    let members: Vec<Member> = nodes
        .iter()
        .map(|node| Member {
            code: codes.value(node.row),
            target: matches!(tipo.value(node.row), "03" | "04")
                .then(|| correction_target(tipo, prec, node.row).unwrap_or("")),
            annulment: tipo.value(node.row) == "04",
            invio: invio.value(node.row),
        })
        .collect();
    let fate = chains::fates(&members, &|p| {
        if quarantined_here.contains(p) || idx.quarantined.contains(&code_hash(p)) {
            Elsewhere::Quarantined
        } else if st.seen.contains_key(&code_hash(p)) {
            // Acquired but neither held nor taken back from the lake: calling the correction
            // an orphan would be silently wrong.
            Elsewhere::Acquired
        } else {
            Elsewhere::Nowhere
        }
    })?;

    // 5. Rows out, by fate; counts by input, and lake moves.
    rows_by_fate(&mut out, &all, &nodes, &fate, id_run)?;
    Ok(out)
}

/// Step 5 of [`resolve`]: the rows of every fate (live, superseded with the reason and the
/// superseding code, waiting orphans, quarantine rows for orphans and cycles), each with the
/// root of its chain, and the counts by input or by lake move.
fn rows_by_fate(
    out: &mut Resolved,
    all: &RecordBatch,
    nodes: &[NodeInfo],
    fate: &[(Fate, usize)],
    id_run: &str,
) -> Result<()> {
    let n = nodes.len();
    let codes = str_col(all, "codice_comunicazione")?;
    let prec = str_col(all, "codice_comunicazione_precedente")?;
    let code = |i: usize| codes.value(nodes[i].row);
    let count = |i: usize, to: &'static str, out: &mut Resolved| match nodes[i].origin {
        Origin::Input { input, bytes } => match to {
            schema::CO_EVENTI => out.live_inputs.push((input, bytes)),
            schema::CO_SUPERATI => out.superseded_inputs.push((input, bytes)),
            _ => out.quarantine_inputs.push((input, bytes)),
        },
        Origin::Lake(from) => *out.moves.entry(move_key(from, to)).or_insert(0) += 1,
    };
    let with_radice = |rows: &[usize]| -> Result<RecordBatch> {
        let idx: Vec<u32> = rows.iter().map(|&i| nodes[i].row as u32).collect();
        let b = take_record_batch(all, &UInt32Array::from(idx))?;
        let radice: StringArray = rows.iter().map(|&i| Some(code(fate[i].1))).collect();
        let ri = b.schema().index_of("codice_comunicazione_radice")?;
        let mut cols: Vec<ArrayRef> = b.columns().to_vec();
        cols[ri] = Arc::new(radice);
        Ok(RecordBatch::try_new(b.schema(), cols)?)
    };
    let years = |rows: &[usize]| rows.iter().map(|&i| nodes[i].anno).collect::<Vec<_>>();

    let live: Vec<usize> = (0..n).filter(|&i| matches!(fate[i].0, Fate::Live)).collect();
    if !live.is_empty() {
        out.live_batches = split_by_year(&with_radice(&live)?, &years(&live))?;
    }
    for &i in &live {
        count(i, schema::CO_EVENTI, out);
    }

    let sup: Vec<usize> = (0..n).filter(|&i| matches!(fate[i].0, Fate::Superseded(..))).collect();
    if !sup.is_empty() {
        let mut motivi = Vec::new();
        let mut by = Vec::new();
        for &i in &sup {
            if let Fate::Superseded(m, b) = &fate[i].0 {
                motivi.push(*m);
                by.push(b.as_deref());
            }
        }
        let b = with_superseded_columns(&with_radice(&sup)?, &motivi, &by, id_run)?;
        out.superseded_batches = split_by_year(&b, &years(&sup))?;
    }
    for &i in &sup {
        count(i, schema::CO_SUPERATI, out);
    }

    let orphan_rows: Vec<usize> = (0..n).filter(|&i| matches!(fate[i].0, Fate::Orphan(_))).collect();
    if !orphan_rows.is_empty() {
        out.pending_batches = split_by_year(&with_radice(&orphan_rows)?, &years(&orphan_rows))?;
    }
    let fonte_col = str_col(all, "fonte")?;
    let file_col = str_col(all, "file_origine")?;
    for i in 0..n {
        let m = match fate[i].0 {
            Fate::Orphan(m) => m,
            Fate::Cycle => Motivo::CatenaCiclica,
            _ => continue,
        };
        let g = nodes[i].row;
        let p = if prec.is_null(g) { "" } else { prec.value(g) };
        let row = QuarantineRow {
            anno: nodes[i].anno,
            codice_comunicazione: Some(code(i).to_string()),
            motivo: m.code(),
            campo: Some(crate::model::F::CodiceComunicazionePrecedente.name()),
            dettaglio: match m {
                Motivo::CatenaCiclica => format!("la catena di rettifiche da '{p}' torna su se stessa"),
                _ => format!(
                    "la comunicazione precedente '{p}' non esiste nel lotto né nel lago: resta in co_in_attesa \
                     finché non arriva"
                ),
            },
            fonte: match fonte_col.value(g) {
                "csv" => "csv",
                "lombardia" => "lombardia",
                _ => "unilav",
            },
            file_origine: file_col.value(g).into(),
            record_origine: nodes[i].line,
            record_grezzo: None,
        };
        match nodes[i].origin {
            Origin::Input { .. } => out.quarantine.push(row),
            Origin::Lake(_) => out.lake_quarantine.push(row),
        }
        count(i, schema::QUARANTENA, out);
    }
    Ok(())
}

fn split_by_year(b: &RecordBatch, years: &[i32]) -> Result<Vec<(i32, RecordBatch)>> {
    let distinct: std::collections::BTreeSet<i32> = years.iter().copied().collect();
    let mut out = Vec::new();
    for y in distinct {
        let mask: BooleanArray = years.iter().map(|v| Some(*v == y)).collect();
        out.push((y, filter_record_batch(b, &mask)?));
    }
    Ok(out)
}

fn with_superseded_columns(b: &RecordBatch, motivi: &[&str], by: &[Option<&str>], id_run: &str) -> Result<RecordBatch> {
    let mut cols: Vec<ArrayRef> = b.columns().to_vec();
    cols.push(Arc::new(StringArray::from(motivi.to_vec())));
    cols.push(Arc::new(StringArray::from(by.to_vec())));
    let mut r = StringBuilder::new();
    for _ in 0..b.num_rows() {
        r.append_value(id_run);
    }
    cols.push(Arc::new(r.finish()));
    Ok(RecordBatch::try_new(schema::superati_schema(), cols)?)
}
