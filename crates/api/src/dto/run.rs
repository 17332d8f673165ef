//! Pipeline runs and their log lines on the wire.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use prosektor_domain::{LogLine, PipelineRun};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::enums::{LogLevelDto, RunStatusDto};
use super::timestamp::{rfc3339, rfc3339_or_null};

/// A pipeline run: an AI generation job for one project.
#[derive(Debug, Clone, Object, Serialize)]
#[oai(rename = "Run")]
pub struct RunDto {
    /// The run's id.
    pub id: Uuid,
    /// The project it builds.
    pub project_id: Uuid,
    /// `QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED`.
    pub status: RunStatusDto,
    /// Attempts made so far (a failed attempt is retried with backoff while attempts remain).
    pub attempt: u32,
    /// Attempts allowed.
    pub max_attempts: u32,
    /// The input the run was started with (a JSON object).
    pub input: Value,
    /// Why the last failed attempt failed: set when `FAILED`, and on a run being retried (queued
    /// or running again after a failed attempt); `null` once it succeeds or before any failure.
    pub error: Option<String>,
    /// When the run was queued.
    #[serde(serialize_with = "rfc3339")]
    pub created_at: DateTime<Utc>,
    /// When a queued run may be claimed next (later than now while retrying with backoff).
    #[serde(serialize_with = "rfc3339")]
    pub run_after: DateTime<Utc>,
    /// When the current or last attempt started.
    #[serde(serialize_with = "rfc3339_or_null")]
    pub started_at: Option<DateTime<Utc>>,
    /// The running attempt's last sign of life.
    #[serde(serialize_with = "rfc3339_or_null")]
    pub heartbeat_at: Option<DateTime<Utc>>,
    /// When the run finished.
    #[serde(serialize_with = "rfc3339_or_null")]
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<&PipelineRun> for RunDto {
    fn from(run: &PipelineRun) -> Self {
        Self {
            id: run.id().as_uuid(),
            project_id: run.project_id().as_uuid(),
            status: run.status().into(),
            attempt: run.attempt(),
            max_attempts: run.max_attempts(),
            input: serde_json::from_str(run.input().as_str()).unwrap_or(Value::Null),
            error: run.error().map(str::to_owned),
            created_at: run.created_at(),
            run_after: run.run_after(),
            started_at: run.started_at(),
            heartbeat_at: run.heartbeat_at(),
            finished_at: run.finished_at(),
        }
    }
}

/// What to start a run with.
#[derive(Debug, Clone, Default, Object)]
#[oai(rename = "StartRun", deny_unknown_fields)]
pub struct StartRunDto {
    /// Options for the generator (a JSON object, at most 64 KiB); `{}` when absent.
    pub input: Option<BTreeMap<String, Value>>,
}

/// One log line of a run.
#[derive(Debug, Clone, Object, Serialize)]
#[oai(rename = "LogLine")]
pub struct LogLineDto {
    /// Increasing position within the run, from 1.
    pub seq: i64,
    /// When it was written.
    #[serde(serialize_with = "rfc3339")]
    pub at: DateTime<Utc>,
    /// Its level.
    pub level: LogLevelDto,
    /// What happened.
    pub message: String,
}

impl From<&LogLine> for LogLineDto {
    fn from(line: &LogLine) -> Self {
        Self {
            seq: line.seq(),
            at: line.at(),
            level: line.level().into(),
            message: line.message().to_owned(),
        }
    }
}

/// A slice of a run's log. To follow a running run, ask again with `after_seq = next_after_seq`.
#[derive(Debug, Clone, Object, Serialize)]
#[oai(rename = "LogPage")]
pub struct LogPageDto {
    /// The lines, in `seq` order.
    pub lines: Vec<LogLineDto>,
    /// The `after_seq` of the next request (the last line's `seq`, or the one asked for).
    pub next_after_seq: i64,
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::payload::tests::serializes_as_documented;

    #[tokio::test]
    async fn a_log_page_answers_as_the_document_describes_it() {
        let at = Utc
            .with_ymd_and_hms(2026, 12, 3, 21, 5, 9)
            .single()
            .expect("a valid time")
            + Duration::microseconds(7);
        let lines = [
            LogLevelDto::Debug,
            LogLevelDto::Info,
            LogLevelDto::Warn,
            LogLevelDto::Error,
        ]
        .into_iter()
        .zip(1..)
        .map(|(level, seq)| LogLineDto {
            seq,
            at,
            level,
            message: format!("adım {seq}: \"sayfa\" yazıldı\n"),
        })
        .collect();
        serializes_as_documented(&LogPageDto {
            lines,
            next_after_seq: 4,
        })
        .await;
        serializes_as_documented(&LogPageDto {
            lines: Vec::new(),
            next_after_seq: 0,
        })
        .await;
    }
}
