//! # prosektor-progress
//!
//! Progress of long work (seeding a database, running the benchmark) for a person watching: what is
//! being done, how much is done, and an estimate of what remains. On a terminal, a bar
//! (`indicatif`); otherwise (CI logs, files) a plain line to standard error whenever the work
//! moves to a new part, and at most every [`LINE_EVERY`] within one.
//!
//! Tools only: no production code path reports progress.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// The shortest time between two plain lines about the same part of the work.
pub const LINE_EVERY: Duration = Duration::from_secs(10);

/// Where progress goes.
enum Display {
    /// A bar on a terminal.
    Bar(ProgressBar),
    /// Plain lines, to a writer (standard error).
    Lines {
        out: Box<dyn Write + Send>,
        last: Option<Instant>,
    },
}

/// The progress of one long job of `total` units (rows, loads).
pub struct Progress {
    job: String,
    total: u64,
    done: u64,
    doing: String,
    started: Instant,
    display: Display,
}

impl Progress {
    /// Progress of `job` over `total` units: a bar when standard error is a terminal, else lines.
    pub fn new(job: &str, total: u64) -> Self {
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(total);
            let style = ProgressStyle::with_template(
                "{prefix} [{bar:30}] {percent:>3}% {msg} (about {eta} left)",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style.progress_chars("=> "));
            bar.set_prefix(job.to_owned());
            Self::showing(job, total, Display::Bar(bar))
        } else {
            Self::to_lines(job, total, Box::new(std::io::stderr()))
        }
    }

    /// Progress written as plain lines to `out`.
    pub fn to_lines(job: &str, total: u64, out: Box<dyn Write + Send>) -> Self {
        Self::showing(job, total, Display::Lines { out, last: None })
    }

    fn showing(job: &str, total: u64, display: Display) -> Self {
        Self {
            job: job.to_owned(),
            total,
            done: 0,
            doing: String::new(),
            started: Instant::now(),
            display,
        }
    }

    /// The work moved to a new part, described by `what`.
    pub fn doing(&mut self, what: &str) {
        what.clone_into(&mut self.doing);
        match &mut self.display {
            Display::Bar(bar) => bar.set_message(what.to_owned()),
            Display::Lines { last, .. } => {
                *last = None;
                self.write_line();
            }
        }
    }

    /// `units` more are done.
    pub fn advance(&mut self, units: u64) {
        self.done = (self.done + units).min(self.total);
        match &self.display {
            Display::Bar(bar) => bar.set_position(self.done),
            Display::Lines { last, .. } => {
                if last.is_none_or(|last| last.elapsed() >= LINE_EVERY) {
                    self.write_line();
                }
            }
        }
    }

    /// Prints `line` (a result, say) without breaking the bar.
    pub fn println(&mut self, line: &str) {
        match &mut self.display {
            Display::Bar(bar) => bar.println(line),
            Display::Lines { out, .. } => {
                let _ = writeln!(out, "{line}");
            }
        }
    }

    /// The job is over: the bar is cleared, or a last line says how long it took.
    pub fn finish(mut self) {
        let took = self.started.elapsed();
        let line = format!("{}: done in {}", self.job, human(took));
        match &mut self.display {
            Display::Bar(bar) => bar.finish_with_message(line),
            Display::Lines { out, .. } => {
                let _ = writeln!(out, "{line}");
            }
        }
    }

    /// How long the rest should take at the pace so far; `None` before anything is done.
    pub fn remaining(&self) -> Option<Duration> {
        if self.done == 0 {
            return None;
        }
        let left = self.total.saturating_sub(self.done);
        let per_unit = self.started.elapsed().as_secs_f64() / self.done as f64;
        Some(Duration::from_secs_f64(per_unit * left as f64))
    }

    fn write_line(&mut self) {
        let percent = (self.done * 100).checked_div(self.total).unwrap_or(100);
        let left = self.remaining().map_or_else(
            || "estimating".to_owned(),
            |left| format!("about {} left", human(left)),
        );
        let line = format!("{}: {} ({percent}% done, {left})", self.job, self.doing);
        if let Display::Lines { out, last } = &mut self.display {
            let _ = writeln!(out, "{line}");
            *last = Some(Instant::now());
        }
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress")
            .field("job", &self.job)
            .field("done", &self.done)
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}

/// `75 s` → `1 min 15 s`.
fn human(duration: Duration) -> String {
    let seconds = duration.as_secs();
    match seconds {
        0..60 => format!("{seconds} s"),
        _ => format!("{} min {} s", seconds / 60, seconds % 60),
    }
}

#[cfg(test)]
mod tests {
    use prosektor_testkit::CapturedOutput;

    use super::*;

    #[test]
    fn plain_lines_say_what_is_done_how_much_and_what_remains() {
        let captured = CapturedOutput::default();
        let mut progress = Progress::to_lines("seeding", 1_000, Box::new(captured.clone()));
        progress.doing("writing companies");
        progress.advance(250);
        progress.doing("writing invoices");
        progress.advance(250);
        assert!(progress.remaining().is_some());
        progress.finish();
        let text = captured.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "seeding: writing companies (0% done, estimating)");
        assert!(
            lines[1].starts_with("seeding: writing invoices (25% done, about "),
            "{text}"
        );
        assert!(
            lines.last().unwrap().starts_with("seeding: done in "),
            "{text}"
        );
        assert_eq!(
            lines.len(),
            3,
            "advances within one part wait for LINE_EVERY: {text}"
        );
    }

    #[test]
    fn durations_read_as_minutes_and_seconds() {
        assert_eq!(human(Duration::from_secs(42)), "42 s");
        assert_eq!(human(Duration::from_secs(75)), "1 min 15 s");
    }
}
