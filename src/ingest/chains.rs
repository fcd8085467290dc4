//! The chains of rettifiche and annullamenti, as a graph over the records being resolved: who
//! corrects whom, which correction wins, and the fate of every record (the rules are in the
//! module doc of [`super::resolve`]). Pure: codes, kinds and times in, fates out.

use crate::quality::Motivo;
use anyhow::{bail, Result};
use rustc_hash::FxHashMap;

/// What became of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    Live,
    /// Superseded, with the reason (`rettificato`, `annullato`, `annullamento`,
    /// `rettifica_sostituita`) and the code that superseded it.
    Superseded(&'static str, Option<String>),
    /// A correction whose target exists nowhere (kept in `co_in_attesa`).
    Orphan(Motivo),
    /// Part of a chain that loops.
    Cycle,
}

/// One record of the resolution.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    pub code: &'a str,
    /// The code a rettifica or annullamento points at (`None` for an original).
    pub target: Option<&'a str>,
    pub annulment: bool,
    /// `data_invio` (microseconds): the latest correction wins, then the code.
    pub invio: i64,
}

/// Where a target absent from the members is.
pub enum Elsewhere {
    /// Quarantined (in this run or in the lake): the correction stands alone.
    Quarantined,
    /// Acquired but not brought into the resolution: an internal error.
    Acquired,
    /// Nowhere: the correction is an orphan.
    Nowhere,
}

/// Every member's fate and the index of the root of its chain.
pub fn fates(members: &[Member], elsewhere: &dyn Fn(&str) -> Elsewhere) -> Result<Vec<(Fate, usize)>> {
    let by_code: FxHashMap<&str, usize> = members.iter().enumerate().map(|(i, m)| (m.code, i)).collect();
    // Parents, children, roots.
    let mut children: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
    let mut roots: Vec<usize> = Vec::new();
    let mut orphans: Vec<usize> = Vec::new();
    for (i, m) in members.iter().enumerate() {
        let Some(p) = m.target else {
            roots.push(i);
            continue;
        };
        if let Some(&t) = by_code.get(p) {
            children.entry(t).or_default().push(i);
            continue;
        }
        match elsewhere(p) {
            Elsewhere::Quarantined => roots.push(i),
            Elsewhere::Acquired => bail!(
                "internal error: the target {p} of a correction was not brought into the resolution; nothing was committed"
            ),
            Elsewhere::Nowhere => orphans.push(i),
        }
    }
    // Orphans' own corrections stand alone (their target is quarantined now).
    for &o in &orphans {
        if let Some(kids) = children.remove(&o) {
            roots.extend(kids);
        }
    }
    // The latest correction wins; equal times are settled by the code, not by arrival.
    for kids in children.values_mut() {
        kids.sort_by(|&a, &b| (members[a].invio, members[a].code).cmp(&(members[b].invio, members[b].code)));
    }
    let mut fate: Vec<Option<(Fate, usize)>> = vec![None; members.len()];
    for &root in &roots {
        walk(root, members, &children, &mut fate);
    }
    for &o in &orphans {
        let m = if members[o].annulment {
            Motivo::AnnullamentoOrfano
        } else {
            Motivo::RettificaOrfana
        };
        fate[o] = Some((Fate::Orphan(m), o));
    }
    Ok(fate.into_iter().map(|f| f.unwrap_or((Fate::Cycle, 0))).collect())
}

/// Follows one chain from its root: at each step the winning correction replaces the current
/// record (or, an annullamento, removes the whole path); the losers and their subtrees are
/// `rettifica_sostituita`.
fn walk(root: usize, members: &[Member], children: &FxHashMap<usize, Vec<usize>>, fate: &mut [Option<(Fate, usize)>]) {
    let kids = |i: usize| children.get(&i).into_iter().flatten().copied();
    let mark_subtree = |top: usize, by: &str, fate: &mut [Option<(Fate, usize)>]| {
        let mut stack = vec![top];
        while let Some(i) = stack.pop() {
            fate[i] = Some((Fate::Superseded("rettifica_sostituita", Some(by.to_string())), root));
            stack.extend(kids(i));
        }
    };
    let root_code = members[root].code;
    if members[root].annulment {
        // A stand-alone annullamento annuls nothing we hold.
        fate[root] = Some((Fate::Superseded("annullamento", None), root));
        for k in kids(root) {
            mark_subtree(k, root_code, fate);
        }
        return;
    }
    let mut path = vec![root];
    let mut cur = root;
    loop {
        let Some((&winner, losers)) = children.get(&cur).and_then(|k| k.split_last()) else {
            fate[cur] = Some((Fate::Live, root));
            return;
        };
        let wcode = members[winner].code;
        for &l in losers {
            mark_subtree(l, wcode, fate);
        }
        if members[winner].annulment {
            for &p in &path {
                fate[p] = Some((Fate::Superseded("annullato", Some(wcode.to_string())), root));
            }
            fate[winner] = Some((Fate::Superseded("annullamento", None), root));
            for k in kids(winner) {
                mark_subtree(k, wcode, fate);
            }
            return;
        }
        fate[cur] = Some((Fate::Superseded("rettificato", Some(wcode.to_string())), root));
        path.push(winner);
        cur = winner;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m<'a>(code: &'a str, target: Option<&'a str>, annulment: bool, invio: i64) -> Member<'a> {
        Member {
            code,
            target,
            annulment,
            invio,
        }
    }

    #[test]
    fn the_latest_correction_wins_and_an_annulment_removes_the_chain() {
        let members = [
            m("A", None, false, 1),
            m("R1", Some("A"), false, 2),
            m("R2", Some("A"), false, 3),
            m("R3", Some("R2"), false, 4),
            m("B", None, false, 1),
            m("X", Some("B"), true, 2),
            m("O", Some("Z"), false, 2),
        ];
        let f = fates(&members, &|_| Elsewhere::Nowhere).unwrap();
        let sup = |r: &'static str, by: &str| Fate::Superseded(r, Some(by.to_string()));
        assert_eq!(f[0], (sup("rettificato", "R2"), 0));
        assert_eq!(f[1], (sup("rettifica_sostituita", "R2"), 0));
        assert_eq!(f[2], (sup("rettificato", "R3"), 0));
        assert_eq!(f[3], (Fate::Live, 0));
        assert_eq!(f[4], (sup("annullato", "X"), 4));
        assert_eq!(f[5], (Fate::Superseded("annullamento", None), 4));
        assert_eq!(f[6], (Fate::Orphan(Motivo::RettificaOrfana), 6));
    }

    #[test]
    fn ties_are_settled_by_the_code_and_loops_are_cycles() {
        let members = [
            m("A", None, false, 1),
            m("R9", Some("A"), false, 5),
            m("R1", Some("A"), false, 5),
            m("C1", Some("C2"), false, 1),
            m("C2", Some("C1"), false, 1),
        ];
        let f = fates(&members, &|_| Elsewhere::Nowhere).unwrap();
        assert_eq!(f[2].0, Fate::Superseded("rettifica_sostituita", Some("R9".into())));
        assert_eq!(f[1].0, Fate::Live);
        assert_eq!((f[3].0.clone(), f[4].0.clone()), (Fate::Cycle, Fate::Cycle));
        // A target quarantined elsewhere: the correction stands alone; acquired but absent: error.
        let lone = [m("R", Some("Q"), false, 1)];
        assert_eq!(fates(&lone, &|_| Elsewhere::Quarantined).unwrap()[0].0, Fate::Live);
        assert!(fates(&lone, &|_| Elsewhere::Acquired).is_err());
    }
}
