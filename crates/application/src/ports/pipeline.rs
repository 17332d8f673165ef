//! [`PipelineRunRepository`]: AI generation runs and their append-only logs.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use prosektor_domain::{LogLevel, LogLine, PipelineRun, ProjectId, RunId, RunStatus};

use super::error::RepositoryResult;
use super::page::{Page, PageRequest};
use super::scope::TenantScope;

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
    ///
    /// # Errors
    /// `NotFound`; `Conflict(StaleState)`; `Unavailable`.
    async fn save(&self, run: &PipelineRun, expected: RunStatus) -> RepositoryResult<()>;

    /// Appends a log line with the run's next `seq` (concurrent appends get distinct, increasing
    /// numbers).
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
