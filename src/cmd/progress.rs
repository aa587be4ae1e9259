//! The progress bars of long commands (`build`, `mail`): drawn on a terminal only, never in
//! pipes, CI or with `--quiet`.

use std::sync::OnceLock;

/// A progress bar of `len` steps named `unit` ("briefs", "messages"), with the time it
/// still needs when `eta`; hidden unless standard error is a terminal outside CI, and for
/// fewer than two steps.
pub fn bar(len: usize, unit: &str, eta: bool) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if len < 2 || !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    let eta = if eta { " (ETA {eta})" } else { "" };
    if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
        "{{bar:30}} {{pos}}/{{len}} {unit} {{elapsed}}{eta}"
    )) {
        bar.set_style(style);
    }
    bar
}

/// A build's progress, told by [`crate::builder`] as its briefs land.
pub struct Briefs {
    /// Not with `--quiet`.
    shown: bool,
    bar: OnceLock<indicatif::ProgressBar>,
}

impl Briefs {
    pub fn new(shown: bool) -> Self {
        Briefs {
            shown,
            bar: OnceLock::new(),
        }
    }

    /// Clears the bar once the build is done, before its report is printed.
    pub fn finish(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }
}

impl crate::builder::Progress for Briefs {
    fn start(&self, briefs: usize) {
        if self.shown {
            let _ = self.bar.set(bar(briefs, "briefs", false));
        }
    }

    fn done(&self) {
        if let Some(bar) = self.bar.get() {
            bar.inc(1);
        }
    }
}
