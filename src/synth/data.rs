//! The generator's data files under `src/synth/data/` (calibration and name pools), compiled in
//! and read with the `csv` crate. [`read`] checks a file's header and hands its records over
//! with their line numbers, so that every error names the file and the line; the typed tables
//! are built once by their users ([`super::calib`], [`super::people`]).

use anyhow::{anyhow, bail, Context, Result};
use csv::StringRecord;

/// One embedded file: its name (for messages) and its text.
pub struct Embedded {
    name: &'static str,
    text: &'static str,
}

macro_rules! embed {
    ($name:literal) => {
        Embedded {
            name: $name,
            text: include_str!(concat!("data/", $name)),
        }
    };
}

pub const DIVISIONI: Embedded = embed!("divisioni.csv");
pub const SETTORI: Embedded = embed!("settori.csv");
pub const STAGIONALITA: Embedded = embed!("stagionalita.csv");
pub const CITTADINANZE: Embedded = embed!("cittadinanze.csv");
pub const NOMI: Embedded = embed!("nomi.csv");
/// The `Ramo di attività` of INPS format A (DOMAIN.md §4.2) for an ATECO section of the employer [I].
pub const RAMI_INPS: Embedded = embed!("rami_inps.csv");

/// One record of a data file.
pub struct Record {
    file: &'static str,
    line: u64,
    rec: StringRecord,
}

impl Record {
    /// Field `i` (0-based; the header has been checked, so it exists).
    pub fn text(&self, i: usize) -> &str {
        self.rec.get(i).unwrap_or("")
    }

    /// Field `i` as a number.
    pub fn num<T: std::str::FromStr>(&self, i: usize) -> Result<T>
    where
        T::Err: std::error::Error + Send + Sync + 'static,
    {
        self.text(i)
            .parse()
            .with_context(|| format!("{} line {}: field {} is not a number", self.file, self.line, i + 1))
    }

    /// Fields `from..from + N` as numbers.
    pub fn nums<const N: usize>(&self, from: usize) -> Result<[f64; N]> {
        let mut out = [0.0; N];
        for (k, v) in out.iter_mut().enumerate() {
            *v = self.num(from + k)?;
        }
        Ok(out)
    }

    /// An error about this record.
    pub fn error(&self, msg: impl std::fmt::Display) -> anyhow::Error {
        anyhow!("{} line {}: {msg}", self.file, self.line)
    }
}

/// The records of `file`, after checking that its header is `header`.
pub fn read(file: &Embedded, header: &[&str]) -> Result<Vec<Record>> {
    let mut r = csv::Reader::from_reader(file.text.as_bytes());
    let h = r.headers().with_context(|| format!("reading {}", file.name))?;
    if h.iter().ne(header.iter().copied()) {
        bail!("{}: the header is not {}", file.name, header.join(","));
    }
    r.records()
        .map(|rec| {
            let rec = rec.with_context(|| format!("reading {}", file.name))?;
            let line = rec.position().map_or(0, |p| p.line());
            Ok(Record {
                file: file.name,
                line,
                rec,
            })
        })
        .collect()
}
