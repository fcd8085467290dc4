//! Reconstruction of employment relationships (rapporti di lavoro) from communications.
//!
//! A rapporto is identified, as the Ministry does, by (worker, employer, data_inizio): every
//! proroga, trasformazione and cessazione carries the data_inizio of the relationship it
//! refers to. The communications of one key are applied in the order they were sent
//! (data_invio, then ASS < PRO < TRS < CES, then row):
//! - ASS opens the relationship with its contract (first segment) and `data_fine` as the
//!   expected end (none for open-ended contracts);
//! - PRO moves the expected end to `data_fine_proroga`;
//! - TRS starts a new contract / working-time segment on `data_trasformazione` and sets the
//!   expected end to the TRS's own `data_fine` (none after a transformation to open-ended);
//! - CES closes it on `data_cessazione` with its cause.
//!
//! Date conventions (docs/convenzioni.md): all dates are inclusive days. The effective end is
//! the cessazione date; without a cessazione, a fixed-term relationship whose (prorogated)
//! expected end is on or before the horizon ends on that day with `cessazione_imputata`;
//! otherwise it is still open (no end). A segment ends the day before the next one starts.
//!
//! Nothing is dropped silently: a communication that cannot be applied is recorded in the
//! anomalies with a reason; a relationship whose hire is not in the lake is still built
//! (flagged) and recorded as an anomaly too.

use super::events::{Ev, Kind, NO_DATE, NULL_CODE};

/// Why a communication or a relationship is in `rapporti_anomalie`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Motivo {
    /// No avviamento in the lake and the relationship started before the lake's coverage:
    /// built from its later communications, flagged `censura_sinistra`.
    CensuraSinistra,
    /// No avviamento in the lake although the relationship started within the coverage
    /// (e.g. the avviamento was quarantined): built from its later communications.
    AvviamentoMancante,
    /// A second avviamento with the same key: it opens a separate relationship.
    ChiaveDuplicata,
    /// A second cessazione of a relationship already ended: not applied.
    CessazioneRipetuta,
    /// A proroga or trasformazione sent after the relationship's cessazione: not applied.
    EventoDopoCessazione,
    /// A cessazione dated before the start of the relationship: not applied.
    CessazionePrimaInizio,
    /// A trasformazione dated before the start, or after the end, of the relationship: not applied.
    TrasformazioneFuoriPeriodo,
    /// A proroga of an open-ended relationship: not applied.
    ProrogaSenzaTermine,
    /// A proroga whose new end is not after the current expected end: not applied.
    ProrogaNonSuccessiva,
    /// The date the communication is about (fine proroga, trasformazione, cessazione) is missing.
    DataMancante,
}

impl Motivo {
    pub const ALL: [Motivo; 10] = [
        Motivo::CensuraSinistra,
        Motivo::AvviamentoMancante,
        Motivo::ChiaveDuplicata,
        Motivo::CessazioneRipetuta,
        Motivo::EventoDopoCessazione,
        Motivo::CessazionePrimaInizio,
        Motivo::TrasformazioneFuoriPeriodo,
        Motivo::ProrogaSenzaTermine,
        Motivo::ProrogaNonSuccessiva,
        Motivo::DataMancante,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Motivo::CensuraSinistra => "censura_sinistra",
            Motivo::AvviamentoMancante => "avviamento_mancante",
            Motivo::ChiaveDuplicata => "chiave_duplicata",
            Motivo::CessazioneRipetuta => "cessazione_ripetuta",
            Motivo::EventoDopoCessazione => "evento_dopo_cessazione",
            Motivo::CessazionePrimaInizio => "cessazione_prima_inizio",
            Motivo::TrasformazioneFuoriPeriodo => "trasformazione_fuori_periodo",
            Motivo::ProrogaSenzaTermine => "proroga_senza_termine",
            Motivo::ProrogaNonSuccessiva => "proroga_non_successiva",
            Motivo::DataMancante => "data_mancante",
        }
    }

    /// Italian description for reports.
    pub fn descrizione(self) -> &'static str {
        match self {
            Motivo::CensuraSinistra => "rapporto iniziato prima del periodo coperto dal lago (avviamento assente)",
            Motivo::AvviamentoMancante => "avviamento assente dal lago per un rapporto iniziato nel periodo coperto",
            Motivo::ChiaveDuplicata => "secondo avviamento con la stessa chiave lavoratore-datore-data inizio",
            Motivo::CessazioneRipetuta => "cessazione di un rapporto già cessato (non applicata)",
            Motivo::EventoDopoCessazione => "proroga o trasformazione dopo la cessazione (non applicata)",
            Motivo::CessazionePrimaInizio => "cessazione con data precedente l'inizio del rapporto (non applicata)",
            Motivo::TrasformazioneFuoriPeriodo => "trasformazione fuori dal periodo del rapporto (non applicata)",
            Motivo::ProrogaSenzaTermine => "proroga di un rapporto a tempo indeterminato (non applicata)",
            Motivo::ProrogaNonSuccessiva => "proroga che non sposta in avanti la fine prevista (non applicata)",
            Motivo::DataMancante => "data dell'evento mancante (non applicata)",
        }
    }

    /// True if the communication was not applied to any relationship.
    pub fn discards_event(self) -> bool {
        !matches!(
            self,
            Motivo::CensuraSinistra | Motivo::AvviamentoMancante | Motivo::ChiaveDuplicata
        )
    }
}

/// A reconstructed relationship. Dates are days since 1970-01-01, [`NO_DATE`] when absent.
#[derive(Debug, Clone, PartialEq)]
pub struct Rapporto {
    /// Row (in `co_eventi`'s fixed order) of the avviamento, or of the first communication
    /// when the avviamento is not in the lake: the attributes of the relationship come from it.
    pub first_row: u32,
    pub avviamento: bool,
    pub censura_sinistra: bool,
    pub data_inizio: i32,
    /// Expected end at the hire (`data_fine` of the avviamento).
    pub data_fine_prevista_iniziale: i32,
    /// Expected end after the last proroga / trasformazione (none when open-ended).
    pub data_fine_prevista: i32,
    pub data_cessazione: i32,
    pub data_fine_effettiva: i32,
    pub cessazione_imputata: bool,
    pub causa: u16,
    pub macro_causa: u8,
    pub tipologia_iniziale: u16,
    pub macro_iniziale: u8,
    pub tipologia_finale: u16,
    pub macro_finale: u8,
    pub n_proroghe: u16,
    pub n_trasformazioni: u16,
    /// Range of this relationship's segments in the segment list.
    pub segments: std::ops::Range<usize>,
    /// Hash of the key (worker, employer, data_inizio) and place among the relationships of
    /// the key: with `data_inizio`, what `id` is numbered by.
    pub chiave: u64,
    pub n_nella_chiave: u16,
    /// Worker and employer pseudonyms (32 hex digits as numbers): the careers (`carriere.rs`)
    /// group the relationships by worker without reading the lake again.
    pub worker: u128,
    pub employer: u128,
    /// 0-based `id_rapporto`: rank by (data_inizio, chiave, n_nella_chiave), so the same
    /// communications give the same ids whatever the order of the rows in `co_eventi`.
    pub id: u32,
}

/// A contract / working-time segment of a relationship.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segmento {
    /// Index of the relationship in the list being built.
    pub rapporto: u32,
    pub data_inizio: i32,
    /// Last day of the segment (none while the relationship is open).
    pub data_fine: i32,
    pub tipologia: u16,
    pub macro_contratto: u8,
    pub orario: u8,
    pub ore: f32,
    /// Code of the trasformazione that opened it (none for the first segment).
    pub trasformazione: u8,
}

/// An anomaly: a communication (row) and, when it belongs to one, its relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anomalia {
    pub row: u32,
    pub rapporto: Option<u32>,
    pub motivo: Motivo,
    pub kind: Kind,
    pub data_evento: i32,
}

/// Everything built from the communications.
#[derive(Debug, Default)]
pub struct Built {
    pub rapporti: Vec<Rapporto>,
    pub segmenti: Vec<Segmento>,
    pub anomalie: Vec<Anomalia>,
    /// Communications applied to a relationship.
    pub applicati: u64,
    /// Communications not applied (each has an anomaly that says why).
    pub scartati: u64,
}

/// Settings of the reconstruction.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// Last day the communications are complete for: fixed-term relationships expected to
    /// end on or before it without a cessazione are closed on their expected end (imputed).
    pub orizzonte: i32,
    /// First day the lake covers: a relationship without avviamento that started before it is
    /// left-censored, otherwise its avviamento is missing.
    pub inizio_copertura: i32,
}

/// A relationship while its communications are applied.
struct Open {
    r: Rapporto,
    segs: Vec<Segmento>,
    comune: u16,
}

impl Built {
    fn anomaly(&mut self, ev: &Ev, rapporto: Option<u32>, motivo: Motivo) {
        if motivo.discards_event() {
            self.scartati += 1;
        }
        self.anomalie.push(Anomalia {
            row: ev.row,
            rapporto,
            motivo,
            kind: ev.kind,
            data_evento: ev.data_evento,
        });
    }

    /// Applies the communications of one key (same worker, employer and data_inizio), sorted
    /// avviamenti first, then by (data_invio, kind, row).
    pub fn add_group(&mut self, group: &[Ev], p: &Params) {
        let base = self.rapporti.len() as u32;
        let mut open: Vec<Open> = Vec::new();
        for ev in group {
            if ev.kind == Kind::Ass {
                if !open.is_empty() {
                    self.anomaly(ev, Some(base + open.len() as u32), Motivo::ChiaveDuplicata);
                }
                open.push(start(ev, true));
                self.applicati += 1;
                continue;
            }
            if open.is_empty() {
                let mut o = start(ev, false);
                if ev.kind == Kind::Trs {
                    // The contract before the trasformazione is not known.
                    o.r.tipologia_iniziale = NULL_CODE;
                    o.r.macro_iniziale = NULL_CODE as u8;
                    o.segs[0].tipologia = NULL_CODE;
                    o.segs[0].macro_contratto = NULL_CODE as u8;
                    o.segs[0].orario = NULL_CODE as u8;
                    o.segs[0].ore = f32::NAN;
                }
                let motivo = if ev.data_inizio < p.inizio_copertura {
                    o.r.censura_sinistra = true;
                    Motivo::CensuraSinistra
                } else {
                    Motivo::AvviamentoMancante
                };
                self.anomaly(ev, Some(base), motivo);
                open.push(o);
            }
            // With several relationships on the same key, prefer an open one at the same site.
            let target = open
                .iter()
                .rposition(|o| o.r.data_cessazione == NO_DATE && o.comune == ev.comune)
                .or_else(|| open.iter().rposition(|o| o.r.data_cessazione == NO_DATE))
                .unwrap_or(open.len() - 1);
            let idx = base + target as u32;
            match apply(&mut open[target], ev) {
                Ok(()) => self.applicati += 1,
                Err(m) => self.anomaly(ev, Some(idx), m),
            }
        }
        for (k, mut o) in open.into_iter().enumerate() {
            o.r.n_nella_chiave = k.min(u16::MAX as usize) as u16;
            self.finish(o, base + k as u32, p);
        }
    }

    fn finish(&mut self, mut o: Open, idx: u32, p: &Params) {
        let r = &mut o.r;
        if r.data_cessazione != NO_DATE {
            r.data_fine_effettiva = r.data_cessazione;
        } else if r.data_fine_prevista != NO_DATE && r.data_fine_prevista <= p.orizzonte {
            r.data_fine_effettiva = r.data_fine_prevista;
            r.cessazione_imputata = true;
        }
        let start = self.segmenti.len();
        let n = o.segs.len();
        for i in 0..n {
            let mut s = o.segs[i];
            s.rapporto = idx;
            s.data_fine = match o.segs.get(i + 1) {
                Some(next) => next.data_inizio - 1,
                None => r.data_fine_effettiva,
            };
            self.segmenti.push(s);
        }
        r.segments = start..self.segmenti.len();
        self.rapporti.push(o.r);
    }
}

fn start(ev: &Ev, avviamento: bool) -> Open {
    let r = Rapporto {
        first_row: ev.row,
        avviamento,
        censura_sinistra: false,
        data_inizio: ev.data_inizio,
        data_fine_prevista_iniziale: if avviamento { ev.data_fine } else { NO_DATE },
        data_fine_prevista: ev.data_fine,
        data_cessazione: NO_DATE,
        data_fine_effettiva: NO_DATE,
        cessazione_imputata: false,
        causa: NULL_CODE,
        macro_causa: NULL_CODE as u8,
        tipologia_iniziale: ev.tipologia,
        macro_iniziale: ev.macro_contratto,
        tipologia_finale: ev.tipologia,
        macro_finale: ev.macro_contratto,
        n_proroghe: 0,
        n_trasformazioni: 0,
        segments: 0..0,
        chiave: group_hash(ev),
        n_nella_chiave: 0,
        worker: ev.worker,
        employer: ev.employer,
        id: 0,
    };
    let seg = Segmento {
        rapporto: 0,
        data_inizio: ev.data_inizio,
        data_fine: NO_DATE,
        tipologia: ev.tipologia,
        macro_contratto: ev.macro_contratto,
        orario: ev.orario,
        ore: ev.ore,
        trasformazione: NULL_CODE as u8,
    };
    Open {
        r,
        segs: vec![seg],
        comune: ev.comune,
    }
}

fn apply(o: &mut Open, ev: &Ev) -> Result<(), Motivo> {
    let r = &mut o.r;
    match ev.kind {
        Kind::Ass => unreachable!("avviamenti open relationships"),
        Kind::Pro => {
            if r.data_cessazione != NO_DATE {
                return Err(Motivo::EventoDopoCessazione);
            }
            if ev.data_fine_proroga == NO_DATE {
                return Err(Motivo::DataMancante);
            }
            if r.data_fine_prevista == NO_DATE {
                return Err(Motivo::ProrogaSenzaTermine);
            }
            if ev.data_fine_proroga <= r.data_fine_prevista {
                return Err(Motivo::ProrogaNonSuccessiva);
            }
            r.data_fine_prevista = ev.data_fine_proroga;
            r.n_proroghe += 1;
        }
        Kind::Trs => {
            if r.data_cessazione != NO_DATE {
                return Err(Motivo::EventoDopoCessazione);
            }
            let d = ev.data_trasformazione;
            if d == NO_DATE {
                return Err(Motivo::DataMancante);
            }
            let last_start = o.segs.last().map_or(r.data_inizio, |s| s.data_inizio);
            if d < last_start {
                return Err(Motivo::TrasformazioneFuoriPeriodo);
            }
            let seg = Segmento {
                rapporto: 0,
                data_inizio: d,
                data_fine: NO_DATE,
                tipologia: ev.tipologia,
                macro_contratto: ev.macro_contratto,
                orario: ev.orario,
                ore: ev.ore,
                trasformazione: ev.trasformazione,
            };
            match o.segs.last_mut() {
                // A trasformazione on the first day of a segment replaces it.
                Some(last) if last.data_inizio == d => *last = seg,
                _ => o.segs.push(seg),
            }
            r.data_fine_prevista = ev.data_fine;
            r.tipologia_finale = ev.tipologia;
            r.macro_finale = ev.macro_contratto;
            r.n_trasformazioni += 1;
        }
        Kind::Ces => {
            if r.data_cessazione != NO_DATE {
                return Err(Motivo::CessazioneRipetuta);
            }
            let d = ev.data_cessazione;
            if d == NO_DATE {
                return Err(Motivo::DataMancante);
            }
            if d < r.data_inizio {
                return Err(Motivo::CessazionePrimaInizio);
            }
            // Segments that would start after the end cannot exist.
            if o.segs.last().is_some_and(|s| s.data_inizio > d) {
                return Err(Motivo::TrasformazioneFuoriPeriodo);
            }
            r.data_cessazione = d;
            r.causa = ev.causa;
            r.macro_causa = ev.macro_causa;
        }
    }
    Ok(())
}

/// Hash of a relationship key (worker, employer, data_inizio): sorting 16-byte (hash, index)
/// pairs and then moving each communication once is much cheaper than sorting the 96-byte
/// communications themselves. Keys that collide are separated again by the full comparison.
fn group_hash(e: &Ev) -> u64 {
    let mut buf = [0u8; 36];
    buf[..16].copy_from_slice(&e.worker.to_le_bytes());
    buf[16..32].copy_from_slice(&e.employer.to_le_bytes());
    buf[32..].copy_from_slice(&e.data_inizio.to_le_bytes());
    xxhash_rust::xxh3::xxh3_64(&buf)
}

/// Full order within a key: avviamenti first (a rettifica of the avviamento may be sent after
/// the cessazione), then send time, kind and row.
fn order_key(e: &Ev) -> (u128, u128, i32, bool, i64, Kind, u32) {
    (
        e.worker,
        e.employer,
        e.data_inizio,
        e.kind != Kind::Ass,
        e.data_invio,
        e.kind,
        e.row,
    )
}

/// Moves `events[keys[i].1]` to position i for every i, in place (cycle by cycle), marking the
/// keys it has used.
fn permute(events: &mut [Ev], keys: &mut [(u64, u32)]) {
    const DONE: u32 = u32::MAX;
    for start in 0..events.len() {
        if keys[start].1 == DONE {
            continue;
        }
        let saved = events[start];
        let mut i = start;
        loop {
            let src = keys[i].1 as usize;
            keys[i].1 = DONE;
            if src == start {
                events[i] = saved;
                break;
            }
            events[i] = events[src];
            i = src;
        }
    }
}

#[cfg(test)]
pub(super) fn permute_for_tests(events: &mut [Ev], keys: &mut [(u64, u32)]) {
    permute(events, keys)
}

/// Sorts the communications by relationship key and send order, and rebuilds every
/// relationship. The relationships come out ordered by `first_row` (the order pass 2 reads),
/// with segment and anomaly references renumbered accordingly.
pub fn rebuild(mut events: Vec<Ev>, p: &Params) -> Built {
    let mut keys = super::sorted_keys(&events, group_hash);
    let groups = 1 + keys.windows(2).filter(|w| w[0].0 != w[1].0).count();
    permute(&mut events, &mut keys);
    drop(keys);
    let mut built = Built {
        rapporti: Vec::with_capacity(groups + groups / 64 + 16),
        segmenti: Vec::with_capacity(groups + groups / 16 + 16),
        ..Default::default()
    };
    let mut i = 0;
    while i < events.len() {
        // A run of equal hashes: almost always one key; sorted by the full order it splits
        // into its keys even if two keys collide.
        let h = group_hash(&events[i]);
        let mut j = i + 1;
        while j < events.len() && group_hash(&events[j]) == h {
            j += 1;
        }
        let run = &mut events[i..j];
        if run.len() > 1 {
            run.sort_unstable_by_key(order_key);
        }
        let mut a = 0;
        while a < run.len() {
            let k = (run[a].worker, run[a].employer, run[a].data_inizio);
            let mut b = a + 1;
            while b < run.len() && (run[b].worker, run[b].employer, run[b].data_inizio) == k {
                b += 1;
            }
            built.add_group(&run[a..b], p);
            a = b;
        }
        i = j;
    }
    // The communications are no longer needed: free them before the relationships are re-sorted.
    drop(events);
    renumber_by_first_row(&mut built);
    built
}

/// Orders relationships by `first_row` and renumbers the references to them.
fn renumber_by_first_row(b: &mut Built) {
    use rayon::prelude::*;
    let mut order: Vec<(u32, u32)> = b
        .rapporti
        .iter()
        .enumerate()
        .map(|(i, r)| (r.first_row, i as u32))
        .collect();
    order.par_sort_unstable();
    let mut new_index = vec![0u32; order.len()];
    for (new, &(_, old)) in order.iter().enumerate() {
        new_index[old as usize] = new as u32;
    }
    let old_segmenti = std::mem::take(&mut b.segmenti);
    let mut segmenti = Vec::with_capacity(old_segmenti.len());
    let mut rapporti = Vec::with_capacity(b.rapporti.len());
    for &(_, old) in &order {
        let mut r = b.rapporti[old as usize].clone();
        let start = segmenti.len();
        for s in &old_segmenti[r.segments.clone()] {
            let mut s = *s;
            s.rapporto = new_index[old as usize];
            segmenti.push(s);
        }
        r.segments = start..segmenti.len();
        rapporti.push(r);
    }
    // Ids by content, not by row order (which depends on how the lake was filled). Two keys
    // of one start date whose 64-bit hashes collide fall back to the row order.
    let mut by_content: Vec<(i32, u64, u16, u32, u32)> = rapporti
        .iter()
        .enumerate()
        .map(|(i, r)| (r.data_inizio, r.chiave, r.n_nella_chiave, r.first_row, i as u32))
        .collect();
    by_content.par_sort_unstable();
    for (rank, &(.., i)) in by_content.iter().enumerate() {
        rapporti[i as usize].id = rank as u32;
    }
    b.rapporti = rapporti;
    b.segmenti = segmenti;
    for a in &mut b.anomalie {
        a.rapporto = a.rapporto.map(|r| new_index[r as usize]);
    }
    b.anomalie.sort_unstable_by_key(|a| (a.row, a.motivo));
}
