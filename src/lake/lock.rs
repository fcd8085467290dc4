//! One writer at a time: the lake's lock file.
//!
//! Every command that changes the lake (`oml ingest`, `oml build`) takes an exclusive lock
//! on `<lake>/.lock` before it reads the manifest it will build on, and keeps it until its
//! new generation is committed or abandoned. A second writer waits for the first to finish
//! (saying whom it waits for), then starts from the state the first committed: two ingests at
//! once give the same lake as the same two one after the other.
//!
//! The lock is an OS file lock (`flock`), not the file's existence: the kernel releases it
//! when its holder exits, also on `kill -9` or a power cut, so a crashed run never leaves a
//! stale lock behind. The file's content (holder's pid, command and start time) is only
//! there to tell the waiting user who holds it. Readers (`oml sql`, `oml status`, DuckDB,
//! polars, R) take no lock: they see the last committed generation.

use anyhow::{Context, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// Name of the lock file inside the lake folder.
pub const LOCK_FILE: &str = ".lock";

/// The held writer lock; released when dropped.
#[derive(Debug)]
pub struct WriterLock {
    file: File,
    path: PathBuf,
}

impl WriterLock {
    /// Takes the lock of the lake at `root` (created if missing), waiting for the current
    /// holder if there is one. `command` names the holder for the others (`ingest`, `build`).
    pub fn acquire(root: &Path, command: &str, on_wait: &dyn Fn(&str)) -> Result<WriterLock> {
        std::fs::create_dir_all(root).with_context(|| format!("creating lake {}", root.display()))?;
        let path = root.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("opening the lake's lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                on_wait(&format!(
                    "the lake {} is being written by another process ({}): waiting for it to finish",
                    root.display(),
                    if holder.is_empty() { "unknown" } else { holder }
                ));
                file.lock()
                    .with_context(|| format!("waiting for the lake's lock {}", path.display()))?;
            }
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("locking {}", path.display()));
            }
        }
        let who = format!(
            "pid {}, oml {command}, since {}",
            std::process::id(),
            chrono::Local::now().format("%Y-%m-%d %H:%M:%S")
        );
        file.set_len(0)?;
        file.rewind()?;
        file.write_all(who.as_bytes())?;
        Ok(WriterLock { file, path })
    }

    /// The lock file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for WriterLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    #[test]
    fn a_second_writer_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let first = WriterLock::acquire(dir.path(), "ingest", &|_| {}).unwrap();
        let content = std::fs::read_to_string(first.path()).unwrap();
        assert!(content.contains(&format!("pid {}", std::process::id())) && content.contains("ingest"));
        let released = Arc::new(AtomicBool::new(false));
        let waited = Arc::new(AtomicBool::new(false));
        let root = dir.path().to_path_buf();
        let (r2, w2) = (released.clone(), waited.clone());
        let second = std::thread::spawn(move || {
            let _l = WriterLock::acquire(&root, "build", &|msg| {
                assert!(msg.contains("ingest"), "{msg}");
                w2.store(true, Ordering::SeqCst);
            })
            .unwrap();
            // Only after the first released it.
            assert!(r2.load(Ordering::SeqCst));
        });
        while !waited.load(Ordering::SeqCst) {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        released.store(true, Ordering::SeqCst);
        drop(first);
        second.join().unwrap();
    }
}
