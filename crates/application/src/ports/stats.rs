//! [`DailyStatsRepository`]: per-project daily analytics: atomic ingestion, idempotent import and
//! range queries (access pattern 5).

use async_trait::async_trait;
use chrono::NaiveDate;
use prosektor_domain::{DailyStats, DateRange, ProjectId, StatsId, StatsIncrement};

use super::error::RepositoryResult;
use super::scope::TenantScope;

/// Stores daily statistics.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait DailyStatsRepository: Send + Sync {
    /// Adds `increment` to the project's counters of `date` and merges its breakdown, in one atomic
    /// statement: concurrent ingestions are never lost. `new_id` is used when the day has no row yet.
    ///
    /// # Errors
    /// `NotFound` when the project does not exist; `Rejected(Overflow)` when a counter would pass
    /// its column's maximum (nothing is added); `Unavailable`.
    async fn ingest(
        &self,
        new_id: StatsId,
        project_id: ProjectId,
        date: NaiveDate,
        increment: &StatsIncrement,
    ) -> RepositoryResult<()>;

    /// Replaces whole days with the given rows (idempotent: importing the same days twice leaves
    /// the same data), atomically. Returns the number of days written.
    ///
    /// # Errors
    /// `NotFound` when a project does not exist; `Unavailable`.
    async fn import_days(&self, days: &[DailyStats]) -> RepositoryResult<u64>;

    /// The project's rows within `range` (inclusive), by date; missing days are absent.
    ///
    /// # Errors
    /// `NotFound` when the project is not visible in `scope`; `Corrupt`; `Unavailable`.
    async fn range(
        &self,
        scope: TenantScope,
        project_id: ProjectId,
        range: DateRange,
    ) -> RepositoryResult<Vec<DailyStats>>;
}
