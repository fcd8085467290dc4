//! Numbering: when a month is complete, its true communications are numbered in
//! (data_invio, sequence) order — the k-th gets the progressive `BASE + 8k + 4` — and handed
//! to [`super::faults`], whose records use the free slots `8k+0…8k+7`, so switching faults on
//! or off never renumbers a true communication (the truth files are identical either way).
//! The month goes to the writer thread as [`Msg::Month`], its records in output order, with
//! copies of their worker and employer and the truth of the relationships it starts.

use super::events::{Item, Msg, Row, Truth, TruthRow, EV_ASS, NO_TRUTH};
use super::faults::{FaultRates, Faults};
use super::rng::hash3;
use super::sim::Gen;

/// First progressive number of the codici comunicazione.
const BASE: u64 = 1_000_000;

const STREAM_ALT: u64 = 0x414C_5446;

fn truth_row_of(g: &Gen, prog: u64, t: Truth) -> TruthRow {
    TruthRow {
        prog,
        t,
        worker_cf: g.pool.workers[t.worker as usize].cf,
        emp: g.firms.employers[t.employer as usize],
        user: g.firms.user(t.user),
    }
}

/// Takes the pregressi collected so far.
pub fn drain_pregressi(g: &mut Gen) -> Option<Msg> {
    if g.queue.pregressi.is_empty() {
        return None;
    }
    let list = std::mem::take(&mut g.queue.pregressi);
    Some(Msg::Pregressi(
        list.into_iter().map(|t| truth_row_of(g, 0, t)).collect(),
    ))
}

/// Numbers the communications of complete months and injects the faults (simulation side).
pub struct Numberer {
    seed: u64,
    faults: Option<Faults>,
    next_k: u64,
}

impl Numberer {
    pub fn new(seed: u64, faults: Option<FaultRates>, last_day: i32) -> Numberer {
        let horizon_end = last_day as i64 * 86_400 + 86_399;
        Numberer {
            seed,
            faults: faults.map(|r| Faults::new(seed, r, horizon_end)),
            next_k: 0,
        }
    }

    /// Numbers one complete month, injects its faults and returns its records in output
    /// order with the truth of the relationships it starts.
    pub fn month(&mut self, g: &mut Gen, mi: i32) -> Msg {
        let items = g.queue.buckets.remove(&mi).unwrap_or_default();
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
                if let Some(t) = g.queue.take_truth(it.truth) {
                    truth.push(truth_row_of(g, it.prog, t));
                }
                it.truth = NO_TRUTH;
            }
            match &self.faults {
                Some(f) => f.inject(g, it, BASE + 8 * k, mi, &mut out),
                None => out.push(it),
            }
        }
        // Wall-clock order, fractions of a second included, then emission sequence.
        out.sort_by_key(|it| (it.ts, it.micros(), it.seq, it.sub));
        let rows = out
            .into_iter()
            .map(|it| Row {
                it,
                worker: g.pool.workers[it.ev.worker as usize],
                emp: g.firms.employers[it.ev.employer as usize],
                user: g.firms.user(it.ev.user),
            })
            .collect();
        Msg::Month { mi, rows, truth }
    }
}
