//! The lake: hive-partitioned Parquet datasets with a manifest, updated atomically.
//!
//! Layout:
//! ```text
//! lake/
//!   current -> .gen/000003            the committed generation (a symlink, swapped atomically)
//!   co_eventi -> current/co_eventi    stable paths for DuckDB, polars, pandas, R arrow
//!   quarantena -> current/quarantena
//!   co_superati -> current/co_superati
//!   _manifest.json -> current/_manifest.json
//!   views.sql -> current/views.sql    DuckDB views with paths relative to the lake
//!   .gen/000003/{_manifest.json, co_eventi/anno=2024/part-….parquet, …}
//! ```
//! A run builds generation N+1 beside N (unchanged files are hard links, so it costs no
//! space), writes the new files, writes the manifest last, then renames a new `current`
//! symlink over the old one. A crash at any point before that rename leaves generation N
//! exactly as it was; leftovers are removed by the next run.
//!
//! One writer at a time: a generation is begun only under the lake's writer lock
//! ([`lock::WriterLock`]), taken before the writer reads the manifest it builds on and held
//! until the commit.

pub mod catalog;
mod error;
pub mod lock;
pub mod manifest;
pub mod registri;
pub mod schema;
pub mod tabelle;
pub mod views;

use anyhow::{bail, Context, Result};
use arrow::record_batch::RecordBatch;
use manifest::{FileEntry, Manifest};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

pub use catalog::all_datasets;
pub use error::LakeError;

/// The datasets where every record ever read is, exactly once: `co_in_attesa` is left out (a
/// copy of the orphans in `quarantena`).
pub const RECONCILED: [&str; 3] = [schema::CO_EVENTI, schema::QUARANTENA, schema::CO_SUPERATI];

/// Rows per Parquet row group: bounds the writer's memory and lets readers skip by year/row
/// group statistics.
const ROW_GROUP_ROWS: usize = 128 * 1024;

/// Parquet writer settings shared by every dataset: zstd level 1 (fast, ~30 % smaller than
/// snappy on these columns), dictionary encoding on by default.
pub fn writer_properties() -> WriterProperties {
    let mut b = WriterProperties::builder();
    // Columns with (almost) one value per row: a dictionary only costs time.
    for c in [
        "codice_comunicazione",
        "codice_comunicazione_precedente",
        "codice_comunicazione_radice",
        "id_lavoratore",
        "id_datore",
        "data_invio",
        "record_origine",
        "impronta_record",
        "record_grezzo",
        // Built datasets: a relationship's id and its neighbours' (rapporti, segmenti, carriere,
        // transizioni), and the code of its first communication.
        "id_rapporto",
        "id_rapporto_successivo",
        "id_rapporto_precedente",
        "id_rapporto_prevalente",
        "codice_comunicazione_avvio",
    ] {
        b = b.set_column_dictionary_enabled(parquet::schema::types::ColumnPath::from(c), false);
    }
    b.set_compression(Compression::ZSTD(ZstdLevel::try_new(1).unwrap_or_default()))
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_created_by(format!("oml {}", env!("CARGO_PKG_VERSION")))
        .build()
}

/// A lake folder.
#[derive(Debug, Clone)]
pub struct Lake {
    pub root: PathBuf,
}

/// A generation being built; dropped without `commit` it leaves the lake untouched.
pub struct Staging {
    pub dir: PathBuf,
    pub number: u64,
    lake: Lake,
    /// Held until the commit (or the abandon) of this generation.
    _lock: lock::WriterLock,
}

impl Lake {
    pub fn new(root: impl Into<PathBuf>) -> Lake {
        Lake { root: root.into() }
    }

    fn gen_root(&self) -> PathBuf {
        self.root.join(".gen")
    }

    /// The committed generation folder, if the lake has one.
    pub fn current_dir(&self) -> Option<PathBuf> {
        let link = self.root.join("current");
        let target = std::fs::read_link(&link).ok()?;
        let dir = if target.is_absolute() {
            target
        } else {
            self.root.join(target)
        };
        dir.is_dir().then_some(dir)
    }

    /// The committed manifest (an empty one for a new lake).
    pub fn manifest(&self) -> Result<Manifest> {
        match self.current_dir() {
            None => Ok(Manifest::default()),
            Some(dir) => {
                let p = dir.join("_manifest.json");
                let text = std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?;
                serde_json::from_str(&text).with_context(|| format!("{} is not a valid OML manifest", p.display()))
            }
        }
    }

    /// The committed generation folder, or [`LakeError::Empty`].
    pub fn require_current(&self) -> Result<PathBuf, LakeError> {
        self.current_dir().ok_or_else(|| LakeError::Empty {
            lake: self.root.clone(),
        })
    }

    /// The committed manifest, with a build that matches its communications, or
    /// [`LakeError::Empty`] / [`LakeError::NotBuilt`].
    pub fn require_built(&self) -> Result<(Manifest, manifest::BuildRecord)> {
        self.require_current()?;
        let m = self.manifest()?;
        let b = m.build.clone().ok_or_else(|| LakeError::NotBuilt {
            lake: self.root.clone(),
        })?;
        if b.formato < manifest::BUILD_FORMAT {
            return Err(LakeError::OldBuild {
                lake: self.root.clone(),
                found: b.formato,
                wanted: manifest::BUILD_FORMAT,
            }
            .into());
        }
        Ok((m, b))
    }

    /// Absolute path of a file listed in the manifest.
    pub fn file_path(&self, rel: &str) -> Option<PathBuf> {
        self.current_dir().map(|d| d.join(rel))
    }

    /// Takes the writer lock (waiting for another writer to finish, and saying so through
    /// `on_wait`). Take it before reading the manifest a new generation will build on.
    pub fn lock_writer(&self, command: &str, on_wait: &dyn Fn(&str)) -> Result<lock::WriterLock> {
        lock::WriterLock::acquire(&self.root, command, on_wait)
    }

    /// Starts generation N+1 under the writer lock: removes leftovers of crashed runs, then
    /// hard-links every file of the current generation into the new folder.
    pub fn begin(&self, lock: lock::WriterLock) -> Result<Staging> {
        std::fs::create_dir_all(self.gen_root()).with_context(|| format!("creating lake {}", self.root.display()))?;
        let current = self.current_dir();
        let current_no = current
            .as_ref()
            .and_then(|d| d.file_name()?.to_str()?.parse::<u64>().ok())
            .unwrap_or(0);
        // Leftovers: any generation folder that is not the current one.
        for e in std::fs::read_dir(self.gen_root())? {
            let e = e?;
            let name = e.file_name();
            let keep = current
                .as_ref()
                .is_some_and(|c| c.file_name() == Some(name.as_os_str()));
            if !keep {
                std::fs::remove_dir_all(e.path())
                    .with_context(|| format!("removing leftover {}", e.path().display()))?;
            }
        }
        let number = current_no + 1;
        let dir = self.gen_root().join(format!("{number:06}"));
        std::fs::create_dir_all(&dir)?;
        if let Some(cur) = &current {
            link_tree(cur, &dir, Path::new(""))?;
        }
        Ok(Staging {
            dir,
            number,
            lake: self.clone(),
            _lock: lock,
        })
    }
}

fn link_tree(from: &Path, to: &Path, rel: &Path) -> Result<()> {
    for e in std::fs::read_dir(from.join(rel))? {
        let e = e?;
        let r = rel.join(e.file_name());
        if e.file_type()?.is_dir() {
            std::fs::create_dir_all(to.join(&r))?;
            link_tree(from, to, &r)?;
        } else if r != Path::new("_manifest.json")
            && r != Path::new("views.sql")
            && r.extension().is_none_or(|e| e != "tmp")
        {
            std::fs::hard_link(from.join(&r), to.join(&r))
                .or_else(|_| std::fs::copy(from.join(&r), to.join(&r)).map(|_| ()))
                .with_context(|| format!("linking {}", r.display()))?;
        }
    }
    Ok(())
}

impl Staging {
    /// Path of a file inside the new generation.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// Removes a file from the new generation (it stays in the old one until commit).
    pub fn remove(&self, rel: &str) -> Result<()> {
        std::fs::remove_file(self.path(rel)).with_context(|| format!("removing {rel}"))
    }

    /// Writes the manifest and the views, fsyncs, and swaps `current` to this generation.
    /// Each step is a named crash point ([`crash_point`]) for the tests.
    pub fn commit(self, manifest: &Manifest) -> Result<()> {
        let views_sql = views::render_views(manifest)?;
        crash_point("dati-scritti");
        let write_synced = |rel: &str, bytes: &[u8]| -> Result<()> {
            let tmp = self.dir.join(format!("{rel}.tmp"));
            {
                let mut f = File::create(&tmp)?;
                std::io::Write::write_all(&mut f, bytes)?;
                f.sync_all()?;
            }
            std::fs::rename(&tmp, self.dir.join(rel))?;
            Ok(())
        };
        for d in all_datasets() {
            std::fs::create_dir_all(self.dir.join(d))?;
        }
        write_synced("views.sql", views_sql.as_bytes())?;
        crash_point("viste-scritte");
        write_synced("_manifest.json", serde_json::to_string_pretty(manifest)?.as_bytes())?;
        crash_point("manifesto-scritto");
        if let Ok(d) = File::open(&self.dir) {
            let _ = d.sync_all();
        }
        let root = &self.lake.root;
        // Stable top-level names (created once, before the switch: a crash right after the
        // switch leaves a complete lake).
        for name in all_datasets().chain(["_manifest.json", "views.sql"]) {
            let link = root.join(name);
            if std::fs::symlink_metadata(&link).is_err() {
                symlink(&PathBuf::from("current").join(name), &link)?;
            }
        }
        crash_point("link-creati");
        let rel_target = PathBuf::from(".gen").join(format!("{:06}", self.number));
        let tmp_link = root.join("current.tmp");
        let _ = std::fs::remove_file(&tmp_link);
        symlink(&rel_target, &tmp_link)?;
        crash_point("link-temporaneo");
        std::fs::rename(&tmp_link, root.join("current")).context("switching the lake to the new generation")?;
        if let Ok(d) = File::open(root) {
            let _ = d.sync_all();
        }
        crash_point("generazione-attiva");
        // The previous generation is no longer referenced.
        for e in std::fs::read_dir(root.join(".gen"))? {
            let e = e?;
            if e.path() != self.dir {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
        Ok(())
    }
}

/// The commit's crash points, in order (the tests kill a writer at each).
pub const CRASH_POINTS: [&str; 6] = [
    "dati-scritti",
    "viste-scritte",
    "manifesto-scritto",
    "link-creati",
    "link-temporaneo",
    "generazione-attiva",
];

/// Test hook: when `OML_CRASH_AT` names this point, the process aborts here as a `kill -9`
/// would (no unwinding, no destructors, nothing flushed), so the tests can check that the
/// lake is readable after a crash at every step of a commit.
pub fn crash_point(name: &str) {
    if std::env::var_os("OML_CRASH_AT").is_some_and(|v| v == name) {
        std::process::abort();
    }
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> Result<()> {
    std::os::unix::fs::symlink(target, link).with_context(|| format!("creating link {}", link.display()))
}

#[cfg(not(unix))]
fn symlink(_target: &Path, _link: &Path) -> Result<()> {
    bail!("the OML lake needs a file system with symbolic links")
}

/// Writes one dataset of a run, one Parquet file per year (`<dataset>/anno=<y>/part-<run>.parquet`).
pub struct PartitionedWriter {
    staging_dir: PathBuf,
    dataset: &'static str,
    file_stem: String,
    schema: arrow::datatypes::SchemaRef,
    writers: BTreeMap<i32, (ArrowWriter<File>, u64)>,
}

impl PartitionedWriter {
    pub fn new(staging: &Staging, dataset: &'static str, file_stem: &str, schema: arrow::datatypes::SchemaRef) -> Self {
        PartitionedWriter {
            staging_dir: staging.dir.clone(),
            dataset,
            file_stem: file_stem.to_string(),
            schema,
            writers: BTreeMap::new(),
        }
    }

    fn rel(&self, anno: i32) -> String {
        format!("{}/anno={anno}/{}.parquet", self.dataset, self.file_stem)
    }

    /// Appends a batch to the year's file.
    pub fn write(&mut self, anno: i32, batch: &RecordBatch) -> Result<()> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        if !self.writers.contains_key(&anno) {
            let path = self.staging_dir.join(self.rel(anno));
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            if path.exists() {
                bail!("{} already exists in the lake", path.display());
            }
            let f = File::create(&path).with_context(|| format!("creating {}", path.display()))?;
            let w = ArrowWriter::try_new(f, self.schema.clone(), Some(writer_properties()))?;
            self.writers.insert(anno, (w, 0));
        }
        if let Some((w, rows)) = self.writers.get_mut(&anno) {
            w.write(batch)?;
            *rows += batch.num_rows() as u64;
        }
        Ok(())
    }

    /// Closes every file (fsynced) and lists them for the manifest.
    pub fn finish(self) -> Result<Vec<FileEntry>> {
        let mut out = Vec::new();
        for (anno, (w, rows)) in self.writers {
            let f = w.into_inner()?;
            f.sync_all()?;
            let rel = format!("{}/anno={anno}/{}.parquet", self.dataset, self.file_stem);
            let bytes = std::fs::metadata(self.staging_dir.join(&rel))?.len();
            out.push(FileEntry {
                path: rel,
                anno,
                rows,
                bytes,
            });
        }
        Ok(out)
    }
}

/// Writes a whole dataset file at once (used when a partition is rewritten).
pub fn write_file(path: &Path, batches: &[RecordBatch], schema: arrow::datatypes::SchemaRef) -> Result<u64> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let f = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut w = ArrowWriter::try_new(f, schema, Some(writer_properties()))?;
    let mut rows = 0u64;
    for b in batches {
        w.write(b)?;
        rows += b.num_rows() as u64;
    }
    let f = w.into_inner()?;
    f.sync_all()?;
    Ok(rows)
}

/// Reads a Parquet file of the lake into batches.
pub fn read_file(path: &Path) -> Result<Vec<RecordBatch>> {
    let f = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f)?
        .with_batch_size(64 * 1024)
        .build()?;
    reader.collect::<std::result::Result<Vec<_>, _>>().map_err(Into::into)
}
