//! Progress bars of the commands (indicatif), hidden with `--quiet`.

use indicatif::{ProgressBar, ProgressStyle};

/// A bar with `template`, or a hidden one when quiet.
pub fn bar(quiet: bool, template: &str) -> ProgressBar {
    let b = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0)
    };
    b.set_style(ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()));
    b
}

/// A spinner that ticks by itself, or a hidden one when quiet.
pub fn spinner(quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let b = ProgressBar::new_spinner();
    b.enable_steady_tick(std::time::Duration::from_millis(120));
    b
}
