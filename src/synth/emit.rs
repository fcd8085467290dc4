//! Writing: month by month, the communications in input order (CSV extract and UNILAV XML
//! batches), the injected faults, and the ground truth.
//!
//! When a month is complete its real communications are numbered in (data_invio, sequence)
//! order: the k-th gets the progressive `BASE + 8k + 4`. Fault records attached to it use
//! the free slots `8k+0…8k+7`, so switching faults on or off never renumbers a true
//! communication (the truth files are identical either way). Fault draws use their own
//! hash stream keyed by the communication's sequence number.
//!
//! [`Numberer`] runs with the simulation; [`Writer`] runs on its own thread and receives each
//! month as [`Row`]s that carry a copy of their worker and employer.

use super::cal::{self, month_index, month_start};
use super::people;
use super::profile::World;
use super::profile::{TIP_CODES, TIP_EXPIRED, TIP_TD, TIP_TD_SOST, TIP_UNKNOWN, TRS_CODES};
use super::rng::{hash3, splitmix64, unit};
use super::sim::{
    Employer, Ev, Gen, Truth, Worker, EV_ASS, EV_CES, EV_PRO, EV_TRS, NONE, NO_TRUTH, ORARI, OR_N, OWNER_BASE,
};
use crate::model::{RawCo, F};
use crate::sources::co_csv::CsvWriter;
use crate::sources::unilav_xml::XmlBatchWriter;
use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// First progressive number of the codici comunicazione.
const BASE: u64 = 1_000_000;

const STREAM_FAULT: u64 = 0x4641_554C;
const STREAM_FAULT2: u64 = 0x4641_5532;
const STREAM_ALT: u64 = 0x414C_5446;

/// Reasons written to `truth/anomalie.csv` (index 0 = none).
pub const MOTIVI: [&str; 11] = [
    "",
    "cf_lavoratore_carattere_controllo",
    "cf_lavoratore_formato",
    "codice_sconosciuto",
    "codice_non_valido_alla_data",
    "data_non_valida",
    "duplicato",
    "rettifica_orfana",
    "rettificato",
    "annullato",
    "annullamento",
];
const M_CHECK: u8 = 1;
const M_FORMATO: u8 = 2;
const M_SCONOSCIUTO: u8 = 3;
const M_SCADUTO: u8 = 4;
const M_DATA: u8 = 5;
const M_DUP: u8 = 6;
const M_ORFANA: u8 = 7;
const M_RETTIFICATO: u8 = 8;
const M_ANNULLATO: u8 = 9;
const M_ANNULLAMENTO: u8 = 10;

/// Fault rates, per ordinary communication.
#[derive(Debug, Clone, Copy)]
pub struct FaultRates {
    pub cf_carattere_controllo: f64,
    pub cf_formato: f64,
    pub codice_sconosciuto: f64,
    pub codice_non_valido_alla_data: f64,
    pub data_non_valida: f64,
    pub duplicato: f64,
    pub rettifica_orfana: f64,
    pub rettifica: f64,
    pub annullamento: f64,
}

impl Default for FaultRates {
    fn default() -> Self {
        FaultRates {
            cf_carattere_controllo: 0.003,
            cf_formato: 0.001,
            codice_sconosciuto: 0.002,
            codice_non_valido_alla_data: 0.001,
            data_non_valida: 0.001,
            duplicato: 0.003,
            rettifica_orfana: 0.0005,
            rettifica: 0.01,
            annullamento: 0.003,
        }
    }
}

/// Expected share of ASS among communications, and of ASS + CES: restricted faults are
/// drawn at `rate / share` on eligible records so that their rate per communication holds.
const SHARE_ASS: f64 = 0.5;
const SHARE_ASS_CES: f64 = 0.86;

/// What a fault record changes in the copied communication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutation {
    None,
    /// Worker CF with a wrong check character (shift of the letter).
    BadCheck(u8),
    /// Worker CF of 15 characters.
    FormatShort,
    /// A digit in the surname part of the worker CF.
    FormatDigit,
    UnknownAteco,
    UnknownComune,
    /// An impossible DataInizio (variant).
    BadDate(u8),
    /// Another (valid) livello di istruzione.
    Livello(u8),
}

/// One record to write.
#[derive(Debug, Clone, Copy)]
pub struct Item {
    pub ts: i64,
    pub seq: u64,
    pub sub: u8,
    pub ev: Ev,
    /// Progressive of the codice comunicazione (0 = not numbered yet).
    pub prog: u64,
    /// Progressive of the codice comunicazione precedente (0 = none).
    pub prec: u64,
    /// 1 ordinaria, 3 rettifica, 4 annullamento.
    pub tipo: u8,
    pub mutation: Mutation,
    /// Index in [`MOTIVI`] (0 = a correct record).
    pub motivo: u8,
    /// A true communication (not a fault record).
    pub real: bool,
    /// data_invio in the form with fractional seconds and offset.
    pub alt: bool,
    /// Index of the relationship's truth (on its ASS), [`super::sim::NO_TRUTH`] if none.
    pub truth: u32,
}

impl Item {
    /// Fraction of the second (µs) written when `alt`, else 0.
    pub fn micros(&self) -> u32 {
        if self.alt {
            (splitmix64(self.seq ^ self.prog.rotate_left(29)) % 1_000_000) as u32
        } else {
            0
        }
    }
}

/// Counters reported in the summary.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    pub rows: u64,
    pub real_by_evento: [u64; 4],
    pub rows_by_evento: [u64; 4],
    pub by_motivo: [u64; 11],
    pub rows_by_year: std::collections::BTreeMap<i32, u64>,
    pub rapporti: u64,
    pub pregressi: u64,
    pub imputate: u64,
}

/// A file written under a temporary name and renamed when complete.
struct Pending {
    tmp: PathBuf,
    dest: PathBuf,
}

fn tmp_path(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dest.with_file_name(format!(".{name}.tmp"))
}

fn csv_file(dest: &Path, header: &[&str]) -> Result<(csv::Writer<BufWriter<File>>, Pending)> {
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let tmp = tmp_path(dest);
    let f = File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    let mut w = csv::WriterBuilder::new().from_writer(BufWriter::with_capacity(1 << 18, f));
    w.write_record(header)?;
    Ok((
        w,
        Pending {
            tmp,
            dest: dest.to_path_buf(),
        },
    ))
}

pub const RAPPORTI_HEADER: [&str; 16] = [
    "codice_comunicazione_avvio",
    "data_inizio",
    "data_fine_effettiva",
    "tipologia_contrattuale",
    "cessazione_imputata",
    "data_fine_prevista",
    "tipologia_finale",
    "n_proroghe",
    "codice_trasformazione",
    "data_trasformazione",
    "causa_cessazione",
    "evento_cessazione_comunicato",
    "cf_lavoratore",
    "cf_datore",
    "settore",
    "sede_lavoro_comune",
];

/// A record ready to write: the item with a copy of its worker and employer, so that the
/// writer thread needs nothing from the simulation.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    pub it: Item,
    pub worker: Worker,
    pub emp: Employer,
}

/// A ground-truth row ready to write (`prog` = 0 for the pregressi).
#[derive(Debug, Clone, Copy)]
pub struct TruthRow {
    pub prog: u64,
    pub t: Truth,
    pub worker_cf: [u8; 16],
    pub emp: Employer,
}

/// What the simulation sends to the writer thread, in output order.
pub enum Msg {
    Month {
        mi: i32,
        rows: Vec<Row>,
        truth: Vec<TruthRow>,
    },
    Pregressi(Vec<TruthRow>),
}

fn push_code(out: &mut String, region: &str, prog: u64) {
    out.clear();
    let _ = write!(out, "{region}{prog:014}");
}

fn truth_row_of(g: &Gen, prog: u64, t: Truth) -> TruthRow {
    TruthRow {
        prog,
        t,
        worker_cf: g.workers[t.worker as usize].cf,
        emp: g.employers[t.employer as usize],
    }
}

/// Takes the pregressi collected so far.
pub fn drain_pregressi(g: &mut Gen) -> Option<Msg> {
    if g.pregressi.is_empty() {
        return None;
    }
    let list = std::mem::take(&mut g.pregressi);
    Some(Msg::Pregressi(
        list.into_iter().map(|t| truth_row_of(g, 0, t)).collect(),
    ))
}

/// Numbers the communications of complete months and injects the faults (simulation side).
pub struct Numberer {
    seed: u64,
    faults: Option<FaultRates>,
    horizon_end: i64,
    next_k: u64,
}

impl Numberer {
    pub fn new(seed: u64, faults: Option<FaultRates>, last_day: i32) -> Numberer {
        Numberer {
            seed,
            faults,
            horizon_end: last_day as i64 * 86_400 + 86_399,
            next_k: 0,
        }
    }

    // ----- faults ----------------------------------------------------------------------------------

    fn place(g: &mut Gen, it: Item, mi: i32, out: &mut Vec<Item>) {
        let m = month_index(it.ts.div_euclid(86_400) as i32);
        if m <= mi {
            out.push(it);
        } else {
            g.buckets.entry(m).or_default().push(it);
        }
    }

    /// Draws at most one fault for the real communication `it` (numbered `k`) and places
    /// it and its fault records.
    fn inject(&self, g: &mut Gen, mut it: Item, k: u64, mi: i32, out: &mut Vec<Item>) {
        let Some(r) = self.faults else {
            out.push(it);
            return;
        };
        let u = unit(hash3(self.seed, STREAM_FAULT, it.seq));
        let h = hash3(self.seed, STREAM_FAULT2, it.seq);
        let kind = it.ev.kind;
        let can_after = |secs: i64| it.ts + secs <= self.horizon_end;
        let rates: [(u8, f64); 9] = [
            (M_CHECK, r.cf_carattere_controllo),
            (M_FORMATO, r.cf_formato),
            (M_SCONOSCIUTO, r.codice_sconosciuto),
            (M_SCADUTO, r.codice_non_valido_alla_data),
            (M_DATA, r.data_non_valida),
            (M_DUP, r.duplicato),
            (M_ORFANA, if can_after(7_200) { r.rettifica_orfana } else { 0.0 }),
            (
                M_RETTIFICATO,
                if (kind == EV_ASS || kind == EV_CES) && can_after(11 * 86_400) {
                    r.rettifica / SHARE_ASS_CES
                } else {
                    0.0
                },
            ),
            (
                M_ANNULLATO,
                if kind == EV_ASS && can_after(4 * 86_400) {
                    r.annullamento / SHARE_ASS
                } else {
                    0.0
                },
            ),
        ];
        let mut acc = 0.0;
        let mut chosen = 0u8;
        for (m, rate) in rates {
            acc += rate;
            if u < acc {
                chosen = m;
                break;
            }
        }
        let base = BASE + 8 * k;
        let month_lo = month_start(mi) as i64 * 86_400;
        let copy = |it: &Item, prog: u64, sub: u8, motivo: u8| -> Item {
            let mut c = *it;
            c.prog = prog;
            c.sub = sub;
            c.motivo = motivo;
            c.real = false;
            c.alt = (h >> 40).is_multiple_of(50);
            c
        };
        match chosen {
            M_CHECK | M_FORMATO | M_SCONOSCIUTO | M_SCADUTO | M_DATA => {
                // An erroneous first submission, shortly before the correct one.
                let mut c = copy(&it, base, 0, chosen);
                c.ts = (it.ts - 60 - (h % 1_740) as i64).max(month_lo);
                let v = (h >> 20) as u8;
                match chosen {
                    M_CHECK => c.mutation = Mutation::BadCheck(1 + v % 25),
                    M_FORMATO => {
                        c.mutation = if v.is_multiple_of(2) {
                            Mutation::FormatShort
                        } else {
                            Mutation::FormatDigit
                        };
                    }
                    M_SCONOSCIUTO => match v % 3 {
                        0 => c.ev.tip = TIP_UNKNOWN,
                        1 => c.mutation = Mutation::UnknownAteco,
                        _ => c.mutation = Mutation::UnknownComune,
                    },
                    M_SCADUTO => {
                        let check_day = if kind == EV_TRS { it.ev.date } else { it.ev.start };
                        let cands: Vec<u8> = TIP_EXPIRED
                            .filter(|&t| {
                                g.w.tip_validity[t as usize].is_some_and(|(from, to)| check_day > to && from <= to)
                            })
                            .collect();
                        if cands.is_empty() {
                            out.push(it);
                            return;
                        }
                        c.ev.tip = cands[(v as usize) % cands.len()];
                    }
                    _ => c.mutation = Mutation::BadDate(v % 4),
                }
                out.push(c);
                out.push(it);
            }
            M_DUP => {
                let mut c = it;
                c.sub = 2;
                c.motivo = M_DUP;
                c.real = false;
                out.push(it);
                out.push(c);
            }
            M_ORFANA => {
                let mut c = copy(&it, base + 5, 3, M_ORFANA);
                c.tipo = 3;
                c.prec = base + 6; // never assigned
                c.ts = it.ts + 60 + (h % 7_000) as i64;
                out.push(it);
                Self::place(g, c, mi, out);
            }
            M_RETTIFICATO => {
                let chain = (h >> 8).is_multiple_of(5);
                let mut wrong = copy(&it, base + 1, 1, M_RETTIFICATO);
                wrong.alt = it.alt;
                Self::make_wrong(g, &mut wrong, h, 0);
                let mut last = wrong.prog;
                let mut t = it.ts;
                out.push(wrong);
                let day_secs = |t: i64, days: i64, hh: u64| {
                    let d = t.div_euclid(86_400) + days;
                    d * 86_400 + 8 * 3600 + (hh % (10 * 3600)) as i64
                };
                if chain {
                    t = day_secs(t, 1 + (h >> 12) as i64 % 5, h >> 16);
                    let mut w2 = copy(&it, base + 2, 2, M_RETTIFICATO);
                    w2.tipo = 3;
                    w2.prec = last;
                    w2.ts = t;
                    Self::make_wrong(g, &mut w2, h, 1);
                    last = w2.prog;
                    Self::place(g, w2, mi, out);
                }
                t = day_secs(t, 1 + (h >> 24) as i64 % 5, h >> 28).min(self.horizon_end);
                it.tipo = 3;
                it.prec = last;
                it.ts = t.max(it.ts + 60);
                it.sub = 5;
                Self::place(g, it, mi, out);
            }
            M_ANNULLATO => {
                let mut sp = copy(&it, base + 3, 3, M_ANNULLATO);
                sp.ev.worker = Self::other_worker(g, &it, h);
                sp.ts = it.ts + 60 + (h % 3_540) as i64;
                let mut an = sp;
                an.prog = base + 5;
                an.prec = sp.prog;
                an.tipo = 4;
                an.sub = 4;
                an.motivo = M_ANNULLAMENTO;
                an.ts = sp.ts + 3_600 + ((h >> 24) % (2 * 86_400)) as i64;
                out.push(it);
                Self::place(g, sp, mi, out);
                Self::place(g, an, mi, out);
            }
            _ => out.push(it),
        }
    }

    /// A valid but wrong value in the first version of a rettified communication.
    fn make_wrong(g: &Gen, it: &mut Item, h: u64, variant: u8) {
        let ev = &mut it.ev;
        if ev.kind == EV_CES {
            let n = g.w.causes.codes.len().max(1) as u64;
            let shift = 1 + (h >> (8 + variant * 8)) % (n - 1).max(1);
            ev.code = ((ev.code as u64 + shift) % n) as u8;
            return;
        }
        if ev.fine != NONE && variant == 0 {
            ev.fine += 30;
        } else if ev.fine != NONE && (ev.tip == TIP_TD || ev.tip == TIP_TD_SOST) {
            ev.tip = if ev.tip == TIP_TD { TIP_TD_SOST } else { TIP_TD };
        } else {
            let l = g.workers[ev.worker as usize].livello;
            let shift = 1 + ((h >> (16 + variant * 4)) % 12) as u8;
            it.mutation = Mutation::Livello((l + shift) % 13);
        }
    }

    fn other_worker(g: &Gen, it: &Item, h: u64) -> u32 {
        let n = g.workers.len() as u64;
        let mut x = h;
        for _ in 0..64 {
            x = splitmix64(x);
            let id = (x % n.max(1)) as u32;
            if id == it.ev.worker {
                continue;
            }
            let a = cal::age_at(g.workers[id as usize].birth, it.ev.start);
            if (18..=60).contains(&a) {
                return id;
            }
        }
        it.ev.worker
    }

    /// Numbers one complete month, injects its faults and returns its records in output
    /// order with the truth of the relationships it starts.
    pub fn month(&mut self, g: &mut Gen, mi: i32) -> Msg {
        let items = g.buckets.remove(&mi).unwrap_or_default();
        let (mut fresh, mut out): (Vec<Item>, Vec<Item>) = items.into_iter().partition(|it| it.prog == 0);
        fresh.sort_unstable_by_key(|it| (it.ts, it.seq));
        out.reserve(fresh.len() + fresh.len() / 16);
        let mut truth = Vec::new();
        for mut it in fresh {
            let k = self.next_k;
            self.next_k += 1;
            it.prog = BASE + 8 * k + 4;
            it.alt = hash3(self.seed, STREAM_ALT, it.seq).is_multiple_of(50);
            if it.ev.kind == EV_ASS && it.truth != NO_TRUTH {
                if let Some(t) = g.take_truth(it.truth) {
                    truth.push(truth_row_of(g, it.prog, t));
                }
                it.truth = NO_TRUTH;
            }
            self.inject(g, it, k, mi, &mut out);
        }
        // Wall-clock order, fractions of a second included, then emission sequence.
        out.sort_by_key(|it| (it.ts, it.micros(), it.seq, it.sub));
        let rows = out
            .into_iter()
            .map(|it| Row {
                it,
                worker: g.workers[it.ev.worker as usize],
                emp: g.employers[it.ev.employer as usize],
            })
            .collect();
        Msg::Month { mi, rows, truth }
    }
}

/// Writes the files (runs on its own thread).
pub struct Writer<'w> {
    w: &'w World,
    places: Vec<&'static str>,
    region: String,
    seed: u64,
    csv: Option<(CsvWriter<BufWriter<File>>, Pending)>,
    xml_root: Option<PathBuf>,
    anomalie: (csv::Writer<BufWriter<File>>, Pending),
    rapporti: (csv::Writer<BufWriter<File>>, Pending),
    pregressi: (csv::Writer<BufWriter<File>>, Pending),
    rec: RawCo,
    scratch: String,
    scratch2: String,
    counts: Counts,
    files: Vec<PathBuf>,
    done: &'w AtomicU64,
}

impl<'w> Writer<'w> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        out: &Path,
        w: &'w World,
        places: Vec<&'static str>,
        region: &str,
        seed: u64,
        write_csv: bool,
        write_xml: bool,
        done: &'w AtomicU64,
    ) -> Result<Writer<'w>> {
        std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
        let csv = if write_csv {
            let dest = out.join("co.csv");
            let tmp = tmp_path(&dest);
            Some((CsvWriter::create(&tmp)?, Pending { tmp, dest }))
        } else {
            None
        };
        let truth = out.join("truth");
        let anomalie = csv_file(&truth.join("anomalie.csv"), &["codice_comunicazione", "motivo"])?;
        let rapporti = csv_file(&truth.join("rapporti.csv"), &RAPPORTI_HEADER)?;
        let pregressi = csv_file(&truth.join("rapporti_pregressi.csv"), &RAPPORTI_HEADER)?;
        Ok(Writer {
            w,
            places,
            region: region.to_string(),
            seed,
            csv,
            xml_root: write_xml.then(|| out.join("unilav")),
            anomalie,
            rapporti,
            pregressi,
            rec: RawCo::default(),
            scratch: String::with_capacity(64),
            scratch2: String::with_capacity(64),
            counts: Counts::default(),
            files: Vec::new(),
            done,
        })
    }

    pub fn handle(&mut self, msg: Msg) -> Result<()> {
        match msg {
            Msg::Month { mi, rows, truth } => {
                for t in &truth {
                    self.truth_row(t, false)?;
                }
                self.write_month(mi, &rows)
            }
            Msg::Pregressi(list) => {
                for t in &list {
                    self.truth_row(t, true)?;
                }
                Ok(())
            }
        }
    }

    fn truth_row(&mut self, r: &TruthRow, pregresso: bool) -> Result<()> {
        let t = &r.t;
        if pregresso {
            self.scratch.clear();
            self.counts.pregressi += 1;
        } else {
            push_code(&mut self.scratch, &self.region, r.prog);
            self.counts.rapporti += 1;
        }
        if t.imputata {
            self.counts.imputate += 1;
        }
        let dates =
            [t.start, t.end, t.fine_prevista, t.trs.map_or(NONE, |x| x.1)].map(|x| (x != NONE).then(|| cal::date10(x)));
        let d = |i: usize| dates[i].as_ref().map_or("", |b| std::str::from_utf8(b).unwrap_or(""));
        let trs_code = t.trs.map_or("", |(c, _)| TRS_CODES[c as usize]);
        let cause = t.cause.map_or("", |c| self.w.causes.codes[c as usize]);
        let n_pro = [b'0' + t.n_pro.min(9)];
        let dest = if pregresso {
            &mut self.pregressi.0
        } else {
            &mut self.rapporti.0
        };
        dest.write_record([
            self.scratch.as_str(),
            d(0),
            d(1),
            TIP_CODES[t.tip0 as usize],
            if t.imputata { "true" } else { "false" },
            d(2),
            TIP_CODES[t.tip_final as usize],
            std::str::from_utf8(&n_pro).unwrap_or("0"),
            trs_code,
            d(3),
            cause,
            if t.ces_comunicata { "true" } else { "false" },
            std::str::from_utf8(&r.worker_cf).unwrap_or(""),
            r.emp.cf_str(),
            self.w.sectors[r.emp.sector as usize].ateco,
            self.w.comuni[r.emp.sede as usize].belfiore.as_str(),
        ])?;
        Ok(())
    }

    fn write_month(&mut self, mi: i32, rows: &[Row]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let year = mi.div_euclid(12);
        let month = mi.rem_euclid(12) + 1;
        let mut xml = match &self.xml_root {
            Some(root) => {
                let dest = root
                    .join(format!("{year:04}"))
                    .join(format!("unilav_{year:04}_{month:02}.xml"));
                let tmp = tmp_path(&dest);
                Some((XmlBatchWriter::create(&tmp)?, Pending { tmp, dest }))
            }
            None => None,
        };
        for row in rows {
            let it = &row.it;
            self.fill(row);
            if let Some((w, _)) = self.csv.as_mut() {
                w.write(&self.rec)?;
            }
            if let Some((w, _)) = xml.as_mut() {
                w.write(&self.rec)?;
            }
            if it.motivo != 0 {
                self.anomalie
                    .0
                    .write_record([self.rec.get(F::CodiceComunicazione), MOTIVI[it.motivo as usize]])?;
                self.counts.by_motivo[it.motivo as usize] += 1;
            }
            self.counts.rows += 1;
            self.counts.rows_by_evento[it.ev.kind as usize] += 1;
            if it.real {
                self.counts.real_by_evento[it.ev.kind as usize] += 1;
            }
        }
        *self.counts.rows_by_year.entry(year).or_default() += rows.len() as u64;
        self.done.store(self.counts.rows, Ordering::Relaxed);
        if let Some((w, p)) = xml {
            w.finish()?;
            std::fs::rename(&p.tmp, &p.dest).with_context(|| format!("renaming {}", p.tmp.display()))?;
            self.files.push(p.dest);
        }
        Ok(())
    }

    /// Fills the reusable record with an item's fields.
    fn fill(&mut self, row: &Row) {
        let seed = self.seed;
        let w = self.w;
        let it = &row.it;
        let ev = &it.ev;
        let worker = &row.worker;
        let emp = &row.emp;
        let sector = &w.sectors[emp.sector as usize];
        let f = &mut self.rec.fields;
        for s in f.iter_mut() {
            s.clear();
        }
        let set = |f: &mut [String; crate::model::N_FIELDS], k: F, v: &str| {
            f[k as usize].push_str(v);
        };
        push_code(&mut f[F::CodiceComunicazione as usize], &self.region, it.prog);
        if it.prec != 0 {
            push_code(&mut f[F::CodiceComunicazionePrecedente as usize], &self.region, it.prec);
        }
        set(
            f,
            F::TipoComunicazione,
            ["01", "01", "02", "03", "04"][it.tipo.min(4) as usize],
        );
        let day = it.ts.div_euclid(86_400) as i32;
        let alt = it.alt.then(|| (it.micros(), cal::italian_offset_hours(day)));
        cal::push_datetime(&mut f[F::DataInvio as usize], it.ts, alt);
        set(f, F::TipoEvento, ["ASS", "PRO", "TRS", "CES"][ev.kind as usize]);
        set(f, F::ForzaMaggiore, "NO");
        set(f, F::TipoModulo, "UL");
        // Employer.
        set(f, F::DatoreCodiceFiscale, emp.cf_str());
        if emp.personal {
            let (cog, nom) = (&mut self.scratch, &mut self.scratch2);
            people::person_names(
                seed,
                OWNER_BASE + ev.employer as u64,
                emp.owner_salt,
                emp.owner_group,
                emp.owner_female,
                cog,
                nom,
            );
            let d = &mut f[F::DatoreDenominazione as usize];
            d.push_str(cog);
            d.push(' ');
            d.push_str(nom);
        } else {
            people::company_name(
                &mut f[F::DatoreDenominazione as usize],
                seed,
                ev.employer as u64,
                sector.divisione,
                emp.pa,
            );
        }
        set(f, F::DatorePa, if emp.pa { "SI" } else { "NO" });
        set(
            f,
            F::DatoreSettore,
            if it.mutation == Mutation::UnknownAteco {
                "99.99.99"
            } else {
                sector.ateco
            },
        );
        set(
            f,
            F::SedeLavoroComune,
            if it.mutation == Mutation::UnknownComune {
                w.unknown_comune
            } else {
                w.comuni[emp.sede as usize].belfiore.as_str()
            },
        );
        people::address(
            &mut f[F::SedeLavoroIndirizzo as usize],
            hash3(seed, 0x5345_4445, ev.employer as u64),
        );
        // Worker.
        let cfw = &mut f[F::LavoratoreCodiceFiscale as usize];
        let mut cfb = worker.cf;
        match it.mutation {
            Mutation::BadCheck(shift) => {
                cfb[15] = b'A' + ((cfb[15] - b'A' + shift % 26) % 26);
                if cfb[15] == worker.cf[15] {
                    cfb[15] = if cfb[15] == b'A' { b'B' } else { b'A' };
                }
                cfw.push_str(std::str::from_utf8(&cfb).unwrap_or(""));
            }
            Mutation::FormatShort => cfw.push_str(std::str::from_utf8(&cfb[..15]).unwrap_or("")),
            Mutation::FormatDigit => {
                cfb[1] = b'0' + (ev.worker % 10) as u8;
                cfw.push_str(std::str::from_utf8(&cfb).unwrap_or(""));
            }
            _ => cfw.push_str(std::str::from_utf8(&cfb).unwrap_or("")),
        }
        let cit = &w.cits[worker.cit as usize];
        {
            let (cog, nom) = (&mut self.scratch, &mut self.scratch2);
            people::person_names(seed, ev.worker as u64, worker.salt, cit.group, worker.female, cog, nom);
            f[F::LavoratoreCognome as usize].push_str(cog);
            f[F::LavoratoreNome as usize].push_str(nom);
        }
        set(f, F::LavoratoreSesso, if worker.female { "F" } else { "M" });
        cal::push_date(&mut f[F::LavoratoreNascitaData as usize], worker.birth);
        set(f, F::LavoratoreNascitaComune, self.places[worker.birth_place as usize]);
        set(f, F::LavoratoreCittadinanza, cit.codice);
        set(f, F::LavoratoreDomicilioComune, self.places[worker.domicilio as usize]);
        people::address(
            &mut f[F::LavoratoreDomicilioIndirizzo as usize],
            hash3(seed, 0x444F_4D49, ev.worker as u64),
        );
        let livello = match it.mutation {
            Mutation::Livello(l) => l,
            _ => worker.livello,
        };
        let _ = write!(f[F::LavoratoreLivelloIstruzione as usize], "{livello}");
        // Relationship.
        match it.mutation {
            Mutation::BadDate(v) => {
                let (y, _, _) = cal::civil_from_days(ev.start);
                let s = &mut f[F::DataInizio as usize];
                let _ = match v {
                    0 => write!(s, "{y:04}-02-30"),
                    1 => write!(s, "{y:04}-13-01"),
                    2 => write!(s, "{y:04}-04-31"),
                    _ => write!(s, "{y:04}-00-10"),
                };
            }
            _ => cal::push_date(&mut f[F::DataInizio as usize], ev.start),
        }
        if ev.fine != NONE {
            cal::push_date(&mut f[F::DataFine as usize], ev.fine);
        }
        set(f, F::TipologiaContrattuale, TIP_CODES[ev.tip as usize]);
        set(f, F::TipoOrario, ORARI[ev.orario as usize]);
        if ev.orario != 0 && ev.orario != OR_N {
            let _ = write!(f[F::OreSettimanaliMedie as usize], "{}", ev.ore);
        }
        set(f, F::EntePrevidenziale, "01");
        set(
            f,
            F::LavoroAgricoltura,
            if sector.sezione == b'A' { "SI" } else { "NO" },
        );
        set(f, F::SocioLavoratore, "NO");
        match ev.kind {
            EV_PRO => cal::push_date(&mut f[F::ProrogaDataFine as usize], ev.date),
            EV_TRS => {
                set(f, F::CodiceTrasformazione, TRS_CODES[ev.code as usize]);
                cal::push_date(&mut f[F::DataTrasformazione as usize], ev.date);
            }
            EV_CES => {
                set(f, F::CodiceCausaCessazione, w.causes.codes[ev.code as usize]);
                cal::push_date(&mut f[F::DataCessazione as usize], ev.date);
            }
            _ => {}
        }
    }

    /// Flushes and renames every file.
    pub fn finish(mut self) -> Result<(Counts, Vec<PathBuf>)> {
        self.done.store(self.counts.rows, Ordering::Relaxed);
        if let Some((w, p)) = self.csv.take() {
            w.finish()?;
            std::fs::rename(&p.tmp, &p.dest).with_context(|| format!("renaming {}", p.tmp.display()))?;
            self.files.insert(0, p.dest);
        }
        for (w, p) in [self.anomalie, self.rapporti, self.pregressi] {
            let mut inner = w
                .into_inner()
                .map_err(|e| anyhow::anyhow!("writing {}: {}", p.tmp.display(), e.error()))?;
            std::io::Write::flush(&mut inner)?;
            drop(inner);
            std::fs::rename(&p.tmp, &p.dest).with_context(|| format!("renaming {}", p.tmp.display()))?;
            self.files.push(p.dest);
        }
        Ok((self.counts, self.files))
    }
}
