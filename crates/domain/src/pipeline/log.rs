//! Run logs: [`LogLine`] (`pipeline_run_logs`, append-only) and its [`LogLevel`].

use chrono::{DateTime, Utc};

use crate::enums::string_enum;
use crate::error::{DomainError, DomainResult, ValidationReason};
use crate::ids::RunId;
use crate::text::trimmed_bounded;

string_enum! {
    /// Severity of a log line.
    pub enum LogLevel {
        /// Diagnostic detail.
        Debug => "DEBUG",
        /// Progress.
        Info => "INFO",
        /// Something odd that did not stop the run.
        Warn => "WARN",
        /// A failure.
        Error => "ERROR",
    }
    field = "level";
}

/// One line of a run's log. Lines are numbered per run from 1 (`seq`), in the order written.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "StoredLine"))]
pub struct LogLine {
    run_id: RunId,
    seq: i64,
    at: DateTime<Utc>,
    level: LogLevel,
    message: String,
}

impl LogLine {
    /// The longest message, in characters.
    pub const MAX_MESSAGE_CHARS: usize = 8192;

    /// Builds a log line; the message is trimmed.
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`]: field `seq` with `OutOfRange` below 1; field `message` with
    /// `Empty` or `TooLong` (over 8192 characters; messages are rejected, not truncated).
    pub fn new(
        run_id: RunId,
        seq: i64,
        at: DateTime<Utc>,
        level: LogLevel,
        message: &str,
    ) -> DomainResult<Self> {
        if seq < 1 {
            return Err(DomainError::invalid("seq", ValidationReason::OutOfRange));
        }
        let message = trimmed_bounded("message", message, Self::MAX_MESSAGE_CHARS)?;
        Ok(Self {
            run_id,
            seq,
            at,
            level,
            message,
        })
    }

    /// The run this line belongs to.
    pub const fn run_id(&self) -> RunId {
        self.run_id
    }

    /// The line's position in the run's log, from 1.
    pub const fn seq(&self) -> i64 {
        self.seq
    }

    /// When the line was written.
    pub const fn at(&self) -> DateTime<Utc> {
        self.at
    }

    /// The severity.
    pub const fn level(&self) -> LogLevel {
        self.level
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// The deserialized shape, checked by [`LogLine::new`] on the way in.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredLine {
    run_id: RunId,
    seq: i64,
    at: DateTime<Utc>,
    level: LogLevel,
    message: String,
}

#[cfg(feature = "serde")]
impl TryFrom<StoredLine> for LogLine {
    type Error = DomainError;

    fn try_from(line: StoredLine) -> DomainResult<Self> {
        Self::new(line.run_id, line.seq, line.at, line.level, &line.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_trimmed_line() {
        let run = RunId::new_v7();
        let at = Utc::now();
        let line = LogLine::new(run, 1, at, LogLevel::Info, "  generated 3 pages\n").unwrap();
        assert_eq!(
            (line.run_id(), line.seq(), line.at(), line.level()),
            (run, 1, at, LogLevel::Info)
        );
        assert_eq!(line.message(), "generated 3 pages");
    }

    #[test]
    fn rejects_bad_seq_and_messages() {
        let new = |seq, message: &str| {
            LogLine::new(RunId::new_v7(), seq, Utc::now(), LogLevel::Error, message)
        };
        assert_eq!(
            new(0, "x"),
            Err(DomainError::invalid("seq", ValidationReason::OutOfRange))
        );
        assert_eq!(
            new(1, "  "),
            Err(DomainError::invalid("message", ValidationReason::Empty))
        );
        assert!(new(1, &"ğ".repeat(8192)).is_ok());
        assert_eq!(
            new(1, &"ğ".repeat(8193)),
            Err(DomainError::invalid(
                "message",
                ValidationReason::TooLong { max: 8192 }
            ))
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_round_trips_and_validates() {
        let line =
            LogLine::new(RunId::new_v7(), 3, Utc::now(), LogLevel::Warn, "slow step").unwrap();
        let json = serde_json::to_value(&line).unwrap();
        assert_eq!(
            (json["level"].as_str(), json["seq"].as_i64()),
            (Some("WARN"), Some(3))
        );
        assert_eq!(
            serde_json::from_value::<LogLine>(json.clone()).unwrap(),
            line
        );
        let mut invalid = json;
        invalid["seq"] = 0.into();
        assert!(serde_json::from_value::<LogLine>(invalid).is_err());
    }

    #[test]
    fn level_wire_names() {
        let names: Vec<_> = LogLevel::ALL.iter().map(|l| l.as_str()).collect();
        assert_eq!(names, ["DEBUG", "INFO", "WARN", "ERROR"]);
    }
}
