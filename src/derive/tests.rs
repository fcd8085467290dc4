//! Hand-made cases for the reconstruction: each expected value is derived by hand from the
//! conventions in docs/convenzioni.md.

use super::events::{Ev, Kind, NO_DATE};
use super::rapporti::{rebuild, Built, Motivo, Params};
use chrono::NaiveDate;

fn d(s: &str) -> i32 {
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date");
    (date - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as i32
}

/// Codes used in the cases (indexes of the test dictionaries): tipologia 1 = TD (A.02.00),
/// 2 = TI (A.01.00); macro 1 = TD, 2 = TI.
const TD: u16 = 1;
const TI: u16 = 2;

/// Horizon 2024-12-31 (the end of a quarter and of a year), coverage from 2019-01-01.
fn params() -> Params {
    Params {
        orizzonte: d("2024-12-31"),
        inizio_copertura: d("2019-01-01"),
    }
}

struct Case {
    events: Vec<Ev>,
    next_row: u32,
}

impl Case {
    fn new() -> Case {
        Case {
            events: vec![],
            next_row: 0,
        }
    }
    /// Adds a communication sent at `sent` (a date; the send order is the order of the calls
    /// within the same day).
    fn ev(&mut self, kind: Kind, worker: u128, inizio: &str, sent: &str, f: impl FnOnce(&mut Ev)) -> &mut Case {
        let mut e = Ev {
            worker,
            employer: 7,
            data_invio: d(sent) as i64 * 86_400_000_000 + self.next_row as i64,
            row: self.next_row,
            data_inizio: d(inizio),
            data_fine: NO_DATE,
            data_evento: d(sent),
            data_fine_proroga: NO_DATE,
            data_trasformazione: NO_DATE,
            data_cessazione: NO_DATE,
            ore: f32::NAN,
            comune: 1,
            tipologia: TD,
            causa: 0,
            kind,
            macro_contratto: TD as u8,
            orario: 1,
            trasformazione: 0,
            macro_causa: 0,
        };
        f(&mut e);
        self.events.push(e);
        self.next_row += 1;
        self
    }
    fn run(&mut self) -> Built {
        let b = rebuild(self.events.clone(), &params());
        assert_eq!(b.applicati + b.scartati, self.events.len() as u64, "reconciliation");
        b
    }
}

#[test]
fn fixed_term_with_proroga_and_no_cessazione_is_imputed_at_the_prorogated_end() {
    let b = Case::new()
        .ev(Kind::Ass, 1, "2024-01-10", "2024-01-09", |e| {
            e.data_fine = d("2024-03-31")
        })
        .ev(Kind::Pro, 1, "2024-01-10", "2024-03-28", |e| {
            e.data_fine_proroga = d("2024-06-30")
        })
        .run();
    assert_eq!(b.rapporti.len(), 1);
    let r = &b.rapporti[0];
    assert_eq!(r.data_fine_prevista_iniziale, d("2024-03-31"));
    assert_eq!(r.data_fine_prevista, d("2024-06-30"));
    assert_eq!(r.data_fine_effettiva, d("2024-06-30"));
    assert!(r.cessazione_imputata);
    assert_eq!(r.n_proroghe, 1);
    assert!(b.anomalie.is_empty());
}

#[test]
fn communicated_cessazione_wins_over_the_expected_end() {
    let b = Case::new()
        .ev(Kind::Ass, 1, "2024-01-10", "2024-01-09", |e| {
            e.data_fine = d("2024-12-31")
        })
        .ev(Kind::Ces, 1, "2024-01-10", "2024-05-03", |e| {
            e.data_cessazione = d("2024-05-02");
            e.causa = 3;
        })
        .run();
    let r = &b.rapporti[0];
    assert_eq!(r.data_fine_effettiva, d("2024-05-02"));
    assert!(!r.cessazione_imputata);
    assert_eq!(r.causa, 3);
    assert_eq!(r.data_fine_prevista, d("2024-12-31"));
}

#[test]
fn fixed_term_ending_after_the_horizon_stays_open_and_open_ended_never_imputed() {
    let b = Case::new()
        .ev(Kind::Ass, 1, "2024-06-01", "2024-06-01", |e| {
            e.data_fine = d("2025-01-01")
        })
        .ev(Kind::Ass, 2, "2024-06-01", "2024-06-01", |e| {
            e.tipologia = TI;
            e.macro_contratto = TI as u8;
        })
        .run();
    assert_eq!(b.rapporti.len(), 2);
    for r in &b.rapporti {
        assert_eq!(r.data_fine_effettiva, NO_DATE);
        assert!(!r.cessazione_imputata);
    }
}

#[test]
fn expected_end_on_the_horizon_day_is_imputed() {
    let b = Case::new()
        .ev(Kind::Ass, 1, "2024-12-01", "2024-12-01", |e| {
            e.data_fine = d("2024-12-31")
        })
        .run();
    assert_eq!(b.rapporti[0].data_fine_effettiva, d("2024-12-31"));
    assert!(b.rapporti[0].cessazione_imputata);
}

#[test]
fn trasformazione_to_open_ended_splits_segments_and_removes_the_expected_end() {
    let b = Case::new()
        .ev(Kind::Ass, 1, "2023-01-01", "2022-12-31", |e| {
            e.data_fine = d("2023-06-30")
        })
        .ev(Kind::Trs, 1, "2023-01-01", "2023-05-02", |e| {
            e.data_trasformazione = d("2023-05-01");
            e.tipologia = TI;
            e.macro_contratto = TI as u8;
            e.trasformazione = 1;
        })
        .run();
    let r = &b.rapporti[0];
    assert_eq!(r.data_fine_prevista, NO_DATE);
    assert_eq!(r.data_fine_effettiva, NO_DATE);
    assert_eq!((r.tipologia_iniziale, r.tipologia_finale), (TD, TI));
    let segs = &b.segmenti[r.segments.clone()];
    assert_eq!(segs.len(), 2);
    assert_eq!(
        (segs[0].data_inizio, segs[0].data_fine),
        (d("2023-01-01"), d("2023-04-30"))
    );
    assert_eq!((segs[1].data_inizio, segs[1].data_fine), (d("2023-05-01"), NO_DATE));
    assert_eq!(segs[1].tipologia, TI);
    assert_eq!(segs[1].trasformazione, 1);
}

#[test]
fn cessazione_on_the_day_of_the_hire_and_one_day_contracts_last_one_day() {
    let b = Case::new()
        .ev(Kind::Ass, 1, "2024-03-04", "2024-03-04", |e| {
            e.data_fine = d("2024-03-10")
        })
        .ev(Kind::Ces, 1, "2024-03-04", "2024-03-05", |e| {
            e.data_cessazione = d("2024-03-04")
        })
        .ev(Kind::Ass, 2, "2024-03-04", "2024-03-04", |e| {
            e.data_fine = d("2024-03-04")
        })
        .run();
    for r in &b.rapporti {
        assert_eq!(r.data_fine_effettiva, r.data_inizio, "one day: end = start");
    }
    assert!(!b.rapporti[0].cessazione_imputata);
    assert!(b.rapporti[1].cessazione_imputata);
}

#[test]
fn communications_of_a_hire_before_the_lake_build_a_left_censored_relationship() {
    let b = Case::new()
        .ev(Kind::Pro, 1, "2018-05-01", "2019-03-01", |e| {
            e.data_fine = d("2019-03-31");
            e.data_fine_proroga = d("2019-09-30");
        })
        .ev(Kind::Ces, 1, "2018-05-01", "2019-07-16", |e| {
            e.data_cessazione = d("2019-07-15")
        })
        .run();
    assert_eq!(b.rapporti.len(), 1);
    let r = &b.rapporti[0];
    assert!(r.censura_sinistra && !r.avviamento);
    assert_eq!(r.data_inizio, d("2018-05-01"));
    assert_eq!(r.data_fine_effettiva, d("2019-07-15"));
    assert_eq!(r.n_proroghe, 1);
    assert_eq!(b.anomalie.len(), 1);
    assert_eq!(b.anomalie[0].motivo, Motivo::CensuraSinistra);
    assert_eq!((b.applicati, b.scartati), (2, 0));
}

#[test]
fn a_missing_avviamento_within_the_coverage_is_not_censoring() {
    let b = Case::new()
        .ev(Kind::Ces, 1, "2020-05-01", "2020-06-02", |e| {
            e.data_cessazione = d("2020-06-01")
        })
        .run();
    assert!(!b.rapporti[0].censura_sinistra);
    assert_eq!(b.anomalie[0].motivo, Motivo::AvviamentoMancante);
}

#[test]
fn contradictions_are_recorded_and_not_applied() {
    let b = Case::new()
        .ev(Kind::Ass, 1, "2024-01-10", "2024-01-09", |e| {
            e.data_fine = d("2024-02-10")
        })
        .ev(Kind::Ces, 1, "2024-01-10", "2024-01-20", |e| {
            e.data_cessazione = d("2024-01-19")
        })
        .ev(Kind::Ces, 1, "2024-01-10", "2024-01-21", |e| {
            e.data_cessazione = d("2024-01-20")
        })
        .ev(Kind::Pro, 1, "2024-01-10", "2024-01-22", |e| {
            e.data_fine_proroga = d("2024-03-10")
        })
        .ev(Kind::Ass, 2, "2024-01-10", "2024-01-09", |e| {
            e.tipologia = TI;
            e.macro_contratto = TI as u8;
        })
        .ev(Kind::Pro, 2, "2024-01-10", "2024-02-01", |e| {
            e.data_fine_proroga = d("2024-03-10")
        })
        .ev(Kind::Ces, 2, "2024-01-10", "2024-02-01", |e| {
            e.data_cessazione = d("2024-01-01")
        })
        .run();
    let motivi: Vec<Motivo> = b.anomalie.iter().map(|a| a.motivo).collect();
    assert_eq!(
        motivi,
        vec![
            Motivo::CessazioneRipetuta,
            Motivo::EventoDopoCessazione,
            Motivo::ProrogaSenzaTermine,
            Motivo::CessazionePrimaInizio
        ]
    );
    assert_eq!((b.applicati, b.scartati), (3, 4));
    assert_eq!(b.rapporti[0].data_fine_effettiva, d("2024-01-19"));
    assert_eq!(b.rapporti[1].data_fine_effettiva, NO_DATE);
}

#[test]
fn a_rettifica_of_the_avviamento_sent_after_the_cessazione_still_opens_the_relationship() {
    let b = Case::new()
        .ev(Kind::Ces, 1, "2024-02-17", "2024-02-22", |e| {
            e.data_cessazione = d("2024-02-21")
        })
        .ev(Kind::Ass, 1, "2024-02-17", "2024-02-23", |e| {
            e.data_fine = d("2024-03-31")
        })
        .run();
    assert_eq!(b.rapporti.len(), 1);
    assert!(b.rapporti[0].avviamento);
    assert_eq!(b.rapporti[0].data_fine_effettiva, d("2024-02-21"));
    assert!(b.anomalie.is_empty());
}

#[test]
fn two_avviamenti_with_the_same_key_are_two_relationships() {
    let b = Case::new()
        .ev(Kind::Ass, 1, "2024-01-10", "2024-01-09", |e| {
            e.data_fine = d("2024-01-31")
        })
        .ev(Kind::Ass, 1, "2024-01-10", "2024-01-09", |e| {
            e.data_fine = d("2024-01-31");
            e.comune = 2;
        })
        .ev(Kind::Ces, 1, "2024-01-10", "2024-01-20", |e| {
            e.data_cessazione = d("2024-01-15");
            e.comune = 1;
        })
        .run();
    assert_eq!(b.rapporti.len(), 2);
    assert_eq!(b.anomalie.len(), 1);
    assert_eq!(b.anomalie[0].motivo, Motivo::ChiaveDuplicata);
    // The cessazione goes to the relationship at the same site (comune 1), the first one.
    assert_eq!(b.rapporti[0].data_fine_effettiva, d("2024-01-15"));
    assert_eq!(b.rapporti[1].data_fine_effettiva, d("2024-01-31"));
    assert!(b.rapporti[1].cessazione_imputata);
}

#[test]
fn relationships_come_out_in_row_order_with_renumbered_segments() {
    let b = Case::new()
        .ev(Kind::Ass, 9, "2024-01-01", "2024-01-01", |e| {
            e.data_fine = d("2024-01-31")
        })
        .ev(Kind::Ass, 1, "2024-01-01", "2024-01-01", |e| {
            e.data_fine = d("2024-01-31")
        })
        .run();
    let rows: Vec<u32> = b.rapporti.iter().map(|r| r.first_row).collect();
    assert_eq!(rows, vec![0, 1]);
    for (i, r) in b.rapporti.iter().enumerate() {
        for s in &b.segmenti[r.segments.clone()] {
            assert_eq!(s.rapporto as usize, i);
        }
    }
}

#[test]
fn permute_moves_every_communication_to_its_sorted_place() {
    let mut c = Case::new();
    for w in 0..7u128 {
        c.ev(Kind::Ass, w, "2024-01-01", "2024-01-01", |_| {});
    }
    let mut events = c.events.clone();
    // Positions: a mix of a 3-cycle, a 2-cycle, fixed points and a 2-cycle.
    let order = [2u32, 0, 1, 4, 3, 5, 6];
    let mut keys: Vec<(u64, u32)> = order.iter().map(|&i| (0, i)).collect();
    super::rapporti::permute_for_tests(&mut events, &mut keys);
    let rows: Vec<u32> = events.iter().map(|e| e.row).collect();
    assert_eq!(rows, order.to_vec());
}

/// Careers: each expected period derived by hand from docs/convenzioni.md § 1 ("Le carriere").
mod carriere {
    use super::{d, params, Case, Kind, NO_DATE, TI};
    use crate::derive::carriere::{careers, spells, Ranker, NONE};
    use crate::derive::rapporti::Built;

    /// (first day, last day, concurrent relationships, row of the dominant's avviamento,
    /// right-censored, left-censored), per worker in order.
    type Row = (String, String, u32, Option<u32>, bool, bool);

    fn text(day: i32) -> String {
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
        (epoch + chrono::Duration::days(day as i64)).to_string()
    }

    /// The careers of a case. Test codes: macro 2 (TI) is open-ended; orario 1 is full time.
    fn periods(b: &Built) -> Vec<(u128, Row)> {
        let p = params();
        let rank = Ranker::with_tables(b, vec![false, false, true], vec![false, true]);
        let all = careers(&spells(b, &p), &p, &rank);
        let mut last: Option<(u128, u32, i32)> = None;
        for q in &all {
            // Numbered 1.. per worker, contiguous, durations inclusive and positive.
            match last {
                Some((w, n, fine)) if w == q.worker => {
                    assert_eq!(q.n_periodo, n + 1);
                    assert_eq!(q.data_inizio, fine + 1, "no gap, no overlap");
                }
                _ => assert_eq!(q.n_periodo, 1),
            }
            assert!(q.data_fine >= q.data_inizio);
            assert_eq!(q.prevalente == NONE, q.n_rapporti == 0);
            last = Some((q.worker, q.n_periodo, q.data_fine));
        }
        all.iter()
            .map(|q| {
                let row = (q.prevalente != NONE).then(|| b.rapporti[q.prevalente as usize].first_row);
                (
                    q.worker,
                    (
                        text(q.data_inizio),
                        text(q.data_fine),
                        q.n_rapporti,
                        row,
                        q.censura_destra,
                        q.censura_sinistra,
                    ),
                )
            })
            .collect()
    }

    fn row(a: &str, b: &str, n: u32, dominant: Option<u32>, right: bool, left: bool) -> Row {
        (a.into(), b.into(), n, dominant, right, left)
    }

    fn of(all: &[(u128, Row)], worker: u128) -> Vec<Row> {
        all.iter()
            .filter(|(w, _)| *w == worker)
            .map(|(_, r)| r.clone())
            .collect()
    }

    #[test]
    fn one_job_then_non_employment_to_the_horizon() {
        let b = Case::new()
            .ev(Kind::Ass, 1, "2024-01-10", "2024-01-09", |e| {
                e.data_fine = d("2024-03-31")
            })
            .run();
        assert_eq!(
            of(&periods(&b), 1),
            vec![
                row("2024-01-10", "2024-03-31", 1, Some(0), false, false),
                row("2024-04-01", "2024-12-31", 0, None, true, false),
            ]
        );
    }

    #[test]
    fn a_one_day_gap_is_a_one_day_non_employment_period() {
        let b = Case::new()
            .ev(Kind::Ass, 1, "2024-01-01", "2024-01-01", |e| {
                e.data_fine = d("2024-01-31")
            })
            .ev(Kind::Ass, 1, "2024-02-02", "2024-02-01", |e| {
                e.data_fine = d("2024-02-29")
            })
            .run();
        assert_eq!(
            of(&periods(&b), 1),
            vec![
                row("2024-01-01", "2024-01-31", 1, Some(0), false, false),
                row("2024-02-01", "2024-02-01", 0, None, false, false),
                row("2024-02-02", "2024-02-29", 1, Some(1), false, false),
                row("2024-03-01", "2024-12-31", 0, None, true, false),
            ]
        );
    }

    #[test]
    fn adjacent_jobs_across_the_end_of_a_quarter_leave_no_gap() {
        let b = Case::new()
            .ev(Kind::Ass, 1, "2024-01-01", "2024-01-01", |e| {
                e.data_fine = d("2024-03-31")
            })
            .ev(Kind::Ass, 1, "2024-04-01", "2024-03-30", |e| {
                e.data_fine = d("2024-06-30")
            })
            .run();
        assert_eq!(
            of(&periods(&b), 1),
            vec![
                row("2024-01-01", "2024-03-31", 1, Some(0), false, false),
                row("2024-04-01", "2024-06-30", 1, Some(1), false, false),
                row("2024-07-01", "2024-12-31", 0, None, true, false),
            ]
        );
    }

    #[test]
    fn a_job_ending_on_its_first_day_lasts_one_day() {
        let b = Case::new()
            .ev(Kind::Ass, 1, "2024-05-06", "2024-05-06", |_| {})
            .ev(Kind::Ces, 1, "2024-05-06", "2024-05-07", |e| {
                e.data_cessazione = d("2024-05-06")
            })
            .run();
        assert_eq!(
            of(&periods(&b), 1),
            vec![
                row("2024-05-06", "2024-05-06", 1, Some(0), false, false),
                row("2024-05-07", "2024-12-31", 0, None, true, false),
            ]
        );
    }

    #[test]
    fn overlapping_jobs_cut_periods_and_the_open_ended_one_dominates() {
        // A: fixed-term, full time, 01-01 to 06-30. B: open-ended, part time, from 03-01, open.
        let b = Case::new()
            .ev(Kind::Ass, 1, "2024-01-01", "2024-01-01", |e| {
                e.data_fine = d("2024-06-30")
            })
            .ev(Kind::Ass, 1, "2024-03-01", "2024-03-01", |e| {
                e.tipologia = TI;
                e.macro_contratto = TI as u8;
                e.orario = 2;
            })
            .run();
        assert_eq!(
            of(&periods(&b), 1),
            vec![
                row("2024-01-01", "2024-02-29", 1, Some(0), false, false),
                row("2024-03-01", "2024-06-30", 2, Some(1), false, false),
                row("2024-07-01", "2024-12-31", 1, Some(1), true, false),
            ]
        );
    }

    #[test]
    fn among_fixed_term_jobs_full_time_then_the_longest_planned_dominates() {
        // Worker 1: part time planned to 12-31 vs full time planned to 02-29 → full time.
        // Worker 2: both full time, planned to 02-29 and to 06-30 → the longer.
        // Worker 3: same start and plan, different employers → the smaller id (first row).
        let b = Case::new()
            .ev(Kind::Ass, 1, "2024-01-01", "2024-01-01", |e| {
                e.data_fine = d("2024-12-31");
                e.orario = 2;
            })
            .ev(Kind::Ass, 1, "2024-02-01", "2024-02-01", |e| {
                e.data_fine = d("2024-02-29")
            })
            .ev(Kind::Ass, 2, "2024-01-01", "2024-01-01", |e| {
                e.data_fine = d("2024-02-29")
            })
            .ev(Kind::Ass, 2, "2024-02-01", "2024-02-01", |e| {
                e.data_fine = d("2024-06-30")
            })
            .ev(Kind::Ass, 3, "2024-01-01", "2024-01-01", |e| {
                e.data_fine = d("2024-01-31");
                e.employer = 8;
            })
            .ev(Kind::Ass, 3, "2024-01-01", "2024-01-01", |e| {
                e.data_fine = d("2024-01-31")
            })
            .run();
        let all = periods(&b);
        assert_eq!(
            of(&all, 1)[1],
            row("2024-02-01", "2024-02-29", 2, Some(1), false, false)
        );
        assert_eq!(
            of(&all, 2)[1],
            row("2024-02-01", "2024-02-29", 2, Some(3), false, false)
        );
        let third = of(&all, 3);
        assert_eq!(third[0].2, 2);
        let ids: Vec<u32> = b.rapporti[4..6].iter().map(|r| r.id).collect();
        let smaller = if ids[0] < ids[1] { 4 } else { 5 };
        assert_eq!(third[0].3, Some(smaller));
    }

    #[test]
    fn a_job_open_at_the_horizon_is_right_censored_with_no_final_gap() {
        let b = Case::new()
            .ev(Kind::Ass, 1, "2023-07-01", "2023-07-01", |e| {
                e.tipologia = TI;
                e.macro_contratto = TI as u8;
            })
            .ev(Kind::Ass, 2, "2024-10-01", "2024-10-01", |e| {
                e.data_fine = d("2024-12-31")
            })
            .run();
        let all = periods(&b);
        assert_eq!(
            of(&all, 1),
            vec![row("2023-07-01", "2024-12-31", 1, Some(0), true, false)]
        );
        assert_eq!(b.rapporti[0].data_fine_effettiva, NO_DATE);
        // Ending on the horizon day (imputed): right-censored too, nothing after it.
        assert_eq!(
            of(&all, 2),
            vec![row("2024-10-01", "2024-12-31", 1, Some(1), true, false)]
        );
    }

    #[test]
    fn a_left_censored_job_starts_the_career_at_the_coverage_start() {
        // No avviamento: started 2018-05-01, before the coverage (2019-01-01); ended 2019-03-31.
        // Worker 2's job ended before the coverage: no career at all.
        let b = Case::new()
            .ev(Kind::Ces, 1, "2018-05-01", "2019-04-01", |e| {
                e.data_cessazione = d("2019-03-31")
            })
            .ev(Kind::Ass, 2, "2018-01-01", "2018-01-01", |e| {
                e.data_fine = d("2018-06-30")
            })
            .run();
        assert!(b.rapporti.iter().any(|r| r.censura_sinistra));
        let all = periods(&b);
        assert_eq!(
            of(&all, 1),
            vec![
                row("2019-01-01", "2019-03-31", 1, Some(0), false, true),
                row("2019-04-01", "2024-12-31", 0, None, true, false),
            ]
        );
        assert!(of(&all, 2).is_empty());
    }
}

/// Transitions: each expected class and gap derived by hand from docs/convenzioni.md § 1 ("Le
/// transizioni"). Horizon 2024-12-31, coverage from 2019-01-01, AQHire limit 91 days.
mod transizioni {
    use super::d;
    use crate::derive::carriere::NONE;
    use crate::derive::transizioni::{transitions, Ingresso, Job, Positions, Rules, Transizione, Uscita};

    const OPEN: i32 = i32::MAX;

    fn rules() -> Rules {
        Rules {
            orizzonte: d("2024-12-31"),
            inizio_copertura: d("2019-01-01"),
            limite: 91,
        }
    }

    /// Jobs (employer, first day, last day or "" when open), indexed and numbered in order.
    fn jobs(spec: &[(u128, &str, &str)]) -> Vec<Job> {
        spec.iter()
            .enumerate()
            .map(|(i, &(employer, a, b))| Job {
                index: i as u32,
                id: i as u32,
                employer,
                start: d(a),
                end: if b.is_empty() { OPEN } else { d(b) },
            })
            .collect()
    }

    fn run(spec: &[(u128, &str, &str)]) -> Vec<Transizione> {
        let mut jobs = jobs(spec);
        let mut out = Vec::new();
        transitions(&mut jobs, &rules(), &mut out);
        out.sort_by_key(|t| t.index);
        out
    }

    fn exit(t: &Transizione) -> (Uscita, u32, Option<i32>) {
        (t.uscita, t.successivo, t.giorni_interruzione)
    }

    fn entry(t: &Transizione) -> (Ingresso, u32, Option<i32>) {
        (t.ingresso, t.precedente, t.giorni_da_precedente)
    }

    #[test]
    fn a_new_job_on_the_last_day_or_the_day_after_is_ee() {
        // Same day: the new job starts on the old one's last day (one day of overlap).
        let t = run(&[(1, "2023-01-01", "2023-06-30"), (2, "2023-06-30", "")]);
        assert_eq!(exit(&t[0]), (Uscita::EE, 1, Some(-1)));
        assert_eq!(entry(&t[1]), (Ingresso::EE, 0, Some(-1)));
        assert_eq!(t[0].richiamo, Some(false));
        // Next day.
        let t = run(&[(1, "2023-01-01", "2023-06-30"), (2, "2023-07-01", "")]);
        assert_eq!(exit(&t[0]), (Uscita::EE, 1, Some(0)));
        assert_eq!(entry(&t[1]), (Ingresso::EE, 0, Some(0)));
        assert_eq!(exit(&t[1]), (Uscita::InCorso, NONE, None));
    }

    #[test]
    fn the_end_of_a_quarter_does_not_change_the_class() {
        let t = run(&[(1, "2023-01-01", "2024-03-31"), (2, "2024-04-01", "2024-09-30")]);
        assert_eq!(exit(&t[0]), (Uscita::EE, 1, Some(0)));
        // The second job ends 92 days before the horizon: determined, no successor.
        assert_eq!(exit(&t[1]), (Uscita::NEPersist, NONE, None));
    }

    #[test]
    fn overlapping_jobs_and_a_side_job() {
        // The new job starts ten days before the old one ends; a side job runs within the old one.
        let t = run(&[
            (1, "2020-01-01", "2021-06-30"),
            (3, "2020-03-01", "2020-03-31"),
            (2, "2021-06-21", ""),
        ]);
        assert_eq!(exit(&t[0]), (Uscita::EE, 2, Some(-10)));
        // The side job ends while the first goes on: the worker stays employed.
        assert_eq!(exit(&t[1]), (Uscita::AltroRapporto, 2, Some(446)));
        assert_eq!(entry(&t[1]), (Ingresso::DaOccupato, 0, Some(-487)));
        assert_eq!(entry(&t[2]), (Ingresso::EE, 0, Some(-10)));
    }

    #[test]
    fn a_job_started_the_same_day_is_not_a_successor() {
        let t = run(&[(1, "2021-01-01", "2021-12-31"), (2, "2021-01-01", "2022-12-31")]);
        assert_eq!(exit(&t[0]), (Uscita::AltroRapporto, NONE, None));
        assert_eq!(exit(&t[1]), (Uscita::NEPersist, NONE, None));
        // Both hires: more than 91 days of the window before them without a job.
        assert_eq!(entry(&t[0]).0, Ingresso::ENPersist);
        assert_eq!(entry(&t[1]).0, Ingresso::ENPersist);
    }

    #[test]
    fn a_gap_of_exactly_the_aqhire_limit_is_aqhire_one_more_day_is_persistent() {
        // Last day 2023-06-30; 91 days without a job: 2023-07-01 .. 2023-09-29.
        let t = run(&[(1, "2023-01-01", "2023-06-30"), (1, "2023-09-30", "2023-10-31")]);
        assert_eq!(exit(&t[0]), (Uscita::AQHire, 1, Some(91)));
        assert_eq!(entry(&t[1]), (Ingresso::AQHire, 0, Some(91)));
        assert_eq!(t[0].richiamo, Some(true), "same employer: a recall");
        assert_eq!(t[1].richiamo_ingresso, Some(true));
        let t = run(&[(1, "2023-01-01", "2023-06-30"), (2, "2023-10-01", "2023-10-31")]);
        assert_eq!(exit(&t[0]), (Uscita::NEPersist, 1, Some(92)));
        assert_eq!(entry(&t[1]), (Ingresso::ENPersist, 0, Some(92)));
    }

    #[test]
    fn no_successor_near_the_horizon_is_censored() {
        // 2024-09-30 + 1 + 91 = 2024-12-31: the horizon still shows the whole limit.
        let t = run(&[(1, "2024-01-01", "2024-09-30")]);
        assert_eq!(exit(&t[0]).0, Uscita::NEPersist);
        let t = run(&[(1, "2024-01-01", "2024-10-01")]);
        assert_eq!(exit(&t[0]).0, Uscita::Censurata);
        let t = run(&[(1, "2024-01-01", "2024-12-31")]);
        assert_eq!(exit(&t[0]).0, Uscita::Censurata);
    }

    #[test]
    fn hires_near_the_coverage_start_are_not_observed() {
        let t = run(&[
            (1, "2018-05-01", "2019-06-30"),
            (2, "2019-02-01", "2019-02-28"),
            (3, "2019-04-02", ""),
        ]);
        // Left-censored; then a hire 31 days into the window, beside a job; then one replacing it.
        assert_eq!(entry(&t[0]).0, Ingresso::NonOsservata);
        assert_eq!(entry(&t[1]), (Ingresso::DaOccupato, 0, Some(-150)));
        assert_eq!(
            entry(&t[2]),
            (Ingresso::EE, 0, Some(-90)),
            "it outlasts the job it overlaps"
        );
        assert_eq!(exit(&t[0]), (Uscita::EE, 2, Some(-90)));
        let t = run(&[(1, "2019-03-01", ""), (2, "2019-04-02", "")]);
        assert_eq!(entry(&t[0]).0, Ingresso::NonOsservata, "59 days of window before it");
        assert_eq!(entry(&t[1]).0, Ingresso::DaOccupato);
        let t = run(&[(1, "2019-04-02", "")]);
        assert_eq!(entry(&t[0]).0, Ingresso::ENPersist, "91 days of window before it");
    }

    #[test]
    fn two_jobs_ending_into_one_are_two_ee_separations_and_one_ee_hire() {
        let t = run(&[
            (1, "2022-01-01", "2022-06-30"),
            (2, "2022-02-01", "2022-06-30"),
            (3, "2022-07-01", ""),
        ]);
        assert_eq!(exit(&t[0]), (Uscita::EE, 2, Some(0)));
        assert_eq!(exit(&t[1]), (Uscita::EE, 2, Some(0)));
        assert_eq!(entry(&t[2]), (Ingresso::EE, 1, Some(0)));
        assert_eq!(entry(&t[1]), (Ingresso::DaOccupato, 0, Some(-150)));
    }

    #[test]
    fn employer_size_counts_its_relationships_in_force_that_day() {
        let jobs = jobs(&[
            (7, "2022-01-01", "2022-06-30"),
            (7, "2022-06-30", ""),
            (7, "2022-07-01", "2022-07-01"),
            (8, "2022-06-30", ""),
        ]);
        let p = Positions::new(&jobs, 4);
        assert_eq!(p.inizio, vec![1, 2, 2, 1]);
        assert_eq!(p.fine, vec![2, 0, 2, 0]);
    }
}
