//! Retries of a failed [`PipelineRun`]: while attempts remain, a failed run goes back to the queue
//! and waits out an exponential backoff ([`retry_backoff`]) before a worker may claim it again.

use chrono::{DateTime, Duration, Utc};

use super::{PipelineRun, RunStatus};
use crate::error::{DomainError, DomainResult};

/// The wait before the first retry.
const BASE_SECONDS: i64 = 2;
/// The longest wait between two attempts.
const CAP_SECONDS: i64 = 5 * 60;

/// How long a run waits before its next attempt after attempt number `attempt` (1-based) failed:
/// 2 s, 4 s, 8 s, … doubling per attempt, capped at 5 minutes (attempt 0 counts as 1).
pub fn retry_backoff(attempt: u32) -> Duration {
    // 2 s << 8 = 512 s is already past the cap, so larger shifts never need computing.
    let doublings = attempt.saturating_sub(1).min(8);
    Duration::seconds((BASE_SECONDS << doublings).min(CAP_SECONDS))
}

impl PipelineRun {
    /// The error of an attempt whose worker stopped heartbeating (presumed dead).
    pub const WORKER_LOST: &'static str = "worker lost";

    /// The error of an attempt whose worker's process shut down before the attempt finished.
    pub const WORKER_STOPPED: &'static str = "worker stopped: its process shut down";

    /// Whether the run failed and has an attempt left.
    pub const fn can_retry(&self) -> bool {
        matches!(self.status, RunStatus::Failed) && self.attempt < self.max_attempts
    }

    /// `FAILED -> QUEUED` for another attempt, claimable from `now + backoff`. The previous
    /// attempt's timestamps are cleared; its error is kept (why the run is being retried), as are
    /// its log lines.
    ///
    /// # Errors
    ///
    /// [`DomainError::InvalidTransition`] unless [`PipelineRun::can_retry`].
    pub fn requeue(&mut self, now: DateTime<Utc>, backoff: Duration) -> DomainResult<()> {
        if !self.can_retry() {
            return Err(DomainError::InvalidTransition {
                entity: "pipeline_run",
                from: self.status.as_str(),
                to: RunStatus::Queued.as_str(),
            });
        }
        self.status = RunStatus::Queued;
        self.run_after = now + backoff;
        self.started_at = None;
        self.heartbeat_at = None;
        self.finished_at = None;
        Ok(())
    }

    /// `RUNNING -> FAILED` with `error`, then, while attempts remain, back to `QUEUED` after
    /// [`retry_backoff`] of the attempt that failed: what a worker does when an attempt fails, and
    /// what recovery does for a run whose worker died. The run ends `FAILED` only once its
    /// attempts are spent.
    ///
    /// # Errors
    ///
    /// [`DomainError::InvalidTransition`] unless running.
    pub fn fail_or_retry(&mut self, error: &str, now: DateTime<Utc>) -> DomainResult<()> {
        self.fail(error, now)?;
        if self.can_retry() {
            self.requeue(now, retry_backoff(self.attempt))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::tests::{invalid, queued, t};
    use proptest::prelude::*;

    #[test]
    fn backoff_doubles_from_two_seconds_up_to_five_minutes() {
        let seconds: Vec<i64> = (0..=10)
            .map(|attempt| retry_backoff(attempt).num_seconds())
            .collect();
        assert_eq!(seconds, [2, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        assert_eq!(retry_backoff(u32::MAX), Duration::minutes(5));
    }

    proptest! {
        #[test]
        fn backoff_grows_never_shrinks_and_stays_within_bounds(attempt in 0u32..=u32::MAX - 1) {
            let (this, next) = (retry_backoff(attempt), retry_backoff(attempt + 1));
            prop_assert!(this >= Duration::seconds(BASE_SECONDS));
            prop_assert!(next <= Duration::seconds(CAP_SECONDS));
            prop_assert!(next >= this);
            prop_assert!(next == (this * 2).min(Duration::seconds(CAP_SECONDS)) || attempt == 0);
        }
    }

    #[test]
    fn failures_retry_until_attempts_run_out() {
        let mut run = queued(2);
        run.start(t(1)).unwrap();
        run.fail("model timed out", t(2)).unwrap();
        assert_eq!(
            (run.status(), run.error(), run.finished_at()),
            (RunStatus::Failed, Some("model timed out"), Some(t(2)))
        );
        assert!(run.can_retry());
        run.requeue(t(2), Duration::seconds(4)).unwrap();
        assert_eq!(
            (run.status(), run.attempt(), run.error(), run.run_after()),
            (RunStatus::Queued, 1, Some("model timed out"), t(6))
        );
        assert_eq!(
            (run.started_at(), run.heartbeat_at(), run.finished_at()),
            (None, None, None)
        );
        run.start(t(6)).unwrap();
        assert_eq!((run.attempt(), run.error()), (2, Some("model timed out")));
        let mut succeeded = run.clone();
        succeeded.succeed(t(7)).unwrap();
        assert_eq!(
            succeeded.error(),
            None,
            "a success clears the earlier failure"
        );
        run.fail("again", t(7)).unwrap();
        assert!(!run.can_retry());
        assert_eq!(
            run.requeue(t(7), Duration::zero()),
            invalid("FAILED", "QUEUED")
        );
    }

    #[test]
    fn fail_or_retry_backs_off_then_gives_up() {
        let mut run = queued(3);
        for (attempt, wait) in [(1, 2), (2, 4)] {
            let started = run.run_after();
            run.start(started).unwrap();
            run.fail_or_retry(PipelineRun::WORKER_LOST, started + Duration::seconds(1))
                .unwrap();
            assert_eq!(
                (run.status(), run.attempt(), run.error()),
                (RunStatus::Queued, attempt, Some("worker lost")),
                "a retried run says why its previous attempt failed"
            );
            assert_eq!(
                run.run_after(),
                started + Duration::seconds(1) + Duration::seconds(wait)
            );
        }
        run.start(t(100)).unwrap();
        run.fail_or_retry(PipelineRun::WORKER_LOST, t(101)).unwrap();
        assert_eq!(
            (run.status(), run.attempt(), run.error(), run.finished_at()),
            (RunStatus::Failed, 3, Some("worker lost"), Some(t(101)))
        );
        assert_eq!(
            run.fail_or_retry("again", t(102)),
            invalid("FAILED", "FAILED")
        );
    }
}
