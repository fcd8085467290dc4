//! The benchmark's phases as child processes of this binary: each reports its own peak RSS
//! (`VmHWM`) on exit, so the figures of one phase never include another's.

use anyhow::{bail, Context, Result};
use std::process::Command;
use std::time::Instant;

/// Environment variable that makes `oml` print its peak RSS on exit (used by the benchmark).
pub const PEAK_RSS_ENV: &str = "OML_REPORT_PEAK_RSS";
const PEAK_RSS_TAG: &str = "oml-peak-rss-kb";

/// Peak resident set size of this process so far, in KiB (Linux `VmHWM`).
pub fn peak_rss_kb() -> Option<u64> {
    peak_rss_kb_of("self")
}

/// Peak resident set size of a process (`self` or a pid) so far, in KiB.
fn peak_rss_kb_of(process: &str) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{process}/status")).ok()?;
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

/// Called at the end of `main`: reports the peak RSS when the benchmark asked for it.
pub fn report_peak_rss_if_asked() {
    if std::env::var_os(PEAK_RSS_ENV).is_some() {
        if let Some(kb) = peak_rss_kb() {
            eprintln!("{PEAK_RSS_TAG} {kb}");
        }
    }
}

pub(super) fn run_child(args: &[&str], envs: &[(&str, String)]) -> Result<(f64, u64)> {
    run_child_output(args, envs).map(|(secs, rss, _)| (secs, rss))
}

/// Runs a phase as a child process: wall seconds, peak RSS (KiB) and its standard output.
pub(super) fn run_child_output(args: &[&str], envs: &[(&str, String)]) -> Result<(f64, u64, String)> {
    match run_child_limited(args, envs, None)? {
        Child::Done(secs, rss, out) => Ok((secs, rss, out)),
        Child::Stopped(..) => unreachable!("no time limit"),
    }
}

/// How a phase run with a time limit ended.
pub(super) enum Child {
    /// Wall seconds, peak RSS (KiB), standard output.
    Done(f64, u64, String),
    /// Stopped at the limit: seconds, peak RSS (KiB) so far.
    Stopped(f64, u64),
}

/// [`run_child_output`] with an optional time limit: a phase still running at the limit is
/// killed, with the peak RSS it had reached.
pub(super) fn run_child_limited(
    args: &[&str],
    envs: &[(&str, String)],
    limit: Option<std::time::Duration>,
) -> Result<Child> {
    let exe = std::env::current_exe()?;
    let t = Instant::now();
    let mut cmd = Command::new(exe);
    cmd.args(args).env(PEAK_RSS_ENV, "1");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    // Outputs go to unnamed temporary files, so a large one never blocks the child.
    let mut stdout = tempfile::tempfile().context("creating a temporary file")?;
    let mut stderr = tempfile::tempfile().context("creating a temporary file")?;
    cmd.stdout(stdout.try_clone()?).stderr(stderr.try_clone()?);
    let mut child = cmd.spawn().context("starting a benchmark phase")?;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if limit.is_some_and(|l| t.elapsed() >= l) {
            let rss = peak_rss_kb_of(&child.id().to_string()).unwrap_or(0);
            child.kill()?;
            child.wait()?;
            return Ok(Child::Stopped(t.elapsed().as_secs_f64(), rss));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let secs = t.elapsed().as_secs_f64();
    let read = |f: &mut std::fs::File| -> Result<String> {
        use std::io::{Read, Seek};
        let mut v = Vec::new();
        f.seek(std::io::SeekFrom::Start(0))?;
        f.read_to_end(&mut v)?;
        Ok(String::from_utf8_lossy(&v).into_owned())
    };
    let stderr = read(&mut stderr)?;
    if !status.success() {
        bail!("benchmark phase {args:?} failed:\n{stderr}");
    }
    let rss = stderr
        .lines()
        .filter_map(|l| l.strip_prefix(PEAK_RSS_TAG))
        .filter_map(|v| v.trim().parse().ok())
        .next_back()
        .unwrap_or(0);
    Ok(Child::Done(secs, rss, read(&mut stdout)?))
}
