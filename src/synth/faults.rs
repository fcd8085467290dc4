//! Fault injection: at most one fault per true communication, drawn from its own hash
//! stream keyed by the communication's sequence number (so the true relationships and their
//! codes are the same with faults on or off). A fault is one or more extra records around the
//! true one: an erroneous first submission (bad CF, unknown or expired code, impossible date),
//! a duplicate, an orphan rettifica, a wrong first version corrected by one or two rettifiche,
//! or a spurious assunzione and its annullamento. Each extra record uses one of the free
//! numbers `base + 0…7` next to the true communication's `base + 4`.

use super::cal::{self, month_index, month_start};
use super::codes::{
    M_ANNULLAMENTO, M_ANNULLATO, M_CHECK, M_DATA, M_DUP, M_FORMATO, M_ORFANA, M_RETTIFICATO, M_SCADUTO, M_SCONOSCIUTO,
    TIP_EXPIRED, TIP_TD, TIP_TD_SOST, TIP_UNKNOWN,
};
use super::events::{Item, Mutation, EV_ASS, EV_CES, EV_TRS, NONE};
use super::rng::{hash3, splitmix64, unit};
use super::sim::Gen;

const STREAM_FAULT: u64 = 0x4641_554C;
const STREAM_FAULT2: u64 = 0x4641_5532;

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

/// Draws and places the fault records (simulation side).
pub struct Faults {
    seed: u64,
    rates: FaultRates,
    horizon_end: i64,
}

impl Faults {
    pub fn new(seed: u64, rates: FaultRates, horizon_end: i64) -> Faults {
        Faults {
            seed,
            rates,
            horizon_end,
        }
    }

    /// Puts a record in `out` when it is sent in month `mi`, else in the bucket of its month.
    fn place(g: &mut Gen, it: Item, mi: i32, out: &mut Vec<Item>) {
        let m = month_index(it.ts.div_euclid(86_400) as i32);
        if m <= mi {
            out.push(it);
        } else {
            g.queue.buckets.entry(m).or_default().push(it);
        }
    }

    /// Draws at most one fault for the real communication `it` (numbered `base + 4`) and
    /// places it and its fault records in `out` (month `mi`) or in the bucket of a later month.
    pub fn inject(&self, g: &mut Gen, mut it: Item, base: u64, mi: i32, out: &mut Vec<Item>) {
        let r = self.rates;
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
            let l = g.pool.workers[ev.worker as usize].livello;
            let shift = 1 + ((h >> (16 + variant * 4)) % 12) as u8;
            it.mutation = Mutation::Livello((l + shift) % 13);
        }
    }

    fn other_worker(g: &Gen, it: &Item, h: u64) -> u32 {
        let n = g.pool.workers.len() as u64;
        let mut x = h;
        for _ in 0..64 {
            x = splitmix64(x);
            let id = (x % n.max(1)) as u32;
            if id == it.ev.worker {
                continue;
            }
            let a = cal::age_at(g.pool.workers[id as usize].birth, it.ev.start);
            if (18..=60).contains(&a) {
                return id;
            }
        }
        it.ev.worker
    }
}
