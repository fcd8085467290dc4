//! The life of one relationship, drawn whole at hire time: the duration of a fixed-term
//! contract, its proroghe, an early end or a DI trasformazione, the imputed end; for an
//! open-ended one, the hazards of its end (with retirement at 67 and the crisis year's
//! layoffs), FF at the end of an apprenticeship and working-time changes; and the cause of
//! every cessazione. The result is a [`Plan`], which [`super::queue`] turns into
//! communications.

use crate::synth::cal::{self, age_at, civil_from_days, days_from_civil};
use crate::synth::codes::{Kind, OR_F, OR_N, OR_P, TIP_TI, TRS_DI, TRS_FF, TRS_PP, TRS_TP};
use crate::synth::events::NONE;
use crate::synth::profile::World;
use crate::synth::rng::Rng;

/// Events of a relationship's plan.
#[derive(Debug, Clone, Copy)]
pub enum PlanEv {
    Pro {
        old_end: i32,
        new_end: i32,
    },
    Trs {
        date: i32,
        code: u8,
        tip: u8,
        orario: u8,
        ore: u8,
        ends_term: bool,
    },
    Ces {
        date: i32,
        cause: u8,
    },
}

impl PlanEv {
    pub fn date(&self) -> i32 {
        match *self {
            PlanEv::Pro { old_end, .. } => old_end,
            PlanEv::Trs { date, .. } => date,
            PlanEv::Ces { date, .. } => date,
        }
    }
}

/// A relationship's whole life.
pub struct Plan {
    pub tip: u8,
    pub orario: u8,
    pub ore: u8,
    pub start: i32,
    pub fine: i32,
    pub events: Vec<PlanEv>,
    /// Effective last day (may lie beyond the simulation).
    pub end: i32,
    pub imputata: bool,
}

/// Hours a week of a part-time contract.
pub fn ore_draw(rng: &mut Rng) -> u8 {
    const ORE: [u8; 10] = [15, 18, 20, 20, 24, 24, 25, 30, 30, 32];
    ORE[rng.below(10) as usize]
}

/// The kind itself when its tipologia is valid on `day`, else the nearest valid one.
pub fn kind_fallback(w: &World, kind: Kind, day: i32) -> Kind {
    if w.tip_valid(kind.tip(), day) {
        return kind;
    }
    match kind {
        Kind::Appr => Kind::Ti,
        _ => Kind::Td,
    }
}

/// Draws the life of relationships from the simulation's random stream.
pub struct Life<'a> {
    pub rng: &'a mut Rng,
    pub w: &'a World,
    pub crisis_year: Option<i32>,
}

impl Life<'_> {
    /// Working time and weekly hours of a new contract.
    pub fn draw_orario(&mut self, kind: Kind) -> (u8, u8) {
        let w: [f64; 4] = match kind {
            Kind::Ti => [0.68, 0.24, 0.04, 0.04],
            Kind::Td | Kind::TdSost => [0.6, 0.32, 0.04, 0.04],
            Kind::Appr => [0.86, 0.14, 0.0, 0.0],
            Kind::Dom => [0.35, 0.55, 0.05, 0.05],
            Kind::Tiroc => [0.78, 0.22, 0.0, 0.0],
            Kind::Domicilio => [0.5, 0.5, 0.0, 0.0],
            Kind::Interm | Kind::Parasub => return (OR_N, 0),
        };
        let o = self.rng.weighted(&w) as u8;
        if o == OR_F {
            (OR_F, 0)
        } else {
            (o, ore_draw(self.rng))
        }
    }

    /// Duration in days (≥ 1) of a fixed-term contract.
    pub fn term_days(&mut self, kind: Kind, sector: usize, start: i32) -> i32 {
        let w = self.w;
        let s = &w.sectors[sector];
        let (_, m, _) = civil_from_days(start);
        let w: [f64; 7] = match kind {
            Kind::Interm => [0.3, 0.15, 0.15, 0.15, 0.15, 0.08, 0.02],
            Kind::Tiroc => [0.0, 0.0, 0.0, 0.2, 0.5, 0.3, 0.0],
            Kind::Parasub => [0.02, 0.05, 0.1, 0.25, 0.3, 0.25, 0.03],
            Kind::Dom => [0.02, 0.05, 0.15, 0.3, 0.3, 0.15, 0.03],
            _ if s.agency => [0.18, 0.14, 0.22, 0.24, 0.14, 0.07, 0.01],
            _ if s.sezione == b'A' => [0.1, 0.15, 0.35, 0.3, 0.08, 0.02, 0.0],
            _ if s.sezione == b'I' || s.sezione == b'R' => {
                if (4..=6).contains(&m) {
                    [0.12, 0.1, 0.1, 0.2, 0.38, 0.08, 0.02]
                } else {
                    [0.22, 0.15, 0.16, 0.2, 0.17, 0.08, 0.02]
                }
            }
            _ if s.sezione == b'N' => [0.2, 0.14, 0.16, 0.2, 0.18, 0.1, 0.02],
            _ if s.divisione == 85 => [0.05, 0.1, 0.15, 0.15, 0.15, 0.38, 0.02],
            _ => [0.07, 0.08, 0.15, 0.25, 0.22, 0.19, 0.04],
        };
        // School year contracts and tourist seasons end on fixed dates.
        if s.divisione == 85 && (m == 9 || m == 10) && self.rng.chance(0.4) {
            let (y, _, _) = civil_from_days(start);
            return days_from_civil(y + 1, 6, 30) - start + 1;
        }
        if s.sezione == b'I' && (4..=6).contains(&m) && self.rng.chance(0.35) {
            let (y, _, _) = civil_from_days(start);
            let end = days_from_civil(y, 9, 15) + self.rng.range(0, 30) as i32;
            return end - start + 1;
        }
        match self.rng.weighted(&w) {
            0 => 1,
            1 => self.rng.range(2, 7) as i32,
            2 => self.rng.range(8, 30) as i32,
            3 => self.rng.range(31, 90) as i32,
            4 => self.rng.range(91, 180) as i32,
            5 => self.rng.range(181, 365) as i32,
            _ => self.rng.range(366, 730) as i32,
        }
    }

    fn extension_days(&mut self) -> i32 {
        match self.rng.weighted(&[0.3, 0.4, 0.2, 0.1]) {
            0 => self.rng.range(8, 30) as i32,
            1 => self.rng.range(31, 90) as i32,
            2 => self.rng.range(91, 180) as i32,
            _ => self.rng.range(181, 365) as i32,
        }
    }

    /// A cause code drawn among `(code, weight)`, skipping codes the table lacks.
    fn cause(&mut self, choices: &[(&str, f64)]) -> u8 {
        let w = self.w;
        let total: f64 = choices
            .iter()
            .filter(|(c, _)| w.causes.idx(c).is_some())
            .map(|(_, p)| p)
            .sum();
        let mut x = self.rng.f64() * total;
        let mut last = None;
        for (c, p) in choices {
            if let Some(i) = w.causes.idx(c) {
                last = Some(i);
                if x < *p {
                    return i;
                }
                x -= p;
            }
        }
        last.unwrap_or_else(|| w.cause("DM"))
    }

    fn early_cause(&mut self, days_in: i32) -> u8 {
        if days_in < 60 && self.rng.chance(0.22) {
            return self.cause(&[("PR", 1.0)]);
        }
        self.cause(&[
            ("DM", 0.5),
            ("LI", 0.1),
            ("LO", 0.06),
            ("LS", 0.03),
            ("LG", 0.03),
            ("RC", 0.14),
            ("AL", 0.05),
            ("CA", 0.03),
        ])
    }

    /// Life of an open-ended contract from `t0` (hire or trasformazione). Returns the end
    /// day and the events (TRS for PT/TP/FF, CES).
    #[allow(clippy::too_many_arguments)]
    fn open_life(
        &mut self,
        kind: Kind,
        sector: usize,
        pa: bool,
        t0: i32,
        birth: i32,
        orario: u8,
        ore: u8,
        stock: bool,
        events: &mut Vec<PlanEv>,
    ) -> i32 {
        let w = self.w;
        let s = &w.sectors[sector];
        let section_c = s.sezione == b'C';
        let agency = s.agency;
        let year = 365.25;
        let (mut end, mut cause): (i32, u8);
        match kind {
            Kind::Appr => {
                let training = self.rng.range(24 * 30, 36 * 30) as i32;
                let t = self.rng.exp(year / 0.2) as i32;
                if t < training {
                    end = t0 + t;
                    cause = if self.rng.chance(0.25) {
                        self.cause(&[("AD", 0.3), ("AC", 0.2), ("AM", 0.5)])
                    } else {
                        self.early_cause(t)
                    };
                } else if self.w.has_trs[TRS_FF as usize] && self.rng.chance(0.8) {
                    let ff = t0 + training;
                    events.push(PlanEv::Trs {
                        date: ff,
                        code: TRS_FF,
                        tip: TIP_TI,
                        orario,
                        ore,
                        ends_term: false,
                    });
                    end = ff + self.rng.exp(year / 0.09) as i32;
                    cause = self.ti_cause(pa, birth, end);
                } else {
                    end = t0 + training - 1;
                    cause = self.cause(&[("AR", 1.0)]);
                }
            }
            Kind::Dom => {
                end = t0 + self.rng.exp(year / 0.35) as i32;
                cause = self.cause(&[("DM", 0.45), ("LI", 0.25), ("RC", 0.1), ("DE", 0.1), ("AL", 0.1)]);
            }
            Kind::Interm => {
                end = t0 + self.rng.exp(year / 0.6) as i32;
                cause = self.cause(&[("DM", 0.4), ("LI", 0.2), ("RC", 0.2), ("AL", 0.2)]);
            }
            _ => {
                let h = if pa {
                    0.05
                } else if agency {
                    0.2
                } else {
                    0.12
                };
                if !stock && self.rng.chance(0.04) {
                    end = t0 + self.rng.range(0, 59) as i32;
                    cause = self.cause(&[("PR", 0.6), ("DM", 0.4)]);
                } else {
                    end = t0 + 60 + self.rng.exp(year / h) as i32;
                    cause = self.ti_cause(pa, birth, end);
                }
            }
        }
        // Retirement at 67.
        let (by, bm, bd) = civil_from_days(birth);
        let bd = bd.min(cal::days_in_month(by + 67, bm));
        let d67 = days_from_civil(by + 67, bm, bd);
        if end >= d67 && d67 > t0 {
            end = d67 - 1;
            cause = self.cause(&[("PE", 1.0)]);
        }
        // Crisis: manufacturing layoffs.
        if let Some(cy) = self.crisis_year {
            if section_c && self.rng.chance(0.07) {
                let lo = days_from_civil(cy, 3, 15);
                let hi = days_from_civil(cy, 12, 31);
                let cd = self.rng.range(lo as i64, hi as i64) as i32;
                if cd > t0 && cd < end {
                    end = cd;
                    cause = self.cause(&[("LC", 0.6), ("LO", 0.4)]);
                }
            }
        }
        // Working-time change.
        if (kind == Kind::Ti || kind == Kind::Dom) && self.rng.chance(0.05) {
            let d = t0 + self.rng.range(120, 1500) as i32;
            if d < end {
                let (code, o2, ore2) = if orario == OR_F {
                    (TRS_TP, OR_P, ore_draw(self.rng))
                } else {
                    (TRS_PP, OR_F, 0)
                };
                if self.w.has_trs[code as usize] {
                    let tip = if kind == Kind::Dom { 5 } else { TIP_TI };
                    events.push(PlanEv::Trs {
                        date: d,
                        code,
                        tip,
                        orario: o2,
                        ore: ore2,
                        ends_term: false,
                    });
                }
            }
        }
        events.retain(|e| e.date() <= end);
        events.sort_by_key(|e| e.date());
        events.push(PlanEv::Ces { date: end, cause });
        end
    }

    fn ti_cause(&mut self, pa: bool, birth: i32, end: i32) -> u8 {
        if age_at(birth, end) >= 60 && self.rng.chance(0.3) {
            return self.cause(&[("PE", 1.0)]);
        }
        if pa && self.rng.chance(0.2) {
            return self.cause(&[("EP", 0.7), ("DS", 0.3)]);
        }
        self.cause(&[
            ("DM", 0.5),
            ("DG", 0.03),
            ("LI", 0.06),
            ("LO", 0.1),
            ("LS", 0.03),
            ("LG", 0.03),
            ("LC", 0.02),
            ("RC", 0.12),
            ("DE", 0.005),
            ("CA", 0.03),
            ("AL", 0.03),
        ])
    }

    /// The full life of a relationship started on `start`.
    #[allow(clippy::too_many_arguments)]
    pub fn plan(
        &mut self,
        kind: Kind,
        tip: u8,
        sector: usize,
        pa: bool,
        start: i32,
        fine: i32,
        birth: i32,
        orario: u8,
        ore: u8,
        life_from: i32,
    ) -> Plan {
        let mut events: Vec<PlanEv> = Vec::new();
        let w = self.w;
        let s = &w.sectors[sector];
        let agency = s.agency;
        let mut imputata = false;
        let end;
        if fine == NONE {
            end = self.open_life(
                kind,
                sector,
                pa,
                life_from,
                birth,
                orario,
                ore,
                life_from != start,
                &mut events,
            );
        } else {
            let dur = fine - start + 1;
            let p_pro = match kind {
                Kind::Td | Kind::TdSost if dur <= 7 => 0.04,
                Kind::Td | Kind::TdSost => 0.3,
                Kind::Tiroc => 0.15,
                Kind::Parasub => 0.12,
                Kind::Dom => 0.1,
                _ => 0.05,
            };
            let cap = if matches!(kind, Kind::Td | Kind::TdSost) {
                start + 729
            } else {
                start + 3 * 365
            };
            let mut pros: Vec<(i32, i32)> = Vec::new();
            let mut fine_final = fine;
            if self.rng.chance(p_pro) {
                let n = 1 + self.rng.weighted(&[0.65, 0.22, 0.09, 0.04]);
                for _ in 0..n {
                    let new = (fine_final + self.extension_days()).min(cap);
                    if new <= fine_final {
                        break;
                    }
                    pros.push((fine_final, new));
                    fine_final = new;
                }
            }
            let di = if matches!(kind, Kind::Td | Kind::TdSost)
                && !agency
                && self.w.has_trs[TRS_DI as usize]
                && fine_final - start >= 14
                && self.rng.chance(0.075)
            {
                Some(if self.rng.chance(0.5) {
                    fine_final + 1
                } else {
                    start + self.rng.range(14, (fine_final - start) as i64) as i32
                })
            } else {
                None
            };
            let p_early = match kind {
                Kind::Td | Kind::TdSost => 0.12,
                Kind::Tiroc => 0.1,
                Kind::Parasub => 0.06,
                Kind::Dom => 0.12,
                _ => 0.05,
            };
            let early = if fine_final > start && self.rng.chance(p_early) {
                Some(self.rng.range(start as i64, (fine_final - 1) as i64) as i32)
            } else {
                None
            };
            match (di, early) {
                (Some(t), e) if e.is_none_or(|e| t <= e) => {
                    for &(o, n) in pros.iter().filter(|(o, _)| *o < t) {
                        events.push(PlanEv::Pro { old_end: o, new_end: n });
                    }
                    events.push(PlanEv::Trs {
                        date: t,
                        code: TRS_DI,
                        tip: TIP_TI,
                        orario,
                        ore,
                        ends_term: true,
                    });
                    let mut rest = Vec::new();
                    end = self.open_life(Kind::Ti, sector, pa, t, birth, orario, ore, false, &mut rest);
                    events.extend(rest);
                }
                (_, Some(e)) => {
                    for &(o, n) in pros.iter().filter(|(o, _)| *o < e) {
                        events.push(PlanEv::Pro { old_end: o, new_end: n });
                    }
                    let c = self.early_cause(e - start);
                    events.push(PlanEv::Ces { date: e, cause: c });
                    end = e;
                }
                _ => {
                    for &(o, n) in &pros {
                        events.push(PlanEv::Pro { old_end: o, new_end: n });
                    }
                    end = fine_final;
                    if self.rng.chance(0.4) {
                        let c = if agency && self.rng.chance(0.3) {
                            self.cause(&[("FM", 1.0)])
                        } else {
                            self.cause(&[("FT", 1.0)])
                        };
                        events.push(PlanEv::Ces { date: end, cause: c });
                    } else {
                        imputata = true;
                    }
                }
            }
        }
        Plan {
            tip,
            orario,
            ore,
            start,
            fine,
            events,
            end,
            imputata,
        }
    }
}
