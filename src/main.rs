//! `oml`: the command-line entry point. It only dispatches: every command lives in its own
//! file under `src/cli/` (arguments → a validated spec → one library call → printed result),
//! and the work is in the library (`src/lib.rs`, map in `ARCHITECTURE.md`).

mod cli;

use clap::Parser;

/// mimalloc instead of the system allocator: measured in the comment of its entry in Cargo.toml.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let app = cli::App::parse();
    let result = cli::run(&app);
    cli::bench::report_peak_rss_if_asked();
    if let Err(e) = result {
        eprintln!("oml: error: {e:#}");
        std::process::exit(cli::exit_code(&e));
    }
}
