//! What the simulation makes and the writer writes: workers, employers, the content of one
//! communication ([`Ev`]), a record to write ([`Item`], with the [`Mutation`] a fault record
//! carries), the ground truth of one relationship ([`Truth`]), and what the writer thread
//! receives ([`Msg`] of [`Row`]s and [`TruthRow`]s).
//!
//! These are plain `Copy` values: the simulation fills them, the numbering and fault injection
//! copy and alter them, and the writer thread receives copies, so nothing here refers back to
//! the simulation.

use super::people::NameGroup;
use super::rng::splitmix64;

/// No date.
pub const NONE: i32 = i32::MIN;
/// An item without truth attached.
pub const NO_TRUTH: u32 = u32::MAX;
/// Never (beyond any horizon).
pub const FAR: i32 = i32::MAX;
/// No user firm: the relationship is not agency work ([`Ev::user`], [`Truth::user`]).
pub const NO_USER: u32 = u32::MAX;

/// Kinds of event ([`Ev::kind`]): assunzione, proroga, trasformazione, cessazione.
pub const EV_ASS: u8 = 0;
pub const EV_PRO: u8 = 1;
pub const EV_TRS: u8 = 2;
pub const EV_CES: u8 = 3;

/// A worker of the pool. Names are derived again from the seed and the id.
#[derive(Debug, Clone, Copy)]
pub struct Worker {
    pub cf: [u8; 16],
    pub birth: i32,
    /// Last day of the current job(s); before today = available.
    pub busy_until: i32,
    pub birth_place: u32,
    pub domicilio: u32,
    pub cit: u8,
    pub female: bool,
    pub livello: u8,
    pub salt: u8,
    /// The current job is part-time (a second part-time job is possible).
    pub pt: bool,
    /// Start of the latest job (two jobs never share worker, employer and start day).
    pub last_start: i32,
    pub omocodic: bool,
}

/// An employer. Names are derived again from the seed and the id.
#[derive(Debug, Clone, Copy)]
pub struct Employer {
    pub cf: [u8; 16],
    pub cf_len: u8,
    pub sector: u16,
    pub sede: u16,
    pub pa: bool,
    pub chinese: bool,
    /// Ditta individuale or household: a personal CF, the denominazione is the owner's name.
    pub personal: bool,
    pub owner_group: NameGroup,
    pub owner_female: bool,
    pub owner_salt: u8,
}

impl Employer {
    pub fn cf_str(&self) -> &str {
        std::str::from_utf8(&self.cf[..self.cf_len as usize]).unwrap_or("")
    }
}

/// One communication's content, before it is written.
#[derive(Debug, Clone, Copy)]
pub struct Ev {
    pub worker: u32,
    pub employer: u32,
    pub start: i32,
    /// DataFine (expected end) as the communication states it; [`NONE`] = open-ended.
    pub fine: i32,
    /// ProrogaDataFine / DataTrasformazione / DataCessazione.
    pub date: i32,
    pub kind: u8,
    pub tip: u8,
    pub orario: u8,
    pub ore: u8,
    /// Trasformazione code index or cessazione cause index.
    pub code: u8,
    /// The user firm of agency work (an employer of another sector), [`NO_USER`] otherwise:
    /// the communication is a UNISOMM.
    pub user: u32,
}

/// Ground truth of one relationship, as of the horizon.
#[derive(Debug, Clone, Copy)]
pub struct Truth {
    pub worker: u32,
    pub employer: u32,
    pub start: i32,
    /// True last day worked, [`NONE`] if still open at the horizon.
    pub end: i32,
    pub tip0: u8,
    pub tip_final: u8,
    pub imputata: bool,
    /// Expected end after the last proroga, [`NONE`] if open-ended.
    pub fine_prevista: i32,
    pub n_pro: u8,
    /// (trasformazione code index, date) of the last trasformazione, if any.
    pub trs: Option<(u8, i32)>,
    /// Cause of the cessazione communicated.
    pub cause: Option<u8>,
    pub ces_comunicata: bool,
    /// The user firm of agency work, [`NO_USER`] otherwise.
    pub user: u32,
}

/// Ids of employer owners live in their own name space.
pub const OWNER_BASE: u64 = 1 << 40;

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
    /// Index in [`super::codes::MOTIVI`] (0 = a correct record).
    pub motivo: u8,
    /// A true communication (not a fault record).
    pub real: bool,
    /// data_invio in the form with fractional seconds and offset.
    pub alt: bool,
    /// Index of the relationship's truth (on its ASS), [`NO_TRUTH`] if none.
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

/// A record ready to write: the item with a copy of its worker and employer, so that the
/// writer thread needs nothing from the simulation.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    pub it: Item,
    pub worker: Worker,
    pub emp: Employer,
    /// The user firm of agency work.
    pub user: Option<Employer>,
}

/// A ground-truth row ready to write (`prog` = 0 for the pregressi).
#[derive(Debug, Clone, Copy)]
pub struct TruthRow {
    pub prog: u64,
    pub t: Truth,
    pub worker_cf: [u8; 16],
    pub emp: Employer,
    /// The user firm of agency work.
    pub user: Option<Employer>,
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
