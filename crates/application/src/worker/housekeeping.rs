//! [`Housekeeper`]: the periodic chores: recovering runs whose worker died, purging runs past
//! retention and expiring their logs' storage, purging attempt counters whose window ended and idempotency records past their
//! replay window; and, at shutdown, handing back the
//! runs this process's workers hold.

use std::sync::Arc;

use chrono::Duration;

use crate::ports::clock::Clock;
use crate::ports::error::RepositoryResult;
use crate::ports::idempotency::{IDEMPOTENCY_WINDOW, IdempotencyStore};
use crate::ports::pipeline::{LogRetention, PipelineRunRepository};
use crate::ports::throttle::Throttle;

/// How many runs one retention transaction deletes at most (short transactions, short locks).
pub const PURGE_BATCH: u32 = 500;

/// Recovers stale runs and purges old ones.
#[derive(Clone)]
pub struct Housekeeper {
    runs: Arc<dyn PipelineRunRepository>,
    throttle: Arc<dyn Throttle>,
    idempotency: Arc<dyn IdempotencyStore>,
    clock: Arc<dyn Clock>,
    stale_after: Duration,
    retention: Duration,
}

impl Housekeeper {
    /// A housekeeper that presumes a worker dead after `stale_after` without a heartbeat and
    /// keeps finished runs for `retention` (spans too long for a date keep everything).
    pub fn new(
        runs: Arc<dyn PipelineRunRepository>,
        throttle: Arc<dyn Throttle>,
        idempotency: Arc<dyn IdempotencyStore>,
        clock: Arc<dyn Clock>,
        stale_after: std::time::Duration,
        retention: std::time::Duration,
    ) -> Self {
        let span = |duration| Duration::from_std(duration).unwrap_or(Duration::MAX);
        Self {
            runs,
            throttle,
            idempotency,
            clock,
            stale_after: span(stale_after),
            retention: span(retention),
        }
    }

    /// Fails or requeues every running run whose heartbeat is older than `stale_after`; returns
    /// how many.
    ///
    /// # Errors
    /// The repository's (`Corrupt`, `Unavailable`).
    pub async fn recover_stale(&self) -> RepositoryResult<u64> {
        let now = self.clock.now();
        match now.checked_sub_signed(self.stale_after) {
            Some(stale_before) => self.runs.recover_stale(stale_before, now).await,
            None => Ok(0),
        }
    }

    /// Hands back the runs held by the workers named `worker_prefix...` (this process's, as it
    /// shuts down) for another worker to retry; returns how many.
    ///
    /// # Errors
    /// The repository's (`Corrupt`, `Unavailable`).
    pub async fn release_held(&self, worker_prefix: &str) -> RepositoryResult<u64> {
        self.runs
            .release_held(worker_prefix, self.clock.now())
            .await
    }

    /// Deletes the runs that finished more than `retention` ago (with their logs and pages),
    /// except each project's published one, in batches of [`PURGE_BATCH`] until none is left;
    /// returns how many.
    ///
    /// # Errors
    /// The repository's (`Unavailable`); batches deleted before the error stay deleted.
    pub async fn purge_expired(&self) -> RepositoryResult<u64> {
        let Some(cutoff) = self.clock.now().checked_sub_signed(self.retention) else {
            return Ok(0);
        };
        let mut total = 0;
        loop {
            let deleted = self.runs.purge_finished(cutoff, PURGE_BATCH).await?;
            total += deleted;
            if deleted < u64::from(PURGE_BATCH) {
                return Ok(total);
            }
        }
    }
}

impl Housekeeper {
    /// Makes the log storage of the days ahead ready and drops, whole, the storage of lines
    /// logged more than `retention` ago (the published runs' lines are kept aside).
    ///
    /// # Errors
    /// The repository's (`Unavailable`).
    pub async fn expire_logs(&self) -> RepositoryResult<LogRetention> {
        let cutoff = self
            .clock
            .now()
            .checked_sub_signed(self.retention)
            .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC);
        self.runs.expire_logs(cutoff).await
    }

    /// Deletes the attempt counters whose window has ended; returns how many.
    ///
    /// # Errors
    /// The throttle's (`Unavailable`).
    pub async fn purge_counters(&self) -> RepositoryResult<u64> {
        self.throttle.purge_expired(self.clock.now()).await
    }

    /// Deletes the idempotency records past their replay window; returns how many.
    ///
    /// # Errors
    /// The store's (`Unavailable`).
    pub async fn purge_idempotency_records(&self) -> RepositoryResult<u64> {
        let before = self.clock.now() - IDEMPOTENCY_WINDOW;
        self.idempotency.purge_expired(before).await
    }
}

impl std::fmt::Debug for Housekeeper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Housekeeper")
            .field("stale_after", &self.stale_after)
            .field("retention", &self.retention)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use mockall::predicate::eq;

    use super::*;
    use crate::mocks::{MockIdempotencyStore, MockPipelineRunRepository, MockThrottle};
    use crate::services::test_support::{clock, now};

    fn housekeeper(runs: MockPipelineRunRepository) -> Housekeeper {
        Housekeeper::new(
            Arc::new(runs),
            Arc::new(MockThrottle::new()),
            Arc::new(MockIdempotencyStore::new()),
            clock(),
            std::time::Duration::from_secs(60),
            std::time::Duration::from_secs(30 * 24 * 3600),
        )
    }

    #[tokio::test]
    async fn purges_in_batches_until_a_short_one() {
        let mut runs = MockPipelineRunRepository::new();
        let answers = Mutex::new(vec![3, 500, 500]);
        runs.expect_purge_finished()
            .with(eq(now() - Duration::days(30)), eq(PURGE_BATCH))
            .times(3)
            .returning(move |_, _| Ok(answers.lock().unwrap().pop().unwrap()));
        assert_eq!(housekeeper(runs).purge_expired().await, Ok(1003));
    }

    #[tokio::test]
    async fn recovers_runs_silent_for_longer_than_the_timeout() {
        let mut runs = MockPipelineRunRepository::new();
        runs.expect_recover_stale()
            .with(eq(now() - Duration::seconds(60)), eq(now()))
            .times(1)
            .returning(|_, _| Ok(2));
        assert_eq!(housekeeper(runs).recover_stale().await, Ok(2));
    }
}
