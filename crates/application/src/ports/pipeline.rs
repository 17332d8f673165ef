//! [`PipelineRunRepository`]: AI generation runs, the queue workers claim them from, and their
//! append-only logs.
//!
//! The queue: a worker claims the oldest runnable run ([`PipelineRunRepository::claim_next`]),
//! heartbeats while it works, and finishes it; only the worker holding a run may heartbeat or
//! finish it, so a worker whose run was cancelled or recovered meanwhile learns it from a
//! `Conflict(StaleState)` and stops. Worker names must be unique among live workers.
//!
//! The logs: the holder writes its lines in batches ([`PipelineRunRepository::append_logs`]),
//! numbered after the run's last line; anyone else (a recovery, a late line) appends one line at
//! a time ([`PipelineRunRepository::append_log`]). Log storage is kept by time, not per run: lines
//! older than retention go in whole batches ([`PipelineRunRepository::expire_logs`]), except the
//! lines of each project's published run, which stay as long as that run.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use prosektor_domain::{LogLevel, LogLine, NewLogLine, PipelineRun, ProjectId, RunId, RunStatus};

use super::error::RepositoryResult;
use super::paging::{Page, PageRequest};
use super::scope::TenantScope;

/// The run queue's backlog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QueueDepth {
    /// Runs waiting (`QUEUED`).
    pub queued: u64,
    /// When the oldest of them was created; `None` when none waits.
    pub oldest_created_at: Option<DateTime<Utc>>,
}

/// What one pass of log retention did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LogRetention {
    /// Storage made ready for the days ahead (partitions created).
    pub prepared: u64,
    /// Storage of expired lines removed whole (partitions dropped).
    pub expired: u64,
    /// Lines of published runs kept from the expired storage.
    pub kept_lines: u64,
}

/// Stores pipeline runs and their logs.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PipelineRunRepository: Send + Sync {
    /// Stores a newly queued run.
    ///
    /// # Errors
    /// `Conflict(ActiveRunExists)` when the project has a queued or running run; `NotFound` when the
    /// project does not exist; `Unavailable`.
    async fn enqueue(&self, run: &PipelineRun) -> RepositoryResult<()>;

    /// The run `id`, if its project's company is visible in `scope`.
    ///
    /// # Errors
    /// `NotFound`; `Corrupt`; `Unavailable`.
    async fn get(&self, scope: TenantScope, id: RunId) -> RepositoryResult<PipelineRun>;

    /// The project's runs, newest first.
    ///
    /// # Errors
    /// `InvalidCursor`; `Corrupt`; `Unavailable`.
    async fn list_for_project(
        &self,
        scope: TenantScope,
        project_id: ProjectId,
        page: &PageRequest,
    ) -> RepositoryResult<Page<PipelineRun>>;

    /// Saves status, attempt, error and timestamps, if the stored status is still `expected`.
    /// Cancelling (`QUEUED`/`RUNNING -> CANCELLED`) goes through here; a run that leaves
    /// `RUNNING` is no longer held by its worker.
    ///
    /// # Errors
    /// `NotFound`; `Conflict(StaleState)`; `Unavailable`.
    async fn save(&self, run: &PipelineRun, expected: RunStatus) -> RepositoryResult<()>;

    /// Claims the oldest runnable run for `worker`, in one transaction: of the `QUEUED` runs whose
    /// `run_after` is not after `now`, the first by `(run_after, created_at)` that no other claim
    /// has locked (`FOR UPDATE SKIP LOCKED`, so concurrent workers never take the same run) is
    /// started ([`PipelineRun::start`]: attempt + 1, `started_at` and `heartbeat_at` = `now`) and
    /// held by `worker`. `None` when nothing is runnable.
    ///
    /// # Errors
    /// `Corrupt` when the claimed row is one the domain refuses; `Unavailable`.
    async fn claim_next(
        &self,
        worker: &str,
        now: DateTime<Utc>,
    ) -> RepositoryResult<Option<PipelineRun>>;

    /// Records that `worker` still works on run `id` (`heartbeat_at = now`).
    ///
    /// # Errors
    /// `Conflict(StaleState)` unless the run is `RUNNING` and held by `worker` (it was cancelled,
    /// finished, or recovered and maybe claimed by another worker: stop working on it);
    /// `NotFound`; `Unavailable`.
    async fn heartbeat(&self, id: RunId, worker: &str, now: DateTime<Utc>) -> RepositoryResult<()>;

    /// Saves `run` as `worker` leaves it (succeeded, failed, or requeued for a retry, see
    /// [`PipelineRun::fail_or_retry`]), if the stored run is still `RUNNING`, held by `worker`,
    /// in the same attempt.
    ///
    /// # Errors
    /// `Conflict(StaleState)` otherwise (e.g. cancelled or recovered meanwhile); `NotFound`;
    /// `Unavailable`.
    async fn finish(&self, run: &PipelineRun, worker: &str) -> RepositoryResult<()>;

    /// Recovers the runs whose worker died: every `RUNNING` run with `heartbeat_at < stale_before`
    /// fails with the error `worker lost` at `now` and, while attempts remain, is requeued with
    /// backoff ([`PipelineRun::fail_or_retry`]). One transaction; runs locked by a concurrent
    /// finish are skipped (they are being finished). Returns how many runs it recovered.
    ///
    /// # Errors
    /// `Corrupt` when a stale row is one the domain refuses (nothing is recovered); `Unavailable`.
    async fn recover_stale(
        &self,
        stale_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> RepositoryResult<u64>;

    /// Hands back the runs held by the workers of a process that is shutting down: every
    /// `RUNNING` run whose worker's name starts with `worker_prefix` fails with
    /// [`PipelineRun::WORKER_STOPPED`] at `now` and, while attempts remain, is requeued with
    /// backoff ([`PipelineRun::fail_or_retry`]), so that another worker takes it within seconds
    /// rather than after the stale-heartbeat delay. Returns how many runs it handed back.
    ///
    /// # Errors
    /// `Corrupt` when a held row is one the domain refuses (nothing is handed back); `Unavailable`.
    async fn release_held(&self, worker_prefix: &str, now: DateTime<Utc>) -> RepositoryResult<u64>;

    /// How many runs wait in the queue (`QUEUED`, backing off or not) and when the oldest of them
    /// was queued: the backlog an operator watches.
    ///
    /// # Errors
    /// `Unavailable`.
    async fn queue_depth(&self) -> RepositoryResult<QueueDepth>;

    /// Retention: deletes at most `batch` finished runs (`SUCCEEDED`, `FAILED`, `CANCELLED`)
    /// whose `finished_at` is before `finished_before`, oldest first, never a run that is a
    /// project's published site; their logs and pages go with them. One short transaction; rows
    /// locked by another transaction are skipped. Returns how many runs it deleted (fewer than
    /// `batch`: nothing older is left to delete).
    ///
    /// # Errors
    /// `Unavailable`.
    async fn purge_finished(
        &self,
        finished_before: DateTime<Utc>,
        batch: u32,
    ) -> RepositoryResult<u64>;

    /// Appends `lines` (in order) to the log of `run`, numbered after its last line, in one
    /// statement, while `worker` holds the run; nothing when `lines` is empty. The holder is the
    /// only one appending in batches, so no lock is taken on the run's row beyond a key-share
    /// lock that keeps a recovery from taking the run mid-batch.
    ///
    /// # Errors
    /// `Conflict(StaleState)` when `worker` no longer holds the run (nothing is written);
    /// `Unavailable`.
    async fn append_logs(
        &self,
        run: &PipelineRun,
        worker: &str,
        lines: &[NewLogLine],
    ) -> RepositoryResult<()>;

    /// Appends a log line with the run's next `seq`, whoever holds the run (concurrent appends
    /// get distinct, increasing numbers).
    ///
    /// # Errors
    /// `NotFound` when the run does not exist; `Corrupt` for an invalid message; `Unavailable`.
    async fn append_log(
        &self,
        run_id: RunId,
        level: LogLevel,
        message: &str,
        at: DateTime<Utc>,
    ) -> RepositoryResult<LogLine>;

    /// Log retention: makes storage ready for the lines of the days ahead, and removes, whole,
    /// the storage of lines logged before `expired_before`, after copying the lines of each
    /// project's published run aside (they stay as long as that run). Safe to run from several
    /// processes at once.
    ///
    /// # Errors
    /// `Unavailable`.
    async fn expire_logs(&self, expired_before: DateTime<Utc>) -> RepositoryResult<LogRetention>;

    /// At most `limit` log lines of the run with `seq > after_seq`, in `seq` order.
    ///
    /// # Errors
    /// `NotFound` when the run is not visible in `scope`; `Corrupt`; `Unavailable`.
    async fn logs(
        &self,
        scope: TenantScope,
        run_id: RunId,
        after_seq: i64,
        limit: u32,
    ) -> RepositoryResult<Vec<LogLine>>;
}
