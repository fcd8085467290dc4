//! The files of the DID, mobility and CIG outputs: written under a temporary name and renamed
//! when complete, with the separator and line end each format asks for.

use anyhow::{Context, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A delimited text file being written.
pub struct Table {
    w: BufWriter<File>,
    tmp: PathBuf,
    dest: PathBuf,
    sep: char,
    eol: &'static str,
    line: String,
}

impl Table {
    /// A file with this header; `sep` the separator, `crlf` the line end. Values are written
    /// as given: callers write only values without separators, quotes or line ends.
    pub fn create(dest: &Path, header: &[&str], sep: char, crlf: bool) -> Result<Table> {
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dest.with_file_name(format!(".{name}.tmp"));
        let f = File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        let mut t = Table {
            w: BufWriter::new(f),
            tmp,
            dest: dest.to_path_buf(),
            sep,
            eol: if crlf { "\r\n" } else { "\n" },
            line: String::new(),
        };
        t.row(header)?;
        Ok(t)
    }

    pub fn row<S: AsRef<str>>(&mut self, fields: &[S]) -> Result<()> {
        self.line.clear();
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                self.line.push(self.sep);
            }
            debug_assert!(!f.as_ref().contains([self.sep, '"', '\n', '\r']));
            self.line.push_str(f.as_ref());
        }
        self.line.push_str(self.eol);
        self.w
            .write_all(self.line.as_bytes())
            .with_context(|| format!("writing {}", self.tmp.display()))
    }

    /// Flushes and renames; returns the final path.
    pub fn finish(mut self) -> Result<PathBuf> {
        self.w
            .flush()
            .with_context(|| format!("writing {}", self.tmp.display()))?;
        drop(self.w);
        std::fs::rename(&self.tmp, &self.dest).with_context(|| format!("renaming {}", self.tmp.display()))?;
        Ok(self.dest)
    }
}

/// `YYYY-MM-DD`, or "" for no date.
pub fn date(day: i32) -> String {
    if day == super::super::events::NONE {
        return String::new();
    }
    let (y, m, d) = super::super::cal::civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}
