//! Pipeline runs, the AI site-generation jobs of a project: the [`PipelineRun`] entity with its
//! [`RunStatus`] machine, attempts and timestamps, its [`RunInput`], its retries with backoff
//! ([`retry_backoff`]), and its log lines ([`LogLine`]), buffered by the worker that holds it
//! ([`LogBuffer`], capped by [`LogCap`]).

mod input;
mod log;
mod log_buffer;
mod parts;
mod retry;
mod status;

pub use input::RunInput;
pub use log::{LogLevel, LogLine};
pub use log_buffer::{LogBuffer, LogCap, LogVolume, NewLogLine};
pub use parts::PipelineRunParts;
pub use retry::retry_backoff;
pub use status::RunStatus;

use chrono::{DateTime, Duration, Utc};

use crate::error::{DomainError, DomainResult, ValidationReason};
use crate::ids::{ProjectId, RunId};

/// One generation job for one project.
///
/// Invariants (checked by [`PipelineRun::from_parts`]): `1 <= max_attempts <= 20` and
/// `attempt <= max_attempts`; a queued run has an attempt left and no timestamps besides
/// `created_at`; `started_at` and `heartbeat_at` are set together, whenever the current attempt has
/// started; `finished_at` is set exactly when the status is terminal; `error` is set when `FAILED`,
/// never when `SUCCEEDED`, and otherwise only after a failed attempt: a retried run keeps the reason
/// its previous attempt failed until it succeeds (or fails again, with the new reason).
/// `run_after` is when a queued run may be claimed: its creation, or a retry's backoff later.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "PipelineRunParts", into = "PipelineRunParts")
)]
pub struct PipelineRun {
    id: RunId,
    project_id: ProjectId,
    status: RunStatus,
    attempt: u32,
    max_attempts: u32,
    input: RunInput,
    error: Option<String>,
    created_at: DateTime<Utc>,
    run_after: DateTime<Utc>,
    started_at: Option<DateTime<Utc>>,
    heartbeat_at: Option<DateTime<Utc>>,
    finished_at: Option<DateTime<Utc>>,
}

impl PipelineRun {
    /// The most attempts a run may be given.
    pub const MAX_ATTEMPTS: u32 = 20;
    /// Failure messages are cut to this many characters: recording a failure must never fail.
    pub const MAX_ERROR_CHARS: usize = 8192;

    /// A new run waiting for a worker, with no attempt made yet, runnable at once (`run_after` is
    /// `now`).
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] on field `max_attempts` with `OutOfRange` outside 1..=20.
    pub fn queue(
        id: RunId,
        project_id: ProjectId,
        input: RunInput,
        max_attempts: u32,
        now: DateTime<Utc>,
    ) -> DomainResult<Self> {
        check_max_attempts(max_attempts)?;
        Ok(Self {
            id,
            project_id,
            status: RunStatus::Queued,
            attempt: 0,
            max_attempts,
            input,
            error: None,
            created_at: now,
            run_after: now,
            started_at: None,
            heartbeat_at: None,
            finished_at: None,
        })
    }

    /// `QUEUED -> RUNNING`: a worker claimed the run and starts the next attempt.
    ///
    /// # Errors
    ///
    /// [`DomainError::InvalidTransition`] unless queued.
    pub fn start(&mut self, now: DateTime<Utc>) -> DomainResult<()> {
        self.status = self.status.transition_to(RunStatus::Running)?;
        // A queued run always has an attempt left (an invariant), so this stays <= max_attempts.
        self.attempt += 1;
        self.started_at = Some(now);
        self.heartbeat_at = Some(now);
        Ok(())
    }

    /// Records that the worker is still alive.
    ///
    /// # Errors
    ///
    /// [`DomainError::NotEditable`] unless running (e.g. the run was cancelled meanwhile: the worker
    /// should stop).
    pub fn heartbeat(&mut self, now: DateTime<Utc>) -> DomainResult<()> {
        if self.status != RunStatus::Running {
            return Err(DomainError::NotEditable {
                entity: "pipeline_run",
                status: self.status.as_str(),
            });
        }
        self.heartbeat_at = Some(now);
        Ok(())
    }

    /// `RUNNING -> SUCCEEDED`; the error of an earlier attempt, if any, is cleared.
    ///
    /// # Errors
    ///
    /// [`DomainError::InvalidTransition`] unless running.
    pub fn succeed(&mut self, now: DateTime<Utc>) -> DomainResult<()> {
        self.finish(RunStatus::Succeeded, now)?;
        self.error = None;
        Ok(())
    }

    /// `RUNNING -> FAILED`, recording `error` (cut to [`PipelineRun::MAX_ERROR_CHARS`]).
    ///
    /// # Errors
    ///
    /// [`DomainError::InvalidTransition`] unless running.
    pub fn fail(&mut self, error: &str, now: DateTime<Utc>) -> DomainResult<()> {
        self.finish(RunStatus::Failed, now)?;
        self.error = Some(error.chars().take(Self::MAX_ERROR_CHARS).collect());
        Ok(())
    }

    /// `QUEUED -> CANCELLED` or `RUNNING -> CANCELLED`.
    ///
    /// # Errors
    ///
    /// [`DomainError::InvalidTransition`] once the run has finished.
    pub fn cancel(&mut self, now: DateTime<Utc>) -> DomainResult<()> {
        self.finish(RunStatus::Cancelled, now)
    }

    fn finish(&mut self, to: RunStatus, now: DateTime<Utc>) -> DomainResult<()> {
        self.status = self.status.transition_to(to)?;
        self.finished_at = Some(now);
        Ok(())
    }

    /// Whether the run is `RUNNING` but its last heartbeat is older than `timeout` at `now` (its
    /// worker is presumed dead).
    pub fn is_stale(&self, now: DateTime<Utc>, timeout: Duration) -> bool {
        self.status == RunStatus::Running
            && self.heartbeat_at.is_some_and(|beat| beat + timeout < now)
    }

    /// The run's id.
    pub const fn id(&self) -> RunId {
        self.id
    }

    /// The project being generated.
    pub const fn project_id(&self) -> ProjectId {
        self.project_id
    }

    /// The current status.
    pub const fn status(&self) -> RunStatus {
        self.status
    }

    /// Attempts started so far (0 before the first start).
    pub const fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The most attempts this run may make.
    pub const fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The run's input.
    pub const fn input(&self) -> &RunInput {
        &self.input
    }

    /// Why the run failed, when `FAILED`.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// When the run was queued.
    pub const fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// When a queued run may be claimed (earlier claims skip it): `created_at`, or for a retry the
    /// time it was requeued plus its backoff.
    pub const fn run_after(&self) -> DateTime<Utc> {
        self.run_after
    }

    /// When the current attempt started.
    pub const fn started_at(&self) -> Option<DateTime<Utc>> {
        self.started_at
    }

    /// The last heartbeat of the current attempt.
    pub const fn heartbeat_at(&self) -> Option<DateTime<Utc>> {
        self.heartbeat_at
    }

    /// When the run finished.
    pub const fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.finished_at
    }
}

/// `1..=MAX_ATTEMPTS`.
fn check_max_attempts(max_attempts: u32) -> DomainResult<()> {
    if (1..=PipelineRun::MAX_ATTEMPTS).contains(&max_attempts) {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "max_attempts",
            ValidationReason::OutOfRange,
        ))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::TimeZone;

    pub(crate) fn t(seconds: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 7, 1, 9, 0, 0).unwrap() + Duration::seconds(seconds)
    }

    /// A queued run with `max_attempts` attempts, created at `t(0)`.
    pub(crate) fn queued(max_attempts: u32) -> PipelineRun {
        let input = RunInput::parse(r#"{"pages":["home"]}"#).unwrap();
        PipelineRun::queue(
            RunId::new_v7(),
            ProjectId::new_v7(),
            input,
            max_attempts,
            t(0),
        )
        .unwrap()
    }

    pub(crate) fn invalid(from: &'static str, to: &'static str) -> DomainResult<()> {
        Err(DomainError::InvalidTransition {
            entity: "pipeline_run",
            from,
            to,
        })
    }

    fn not_running(status: &'static str) -> DomainResult<()> {
        Err(DomainError::NotEditable {
            entity: "pipeline_run",
            status,
        })
    }

    #[test]
    fn queue_validates_max_attempts() {
        let run = queued(3);
        assert_eq!(
            (run.status(), run.attempt(), run.max_attempts()),
            (RunStatus::Queued, 0, 3)
        );
        assert_eq!(
            (run.started_at(), run.finished_at(), run.error()),
            (None, None, None)
        );
        assert_eq!((run.created_at(), run.run_after()), (t(0), t(0)));
        let out_of_range = Err(DomainError::invalid(
            "max_attempts",
            ValidationReason::OutOfRange,
        ));
        for max in [0, 21] {
            let input = run.input().clone();
            assert_eq!(
                PipelineRun::queue(run.id(), run.project_id(), input, max, t(0)),
                out_of_range
            );
        }
        assert_eq!(queued(20).max_attempts(), 20);
    }

    #[test]
    fn start_heartbeat_succeed() {
        let mut run = queued(1);
        run.start(t(1)).unwrap();
        assert_eq!((run.status(), run.attempt()), (RunStatus::Running, 1));
        assert_eq!(
            (run.started_at(), run.heartbeat_at()),
            (Some(t(1)), Some(t(1)))
        );
        run.heartbeat(t(5)).unwrap();
        assert_eq!(run.heartbeat_at(), Some(t(5)));
        run.succeed(t(9)).unwrap();
        assert_eq!(
            (run.status(), run.finished_at()),
            (RunStatus::Succeeded, Some(t(9)))
        );
        assert_eq!(run.heartbeat(t(10)), not_running("SUCCEEDED"));
        assert_eq!(run.cancel(t(10)), invalid("SUCCEEDED", "CANCELLED"));
        assert_eq!(run.start(t(10)), invalid("SUCCEEDED", "RUNNING"));
    }

    #[test]
    fn only_running_runs_finish() {
        let mut run = queued(1);
        assert_eq!(run.succeed(t(1)), invalid("QUEUED", "SUCCEEDED"));
        assert_eq!(run.fail("boom", t(1)), invalid("QUEUED", "FAILED"));
        assert_eq!(run.heartbeat(t(1)), not_running("QUEUED"));
        assert_eq!(run.error(), None);
    }

    #[test]
    fn cancel_from_queued_or_running() {
        let mut waiting = queued(1);
        waiting.cancel(t(1)).unwrap();
        assert_eq!(
            (
                waiting.status(),
                waiting.started_at(),
                waiting.finished_at()
            ),
            (RunStatus::Cancelled, None, Some(t(1)))
        );
        let mut running = queued(1);
        running.start(t(1)).unwrap();
        running.cancel(t(2)).unwrap();
        assert_eq!(
            (running.status(), running.finished_at()),
            (RunStatus::Cancelled, Some(t(2)))
        );
        assert_eq!(
            running.requeue(t(3), Duration::seconds(2)),
            invalid("CANCELLED", "QUEUED")
        );
    }

    #[test]
    fn fail_truncates_long_errors() {
        let mut run = queued(1);
        run.start(t(1)).unwrap();
        run.fail(&"ş".repeat(PipelineRun::MAX_ERROR_CHARS + 10), t(2))
            .unwrap();
        assert_eq!(
            run.error().map(|e| e.chars().count()),
            Some(PipelineRun::MAX_ERROR_CHARS)
        );
    }

    #[test]
    fn stale_means_running_without_recent_heartbeat() {
        let mut run = queued(1);
        let timeout = Duration::seconds(30);
        assert!(!run.is_stale(t(100), timeout));
        run.start(t(0)).unwrap();
        assert!(!run.is_stale(t(30), timeout));
        assert!(run.is_stale(t(31), timeout));
        run.heartbeat(t(31)).unwrap();
        assert!(!run.is_stale(t(31), timeout));
    }
}
