//! The pending communications: a relationship's [`Plan`] becomes one [`Item`] per
//! communication inside the window (ASS, PRO, TRS, CES, each with its data_invio), in the
//! bucket of the month it is sent in, and the relationship's [`Truth`] as of the horizon
//! rides on its ASS (or joins the pregressi when the ASS came before the window).

use super::life::{Plan, PlanEv};
use crate::synth::cal::month_index;
use crate::synth::events::{Ev, Item, Mutation, Truth, EV_ASS, EV_CES, EV_PRO, EV_TRS, NONE, NO_TRUTH};
use crate::synth::rng::Rng;
use std::collections::BTreeMap;

/// Items waiting for their month to be complete, and the truth they carry.
pub struct Queue {
    first_day: i32,
    last_day: i32,
    /// Emission sequence of the next item.
    seq: u64,
    /// Pending items by month index of their `data_invio`.
    pub buckets: BTreeMap<i32, Vec<Item>>,
    /// Truth of relationships whose ASS is pending, by the index the ASS item carries.
    truth_slab: Vec<Truth>,
    truth_free: Vec<u32>,
    /// Relationships started before the window and alive at its start.
    pub pregressi: Vec<Truth>,
}

/// Seconds into the day of a communication: mostly office hours.
fn business_secs(rng: &mut Rng) -> i64 {
    let h = match rng.weighted(&[0.02, 0.08, 0.8, 0.1]) {
        0 => rng.range(0, 6),
        1 => rng.range(6, 7),
        2 => rng.range(8, 17),
        _ => rng.range(18, 22),
    };
    h * 3600 + rng.range(0, 3599)
}

/// Days between an event and its communication.
fn delay_days(rng: &mut Rng) -> i32 {
    rng.weighted(&[0.25, 0.3, 0.15, 0.12, 0.1, 0.08]) as i32
}

impl Queue {
    pub fn new(first_day: i32, last_day: i32) -> Queue {
        Queue {
            first_day,
            last_day,
            seq: 0,
            buckets: BTreeMap::new(),
            truth_slab: Vec::new(),
            truth_free: Vec::new(),
            pregressi: Vec::new(),
        }
    }

    fn horizon_end(&self) -> i64 {
        self.last_day as i64 * 86_400 + 86_399
    }

    /// A data_invio on `day` in office hours, at least a minute after the relationship's
    /// previous communication (`prev_ts`, updated) and not after the horizon.
    fn sent_at(&self, rng: &mut Rng, day: i32, prev_ts: &mut i64) -> i64 {
        let ts = (day as i64 * 86_400 + business_secs(rng))
            .max(*prev_ts + 60)
            .min(self.horizon_end());
        *prev_ts = ts;
        ts
    }

    /// Queues the communication of a trasformazione or cessazione (`kind`) on `date`, sent
    /// 0–5 days later; returns whether it is inside the window.
    fn push_event(&mut self, rng: &mut Rng, ev: Ev, kind: u8, date: i32, code: u8, prev_ts: &mut i64) -> bool {
        let mut e = ev;
        e.kind = kind;
        e.date = date;
        e.code = code;
        let inv = date + delay_days(rng);
        let ts = self.sent_at(rng, inv, prev_ts);
        if date >= self.first_day {
            self.push(ts, e);
        }
        date >= self.first_day
    }

    /// Turns a plan into items (those inside the window) and truth.
    pub fn emit_plan(&mut self, rng: &mut Rng, plan: &Plan, worker: u32, employer: u32, user: u32) {
        let first = self.first_day;
        let last = self.last_day;
        let horizon_end = self.horizon_end();
        let in_window = |d: i32| d >= first && d <= last;
        let mut ev = Ev {
            worker,
            employer,
            start: plan.start,
            fine: plan.fine,
            date: NONE,
            kind: EV_ASS,
            tip: plan.tip,
            orario: plan.orario,
            ore: plan.ore,
            code: 0,
            user,
        };
        let mut truth = Truth {
            worker,
            employer,
            start: plan.start,
            end: if plan.end <= last { plan.end } else { NONE },
            tip0: plan.tip,
            tip_final: plan.tip,
            imputata: plan.imputata && plan.end <= last,
            fine_prevista: plan.fine,
            n_pro: 0,
            trs: None,
            cause: None,
            ces_comunicata: false,
            user,
        };
        // ASS.
        let ass_day = if rng.chance(0.6) { plan.start - 1 } else { plan.start };
        let ass_day = ass_day.max(first);
        let mut prev_ts = ass_day as i64 * 86_400 + business_secs(rng);
        if plan.start == ass_day && prev_ts % 86_400 > 12 * 3600 && rng.chance(0.7) {
            prev_ts = ass_day as i64 * 86_400 + rng.range(6 * 3600, 9 * 3600);
        }
        // The ASS is queued last (with the finished truth) but numbered first.
        let ass = in_window(plan.start).then(|| {
            let seq = self.seq;
            self.seq += 1;
            (seq, prev_ts.min(horizon_end), ev)
        });
        for pe in &plan.events {
            match *pe {
                PlanEv::Pro { old_end, new_end } => {
                    let inv = (old_end - rng.range(0, 5) as i32).max(plan.start);
                    if inv > last {
                        break;
                    }
                    truth.n_pro += 1;
                    truth.fine_prevista = new_end;
                    let mut e = ev;
                    e.kind = EV_PRO;
                    e.fine = old_end;
                    e.date = new_end;
                    let ts = self.sent_at(rng, inv, &mut prev_ts);
                    if inv >= first {
                        self.push(ts, e);
                    }
                    ev.fine = new_end;
                }
                PlanEv::Trs {
                    date,
                    code,
                    tip,
                    orario,
                    ore,
                    ends_term,
                } => {
                    if date > last {
                        break;
                    }
                    ev.tip = tip;
                    ev.orario = orario;
                    ev.ore = ore;
                    if ends_term {
                        ev.fine = NONE;
                        truth.fine_prevista = NONE;
                    }
                    truth.tip_final = tip;
                    truth.trs = Some((code, date));
                    self.push_event(rng, ev, EV_TRS, date, code, &mut prev_ts);
                }
                PlanEv::Ces { date, cause } => {
                    if date > last {
                        break;
                    }
                    truth.cause = Some(cause);
                    if self.push_event(rng, ev, EV_CES, date, cause, &mut prev_ts) {
                        truth.ces_comunicata = true;
                    }
                }
            }
        }
        if let Some((seq, ts, ev)) = ass {
            let idx = match self.truth_free.pop() {
                Some(i) => {
                    self.truth_slab[i as usize] = truth;
                    i
                }
                None => {
                    self.truth_slab.push(truth);
                    (self.truth_slab.len() - 1) as u32
                }
            };
            self.push_item(seq, ts, ev, idx);
        } else if plan.start < first && plan.end >= first {
            self.pregressi.push(truth);
        }
    }

    fn push(&mut self, ts: i64, ev: Ev) {
        let seq = self.seq;
        self.seq += 1;
        self.push_item(seq, ts, ev, NO_TRUTH);
    }

    /// Takes the truth of a relationship (by the index its ASS item carries).
    pub fn take_truth(&mut self, idx: u32) -> Option<Truth> {
        let t = *self.truth_slab.get(idx as usize)?;
        self.truth_free.push(idx);
        Some(t)
    }

    fn push_item(&mut self, seq: u64, ts: i64, ev: Ev, truth: u32) {
        let mi = month_index(ts.div_euclid(86_400) as i32);
        self.buckets.entry(mi).or_default().push(Item {
            ts,
            seq,
            sub: 1,
            ev,
            prog: 0,
            prec: 0,
            tipo: 1,
            mutation: Mutation::None,
            motivo: 0,
            real: true,
            alt: false,
            truth,
        });
    }
}
