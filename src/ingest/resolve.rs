//! Resolution of rettifiche (tipo 03) and annullamenti (tipo 04).
//!
//! Rules (DOMAIN.md §1.6): a correction points at its target through
//! `codice_comunicazione_precedente`. Chains are followed from the original: at each step the
//! latest correction (by `data_invio`, then input order) wins; a rettifica replaces its
//! target, which goes to `co_superati` as `rettificato`; an annullamento removes the whole
//! chain (`annullato`) and is itself kept in the audit as `annullamento`; corrections that
//! lost to a later one are `rettifica_sostituita`. A correction whose target exists nowhere
//! is quarantined (`rettifica_orfana` / `annullamento_orfano`); one whose target was
//! quarantined stands alone; chains that loop are quarantined (`catena_ciclica`). Targets may
//! sit in earlier runs: their Parquet files are rewritten without them in the new generation.

use super::worker::code_hash;
use super::{Held, OrderedState};
use crate::lake::manifest::Manifest;
use crate::lake::schema::{self, QuarantineRow};
use crate::lake::Lake;
use crate::quality::Motivo;
use anyhow::{bail, Context, Result};
use arrow::array::{Array, ArrayRef, Int64Array, StringArray, StringBuilder, TimestampMicrosecondArray, UInt32Array};
use arrow::compute::{concat_batches, take_record_batch};
use arrow::record_batch::RecordBatch;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Codes live in the lake before this run.
#[derive(Debug, Default, Clone)]
pub struct LakeIndex {
    /// Live codes: code hash → keyed content hash (`impronta_record`).
    pub content: FxHashMap<u64, u64>,
    /// code hash → index of its file in the manifest's `co_eventi` list.
    pub location: FxHashMap<u64, u32>,
    /// Codes already superseded (rettificati, annullati: `co_superati`) → content hash. A
    /// communication arriving again with such a code is a copy of a record that is no longer
    /// live: it must not come back.
    pub superseded: FxHashMap<u64, u64>,
}

impl LakeIndex {
    pub fn load(lake: &Lake, manifest: &Manifest) -> Result<LakeIndex> {
        let mut idx = LakeIndex::default();
        for (fi, f) in manifest.files(schema::CO_EVENTI).iter().enumerate() {
            for_each_code(lake, &f.path, |h, imp| {
                idx.content.insert(h, imp);
                idx.location.insert(h, fi as u32);
            })?;
        }
        for f in manifest.files(schema::CO_SUPERATI) {
            for_each_code(lake, &f.path, |h, imp| {
                idx.superseded.insert(h, imp);
            })?;
        }
        Ok(idx)
    }
}

/// Calls `f(code hash, content hash)` for every row of a lake file of communications.
fn for_each_code(lake: &Lake, rel: &str, mut f: impl FnMut(u64, u64)) -> Result<()> {
    let path = lake.file_path(rel).context("lake without a current generation")?;
    let file = std::fs::File::open(&path).with_context(|| format!("opening {}", path.display()))?;
    let builder = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)?;
    let s = builder.schema().clone();
    let ci = s.index_of("codice_comunicazione")?;
    let ii = s.index_of("impronta_record")?;
    let mask = parquet::arrow::ProjectionMask::roots(builder.parquet_schema(), [ci, ii]);
    for b in builder.with_projection(mask).build()? {
        let b = b?;
        let codes = b
            .column(0)
            .as_any()
            .downcast_ref::<StringArray>()
            .context("codice column")?;
        let imp = b
            .column(1)
            .as_any()
            .downcast_ref::<Int64Array>()
            .context("impronta column")?;
        for i in 0..b.num_rows() {
            f(code_hash(codes.value(i)), imp.value(i) as u64);
        }
    }
    Ok(())
}

/// A superseded code, why, and by which communication.
type Superseding = (String, &'static str, Option<String>);

/// A lake file rewritten without its superseded records.
pub struct Rewrite {
    pub old_path: String,
    pub new_path: String,
    pub anno: i32,
    pub batches: Vec<RecordBatch>,
}

/// Outcome of the resolution.
#[derive(Default)]
pub struct Resolved {
    pub live_batches: Vec<(i32, RecordBatch)>,
    pub superseded_batches: Vec<(i32, RecordBatch)>,
    pub quarantine: Vec<QuarantineRow>,
    pub rewrites: Vec<Rewrite>,
    pub live_inputs: Vec<usize>,
    pub superseded_inputs: Vec<usize>,
    pub quarantine_inputs: Vec<usize>,
    pub superseded_in_lake: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Node {
    Held(usize),
    Lake(usize),
}

struct Outcome {
    /// held index → radice code
    live: Vec<(usize, String)>,
    /// node → (motivo, superante)
    superseded: Vec<(Node, &'static str, Option<String>)>,
    quarantine: Vec<(usize, Motivo)>,
}

fn str_col<'a>(b: &'a RecordBatch, name: &str) -> Result<&'a StringArray> {
    b.column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<StringArray>())
        .with_context(|| format!("column {name}"))
}

pub fn resolve(
    st: &OrderedState,
    lake_index: &LakeIndex,
    lake: &Lake,
    manifest: &Manifest,
    id_run: &str,
) -> Result<Resolved> {
    let mut out = Resolved::default();
    if st.held.is_empty() {
        return Ok(out);
    }
    let all = concat_batches(&schema::eventi_schema(), &st.held_batches)?;
    let mut offsets = Vec::with_capacity(st.held_batches.len());
    let mut acc = 0usize;
    for b in &st.held_batches {
        offsets.push(acc);
        acc += b.num_rows();
    }
    let gidx = |h: &Held| offsets[h.batch] + h.row;
    let codes = str_col(&all, "codice_comunicazione")?;
    let prec = str_col(&all, "codice_comunicazione_precedente")?;
    let tipo = str_col(&all, "tipo_comunicazione")?;
    let invio = all
        .column_by_name("data_invio")
        .and_then(|c| c.as_any().downcast_ref::<TimestampMicrosecondArray>())
        .context("data_invio column")?;
    let n = st.held.len();
    let code_of = |i: usize| codes.value(gidx(&st.held[i])).to_string();
    let is_corr = |i: usize| {
        let t = tipo.value(gidx(&st.held[i]));
        t == "03" || t == "04"
    };
    let is_annul = |i: usize| tipo.value(gidx(&st.held[i])) == "04";

    let by_code: FxHashMap<String, usize> = (0..n).map(|i| (code_of(i), i)).collect();
    let quarantined_codes: FxHashSet<&str> = st
        .quarantine
        .iter()
        .filter_map(|q| q.codice_comunicazione.as_deref())
        .collect();

    // Parents and children.
    let mut lake_nodes: Vec<(String, u32)> = Vec::new();
    let mut lake_node_of: FxHashMap<String, usize> = FxHashMap::default();
    let mut children: FxHashMap<Node, Vec<usize>> = FxHashMap::default();
    let mut roots: Vec<Node> = Vec::new();
    let mut orphans: Vec<usize> = Vec::new();
    for i in 0..n {
        if !is_corr(i) {
            roots.push(Node::Held(i));
            continue;
        }
        let g = gidx(&st.held[i]);
        let p = if prec.is_null(g) { "" } else { prec.value(g).trim() };
        if let Some(&t) = by_code.get(p) {
            children.entry(Node::Held(t)).or_default().push(i);
        } else if let Some(&file) = lake_index.location.get(&code_hash(p)) {
            let k = *lake_node_of.entry(p.to_string()).or_insert_with(|| {
                lake_nodes.push((p.to_string(), file));
                lake_nodes.len() - 1
            });
            children.entry(Node::Lake(k)).or_default().push(i);
        } else if quarantined_codes.contains(p) {
            roots.push(Node::Held(i)); // its target was quarantined: it stands alone
        } else if st.seen.contains_key(&code_hash(p)) {
            // Accepted in this run but streamed instead of held: the pre-pass missed it.
            // Calling the correction an orphan would be silently wrong.
            bail!("internal error: the target {p} of a correction was written without being held back (pre-pass miss); nothing was committed");
        } else {
            orphans.push(i);
        }
    }
    for k in 0..lake_nodes.len() {
        roots.push(Node::Lake(k));
    }
    // Orphans' own corrections stand alone too (their target is quarantined now).
    let orphan_set: FxHashSet<usize> = orphans.iter().copied().collect();
    for &o in &orphans {
        if let Some(kids) = children.remove(&Node::Held(o)) {
            roots.extend(kids.into_iter().map(Node::Held));
        }
    }
    for kids in children.values_mut() {
        kids.sort_by_key(|&i| (invio.value(gidx(&st.held[i])), i));
    }

    let mut oc = Outcome {
        live: Vec::new(),
        superseded: Vec::new(),
        quarantine: Vec::new(),
    };
    let mut visited = vec![false; n];
    let lake_code = |k: usize| lake_nodes[k].0.clone();
    let node_code = |nd: Node| match nd {
        Node::Held(i) => code_of(i),
        Node::Lake(k) => lake_code(k),
    };
    fn mark_subtree(
        nd: Node,
        motivo: &'static str,
        by: &str,
        children: &FxHashMap<Node, Vec<usize>>,
        visited: &mut [bool],
        oc: &mut Outcome,
    ) {
        if let Node::Held(i) = nd {
            visited[i] = true;
        }
        oc.superseded.push((nd, motivo, Some(by.to_string())));
        if let Some(kids) = children.get(&nd) {
            for &k in kids {
                mark_subtree(Node::Held(k), motivo, by, children, visited, oc);
            }
        }
    }
    for &root in &roots {
        if let Node::Held(i) = root {
            visited[i] = true;
        }
        let mut path = vec![root];
        let mut cur = root;
        let root_code = node_code(root);
        // A stand-alone annullamento annuls nothing we hold.
        if let Node::Held(i) = root {
            if is_annul(i) {
                oc.superseded.push((root, "annullamento", None));
                if let Some(kids) = children.get(&root) {
                    for &k in kids {
                        mark_subtree(
                            Node::Held(k),
                            "rettifica_sostituita",
                            &root_code,
                            &children,
                            &mut visited,
                            &mut oc,
                        );
                    }
                }
                continue;
            }
        }
        let live = loop {
            let Some(kids) = children.get(&cur) else {
                break Some(cur);
            };
            let Some((&winner, losers)) = kids.split_last() else {
                break Some(cur);
            };
            let wcode = code_of(winner);
            for &l in losers {
                mark_subtree(
                    Node::Held(l),
                    "rettifica_sostituita",
                    &wcode,
                    &children,
                    &mut visited,
                    &mut oc,
                );
            }
            visited[winner] = true;
            if is_annul(winner) {
                for &p in &path {
                    oc.superseded.push((p, "annullato", Some(wcode.clone())));
                }
                oc.superseded.push((Node::Held(winner), "annullamento", None));
                if let Some(k2) = children.get(&Node::Held(winner)) {
                    for &k in k2 {
                        mark_subtree(
                            Node::Held(k),
                            "rettifica_sostituita",
                            &wcode,
                            &children,
                            &mut visited,
                            &mut oc,
                        );
                    }
                }
                break None;
            }
            oc.superseded.push((cur, "rettificato", Some(wcode.clone())));
            path.push(Node::Held(winner));
            cur = Node::Held(winner);
        };
        match live {
            Some(Node::Held(i)) => oc.live.push((i, root_code)),
            Some(Node::Lake(_)) | None => {}
        }
    }
    for &o in &orphans {
        visited[o] = true;
        let m = if is_annul(o) {
            Motivo::AnnullamentoOrfano
        } else {
            Motivo::RettificaOrfana
        };
        oc.quarantine.push((o, m));
    }
    for (i, v) in visited.iter().enumerate() {
        if !v && !orphan_set.contains(&i) {
            oc.quarantine.push((i, Motivo::CatenaCiclica));
        }
    }

    // Live rows, with their chain's root as `codice_comunicazione_radice`.
    oc.live.sort_by_key(|(i, _)| *i);
    let live_idx: Vec<u32> = oc.live.iter().map(|(i, _)| gidx(&st.held[*i]) as u32).collect();
    if !live_idx.is_empty() {
        let b = take_record_batch(&all, &UInt32Array::from(live_idx))?;
        let radice: StringArray = oc.live.iter().map(|(_, r)| Some(r.as_str())).collect();
        let ri = b.schema().index_of("codice_comunicazione_radice")?;
        let mut cols: Vec<ArrayRef> = b.columns().to_vec();
        cols[ri] = Arc::new(radice);
        let b = RecordBatch::try_new(b.schema(), cols)?;
        let years: Vec<i32> = oc.live.iter().map(|(i, _)| st.held[*i].meta.anno).collect();
        out.live_batches = split_by_year(&b, &years)?;
        out.live_inputs = oc.live.iter().map(|(i, _)| st.held[*i].input).collect();
    }

    // Superseded held rows.
    let mut sup_rows: Vec<(usize, &'static str, Option<String>)> = Vec::new();
    let mut sup_lake: BTreeMap<u32, Vec<Superseding>> = BTreeMap::new();
    for (nd, motivo, by) in oc.superseded {
        match nd {
            Node::Held(i) => sup_rows.push((i, motivo, by)),
            Node::Lake(k) => sup_lake
                .entry(lake_nodes[k].1)
                .or_default()
                .push((lake_nodes[k].0.clone(), motivo, by)),
        }
    }
    sup_rows.sort_by_key(|(i, _, _)| *i);
    if !sup_rows.is_empty() {
        let idx: Vec<u32> = sup_rows.iter().map(|(i, _, _)| gidx(&st.held[*i]) as u32).collect();
        let b = take_record_batch(&all, &UInt32Array::from(idx))?;
        let motivi: Vec<&str> = sup_rows.iter().map(|(_, m, _)| *m).collect();
        let by: Vec<Option<&str>> = sup_rows.iter().map(|(_, _, b)| b.as_deref()).collect();
        let b = with_superseded_columns(&b, &motivi, &by, id_run)?;
        let years: Vec<i32> = sup_rows.iter().map(|(i, _, _)| st.held[*i].meta.anno).collect();
        out.superseded_batches.extend(split_by_year(&b, &years)?);
        out.superseded_inputs = sup_rows.iter().map(|(i, _, _)| st.held[*i].input).collect();
    }

    // Records of earlier runs: rewrite their files without them.
    let files = manifest.files(schema::CO_EVENTI);
    for (k, (fi, removed)) in sup_lake.into_iter().enumerate() {
        let entry = files.get(fi as usize).context("lake file index")?;
        let path = lake
            .file_path(&entry.path)
            .context("lake without a current generation")?;
        let batches = crate::lake::read_file(&path)?;
        let gone: FxHashMap<&str, (&'static str, Option<&str>)> = removed
            .iter()
            .map(|(c, m, b)| (c.as_str(), (*m, b.as_deref())))
            .collect();
        let mut kept = Vec::new();
        for b in batches {
            let c = str_col(&b, "codice_comunicazione")?;
            let keep: arrow::array::BooleanArray = (0..b.num_rows())
                .map(|i| Some(!gone.contains_key(c.value(i))))
                .collect();
            let drop_idx: Vec<u32> = (0..b.num_rows())
                .filter(|&i| gone.contains_key(c.value(i)))
                .map(|i| i as u32)
                .collect();
            if !drop_idx.is_empty() {
                let d = take_record_batch(&b, &UInt32Array::from(drop_idx))?;
                let dc = str_col(&d, "codice_comunicazione")?;
                let motivi: Vec<&str> = (0..d.num_rows()).map(|i| gone[dc.value(i)].0).collect();
                let by: Vec<Option<&str>> = (0..d.num_rows()).map(|i| gone[dc.value(i)].1).collect();
                out.superseded_in_lake += d.num_rows() as u64;
                out.superseded_batches
                    .push((entry.anno, with_superseded_columns(&d, &motivi, &by, id_run)?));
            }
            kept.push(arrow::compute::filter_record_batch(&b, &keep)?);
        }
        out.rewrites.push(Rewrite {
            old_path: entry.path.clone(),
            new_path: format!("{}/anno={}/part-{id_run}-r{k}.parquet", schema::CO_EVENTI, entry.anno),
            anno: entry.anno,
            batches: kept,
        });
    }

    // Orphans and cycles to quarantine.
    for (i, m) in oc.quarantine {
        let g = gidx(&st.held[i]);
        let fonte = match str_col(&all, "fonte")?.value(g) {
            "csv" => "csv",
            "lombardia" => "lombardia",
            _ => "unilav",
        };
        let p = if prec.is_null(g) {
            String::new()
        } else {
            prec.value(g).to_string()
        };
        out.quarantine.push(QuarantineRow {
            anno: st.held[i].meta.anno,
            codice_comunicazione: Some(code_of(i)),
            motivo: m.code(),
            campo: Some(crate::model::F::CodiceComunicazionePrecedente.name()),
            dettaglio: format!("la comunicazione precedente '{p}' non esiste nel lotto né nel lago"),
            fonte,
            file_origine: str_col(&all, "file_origine")?.value(g).into(),
            record_origine: st.held[i].meta.line,
            record_grezzo: None,
        });
        out.quarantine_inputs.push(st.held[i].input);
    }
    Ok(out)
}

fn split_by_year(b: &RecordBatch, years: &[i32]) -> Result<Vec<(i32, RecordBatch)>> {
    let distinct: std::collections::BTreeSet<i32> = years.iter().copied().collect();
    let mut out = Vec::new();
    for y in distinct {
        let mask: arrow::array::BooleanArray = years.iter().map(|v| Some(*v == y)).collect();
        out.push((y, arrow::compute::filter_record_batch(b, &mask)?));
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
