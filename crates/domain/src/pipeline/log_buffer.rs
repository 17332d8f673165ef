//! [`LogBuffer`]: the lines a worker has logged on the run it holds and not written yet, and the
//! cap on how much one attempt may log. A worker writes its buffer in one batch per step, so a
//! chatty generator costs one statement per step instead of one per line; past the cap, lines are
//! counted instead of kept and [`LogBuffer::close`] summarises them in a last line.

use chrono::{DateTime, Utc};

use super::log::{LogLevel, LogLine};
use crate::error::DomainResult;
use crate::text::trimmed_bounded;

/// A line logged but not numbered yet: the storage numbers a batch after the run's last line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLogLine {
    at: DateTime<Utc>,
    level: LogLevel,
    message: String,
}

impl NewLogLine {
    /// A line at `at`, validated as a [`LogLine`] is (the message trimmed, 1 to 8192 characters).
    ///
    /// # Errors
    /// As [`LogLine::new`] for the message.
    pub fn new(at: DateTime<Utc>, level: LogLevel, message: &str) -> DomainResult<Self> {
        let message = trimmed_bounded("message", message, LogLine::MAX_MESSAGE_CHARS)?;
        Ok(Self { at, level, message })
    }

    /// When it was logged.
    pub const fn at(&self) -> DateTime<Utc> {
        self.at
    }

    /// Its severity.
    pub const fn level(&self) -> LogLevel {
        self.level
    }

    /// Its message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// How much one attempt of a run may log: past either bound, lines are dropped and counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogCap {
    /// Lines kept per attempt (the summary line comes on top).
    pub lines: u64,
    /// Message bytes kept per attempt.
    pub bytes: u64,
}

impl LogCap {
    /// 10 000 lines and 4 MiB per attempt: far above what a run needs to say what it did, far
    /// below what would let one run fill the log partitions.
    pub const DEFAULT: Self = Self {
        lines: 10_000,
        bytes: 4 * 1024 * 1024,
    };
}

/// The lines of one attempt not written yet, and what the attempt logged in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogBuffer {
    cap: LogCap,
    pending: Vec<NewLogLine>,
    kept: LogVolume,
    dropped: LogVolume,
    /// How many dropped lines a summary has told of already.
    summarised: u64,
}

/// A count of lines and of their message bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LogVolume {
    /// Lines.
    pub lines: u64,
    /// Message bytes.
    pub bytes: u64,
}

impl LogVolume {
    fn add(&mut self, line: &NewLogLine) {
        self.lines += 1;
        self.bytes += line.message.len() as u64;
    }
}

impl LogBuffer {
    /// An empty buffer for a new attempt, capped by `cap`.
    pub const fn new(cap: LogCap) -> Self {
        Self {
            cap,
            pending: Vec::new(),
            kept: LogVolume { lines: 0, bytes: 0 },
            dropped: LogVolume { lines: 0, bytes: 0 },
            summarised: 0,
        }
    }

    /// Adds a line to the next batch, or counts it as dropped once the attempt has logged its
    /// cap (a line that would pass the byte cap is dropped whole).
    pub fn push(&mut self, line: NewLogLine) {
        let bytes = self.kept.bytes + line.message.len() as u64;
        let full = self.kept.lines >= self.cap.lines || bytes > self.cap.bytes;
        if self.dropped.lines > 0 || full {
            self.dropped.add(&line);
        } else {
            self.kept.add(&line);
            self.pending.push(line);
        }
    }

    /// The lines to write now, oldest first, leaving the buffer empty.
    pub fn take(&mut self) -> Vec<NewLogLine> {
        std::mem::take(&mut self.pending)
    }

    /// Puts back a batch that could not be written, before any line pushed since.
    pub fn put_back(&mut self, mut batch: Vec<NewLogLine>) {
        batch.append(&mut self.pending);
        self.pending = batch;
    }

    /// Whether no line waits to be written.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// What the attempt logged and kept so far (written or pending).
    pub const fn kept(&self) -> LogVolume {
        self.kept
    }

    /// What the attempt logged past its cap.
    pub const fn dropped(&self) -> LogVolume {
        self.dropped
    }

    /// Ends a stretch of the attempt's logging (before its outcome is recorded): when lines were
    /// dropped since the last summary, adds the line that says how many in all and why (at
    /// `at`), after every kept line.
    pub fn close(&mut self, at: DateTime<Utc>) {
        if self.dropped.lines == self.summarised {
            return;
        }
        self.summarised = self.dropped.lines;
        let summary = format!(
            "{} more lines ({} bytes) were not kept: an attempt keeps at most {} lines and {} bytes of log",
            self.dropped.lines, self.dropped.bytes, self.cap.lines, self.cap.bytes
        );
        self.pending.push(NewLogLine {
            at,
            level: LogLevel::Warn,
            message: summary,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(message: &str) -> NewLogLine {
        NewLogLine::new(Utc::now(), LogLevel::Info, message).unwrap()
    }

    #[test]
    fn lines_wait_in_order_until_taken_and_a_failed_batch_goes_back_first() {
        let mut buffer = LogBuffer::new(LogCap::DEFAULT);
        buffer.push(line("one"));
        buffer.push(line("two"));
        let batch = buffer.take();
        assert!(buffer.is_empty());
        buffer.push(line("three"));
        buffer.put_back(batch);
        let messages: Vec<_> = buffer
            .take()
            .iter()
            .map(|l| l.message().to_owned())
            .collect();
        assert_eq!(messages, ["one", "two", "three"]);
    }

    #[test]
    fn past_the_line_cap_lines_are_counted_and_summarised_last() {
        let mut buffer = LogBuffer::new(LogCap {
            lines: 3,
            bytes: 1_000,
        });
        for i in 0..10 {
            buffer.push(line(&format!("line {i}")));
        }
        assert_eq!(
            buffer.kept(),
            LogVolume {
                lines: 3,
                bytes: 18
            }
        );
        assert_eq!(
            buffer.dropped(),
            LogVolume {
                lines: 7,
                bytes: 42
            }
        );
        buffer.close(Utc::now());
        buffer.close(Utc::now());
        let batch = buffer.take();
        let messages: Vec<_> = batch.iter().map(NewLogLine::message).collect();
        assert_eq!(
            messages,
            [
                "line 0",
                "line 1",
                "line 2",
                "7 more lines (42 bytes) were not kept: an attempt keeps at most 3 lines and 1000 bytes of log"
            ]
        );
        assert_eq!(batch[3].level(), LogLevel::Warn);
    }

    #[test]
    fn the_byte_cap_drops_the_line_that_would_pass_it_and_every_later_one() {
        let mut buffer = LogBuffer::new(LogCap {
            lines: 100,
            bytes: 10,
        });
        buffer.push(line("12345"));
        buffer.push(line("123456"));
        buffer.push(line("1"));
        assert_eq!(buffer.kept(), LogVolume { lines: 1, bytes: 5 });
        assert_eq!(buffer.dropped(), LogVolume { lines: 2, bytes: 7 });
    }

    #[test]
    fn an_attempt_within_its_cap_closes_without_a_summary() {
        let mut buffer = LogBuffer::new(LogCap::DEFAULT);
        buffer.push(line("only"));
        buffer.close(Utc::now());
        assert_eq!(buffer.take().len(), 1);
    }

    #[test]
    fn a_new_line_is_validated_like_a_stored_one() {
        assert!(NewLogLine::new(Utc::now(), LogLevel::Info, "   ").is_err());
        assert_eq!(line("  padded ").message(), "padded");
    }
}
