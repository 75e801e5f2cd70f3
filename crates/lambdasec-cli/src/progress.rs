//! The progress line on stderr during a scan: files parsed, functions analysed, archives
//! scanned, and what the scan is doing now.
//!
//! Drawn only when stderr is a terminal (not `TERM=dumb`) and `--quiet` is not given, so
//! logs, pipes and CI output never see it; it is cleared before the report is written.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Counters of one scan and, when drawn, the spinner that shows them.
pub struct Progress {
    bar: Option<ProgressBar>,
    files: AtomicUsize,
    functions: AtomicUsize,
    archives: AtomicUsize,
    phase: Mutex<String>,
}

/// Whether a progress line may be drawn on this stderr.
fn stderr_is_interactive() -> bool {
    std::io::stderr().is_terminal() && std::env::var("TERM").map_or(true, |t| t != "dumb")
}

impl Progress {
    /// A progress line on stderr, or a silent one when `quiet` or stderr is not a terminal.
    pub fn new(quiet: bool) -> Progress {
        let bar = (!quiet && stderr_is_interactive()).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {elapsed:>3} {wide_msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        let p = Progress {
            bar,
            files: AtomicUsize::new(0),
            functions: AtomicUsize::new(0),
            archives: AtomicUsize::new(0),
            phase: Mutex::new("starting".into()),
        };
        p.redraw();
        p
    }

    /// What the scan is doing now, e.g. "parsing Terraform (120 files)".
    pub fn phase(&self, what: impl Into<String>) {
        if self.bar.is_some() {
            if let Ok(mut p) = self.phase.lock() {
                *p = what.into();
            }
            self.redraw();
        }
    }

    pub fn add_files(&self, n: usize) {
        self.files.fetch_add(n, Ordering::Relaxed);
        self.redraw();
    }

    pub fn add_functions(&self, n: usize) {
        self.functions.fetch_add(n, Ordering::Relaxed);
        self.redraw();
    }

    /// One archive or code directory read for the first time.
    pub fn add_archive(&self) {
        self.archives.fetch_add(1, Ordering::Relaxed);
        self.redraw();
    }

    /// Runs `f` with the line cleared, so that a message printed by `f` is not garbled.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    /// Removes the line for good.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn redraw(&self) {
        let Some(bar) = &self.bar else { return };
        let phase = self.phase.lock().map(|p| p.clone()).unwrap_or_default();
        bar.set_message(format!(
            "{} files parsed · {} functions analysed · {} archives scanned · {phase}",
            self.files.load(Ordering::Relaxed),
            self.functions.load(Ordering::Relaxed),
            self.archives.load(Ordering::Relaxed),
        ));
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
