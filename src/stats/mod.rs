//! The statistics of the crisis-measure outcomes (issue 12), pure functions on numbers: no lake,
//! no SQL, no I/O. `survival.rs`: Kaplan–Meier with Greenwood intervals, the Aalen–Johansen
//! cumulative incidence of competing outcomes (a new job, a recall) and the log-rank test, ties
//! handled explicitly; `matching.rs`: exact or coarsened matching of treated people with
//! controls, weights, balance (standardised differences) and the difference in a share with its
//! confidence interval. The conventions and their sources are in each file's docs and in
//! `docs/esiti.md`.

pub mod matching;
pub mod survival;
