//! [`PipelineRunParts`]: a run taken apart for storage, and the checked way back.

use chrono::{DateTime, Utc};

use super::{PipelineRun, RunInput, RunStatus, check_max_attempts};
use crate::error::{DomainError, DomainResult, ValidationReason};
use crate::ids::{ProjectId, RunId};

/// Every field of a [`PipelineRun`], unchecked: what storage hands back. Turn it into a run with
/// [`PipelineRun::from_parts`] (or `TryFrom`), and back with `PipelineRunParts::from(run)`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct PipelineRunParts {
    /// See [`PipelineRun::id`].
    pub id: RunId,
    /// See [`PipelineRun::project_id`].
    pub project_id: ProjectId,
    /// See [`PipelineRun::status`].
    pub status: RunStatus,
    /// See [`PipelineRun::attempt`].
    pub attempt: u32,
    /// See [`PipelineRun::max_attempts`].
    pub max_attempts: u32,
    /// See [`PipelineRun::input`].
    pub input: RunInput,
    /// See [`PipelineRun::error`].
    pub error: Option<String>,
    /// See [`PipelineRun::created_at`].
    pub created_at: DateTime<Utc>,
    /// See [`PipelineRun::run_after`].
    pub run_after: DateTime<Utc>,
    /// See [`PipelineRun::started_at`].
    pub started_at: Option<DateTime<Utc>>,
    /// See [`PipelineRun::heartbeat_at`].
    pub heartbeat_at: Option<DateTime<Utc>>,
    /// See [`PipelineRun::finished_at`].
    pub finished_at: Option<DateTime<Utc>>,
}

impl PipelineRun {
    /// Rebuilds a stored run, checking the invariants listed on [`PipelineRun`].
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`]: `max_attempts` with `OutOfRange` outside 1..=20; `attempt` with
    /// `OutOfRange` above `max_attempts` (or a queued run without an attempt left, or a started one
    /// at 0); `Inconsistent` on `started_at`, `heartbeat_at`, `finished_at` or `error` when presence
    /// contradicts the status.
    pub fn from_parts(parts: PipelineRunParts) -> DomainResult<Self> {
        use RunStatus::{Cancelled, Failed, Queued, Running, Succeeded};
        let inconsistent = |field| Err(DomainError::invalid(field, ValidationReason::Inconsistent));
        check_max_attempts(parts.max_attempts)?;
        let started = parts.started_at.is_some();
        let attempt_ok = match parts.status {
            Queued => parts.attempt < parts.max_attempts,
            _ if started => (1..=parts.max_attempts).contains(&parts.attempt),
            _ => parts.attempt <= parts.max_attempts,
        };
        if !attempt_ok {
            return Err(DomainError::invalid(
                "attempt",
                ValidationReason::OutOfRange,
            ));
        }
        let started_ok = match parts.status {
            Queued => !started,
            Running | Succeeded | Failed => started,
            // Cancelled while queued (never started) or while running.
            Cancelled => true,
        };
        if !started_ok {
            return inconsistent("started_at");
        }
        if parts.heartbeat_at.is_some() != started {
            return inconsistent("heartbeat_at");
        }
        if parts.finished_at.is_some() != parts.status.is_terminal() {
            return inconsistent("finished_at");
        }
        // Set when failed; kept after a failed attempt while the run waits for, makes, or is
        // cancelled before its next one; never on a success or before any attempt failed.
        let error_ok = match parts.status {
            Failed => parts.error.is_some(),
            Succeeded => parts.error.is_none(),
            Queued | Cancelled => parts.error.is_none() || parts.attempt >= 1,
            Running => parts.error.is_none() || parts.attempt >= 2,
        };
        if !error_ok {
            return inconsistent("error");
        }
        let PipelineRunParts {
            id,
            project_id,
            status,
            attempt,
            max_attempts,
            input,
            error,
            created_at,
            run_after,
            started_at,
            heartbeat_at,
            finished_at,
        } = parts;
        Ok(Self {
            id,
            project_id,
            status,
            attempt,
            max_attempts,
            input,
            error,
            created_at,
            run_after,
            started_at,
            heartbeat_at,
            finished_at,
        })
    }
}

impl From<PipelineRun> for PipelineRunParts {
    fn from(run: PipelineRun) -> Self {
        let PipelineRun {
            id,
            project_id,
            status,
            attempt,
            max_attempts,
            input,
            error,
            created_at,
            run_after,
            started_at,
            heartbeat_at,
            finished_at,
        } = run;
        Self {
            id,
            project_id,
            status,
            attempt,
            max_attempts,
            input,
            error,
            created_at,
            run_after,
            started_at,
            heartbeat_at,
            finished_at,
        }
    }
}

impl TryFrom<PipelineRunParts> for PipelineRun {
    type Error = DomainError;

    fn try_from(parts: PipelineRunParts) -> DomainResult<Self> {
        Self::from_parts(parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::tests::{queued, t};

    /// Every state the entity's own methods can reach.
    fn reachable() -> Vec<PipelineRun> {
        let queued_run = queued(2);
        let mut running = queued_run.clone();
        running.start(t(1)).unwrap();
        let mut succeeded = running.clone();
        succeeded.succeed(t(2)).unwrap();
        let mut failed = running.clone();
        failed.fail("boom", t(2)).unwrap();
        let mut requeued = failed.clone();
        requeued
            .requeue(t(3), chrono::Duration::seconds(2))
            .unwrap();
        let mut cancelled_queued = queued_run.clone();
        cancelled_queued.cancel(t(1)).unwrap();
        let mut cancelled_running = running.clone();
        cancelled_running.cancel(t(2)).unwrap();
        let mut retrying = requeued.clone();
        retrying.start(t(5)).unwrap();
        let mut cancelled_retry = requeued.clone();
        cancelled_retry.cancel(t(4)).unwrap();
        vec![
            queued_run,
            running,
            succeeded,
            failed,
            requeued,
            cancelled_queued,
            cancelled_running,
            retrying,
            cancelled_retry,
        ]
    }

    #[test]
    fn every_reachable_state_round_trips() {
        for run in reachable() {
            assert_eq!(
                PipelineRun::from_parts(PipelineRunParts::from(run.clone())),
                Ok(run)
            );
        }
    }

    #[test]
    fn rejects_contradictions() {
        let [queued, running, succeeded, failed, ..] =
            <[PipelineRun; 9]>::try_from(reachable()).unwrap();
        let parts = |run: &PipelineRun| PipelineRunParts::from(run.clone());
        let reason = |parts: PipelineRunParts| match PipelineRun::try_from(parts) {
            Err(DomainError::Validation { field, reason }) => (field, reason),
            other => panic!("expected a validation error, got {other:?}"),
        };
        use ValidationReason::{Inconsistent, OutOfRange};
        let cases = [
            (
                PipelineRunParts {
                    max_attempts: 0,
                    attempt: 0,
                    ..parts(&queued)
                },
                ("max_attempts", OutOfRange),
            ),
            (
                PipelineRunParts {
                    max_attempts: 21,
                    ..parts(&queued)
                },
                ("max_attempts", OutOfRange),
            ),
            (
                PipelineRunParts {
                    attempt: 2,
                    ..parts(&queued)
                },
                ("attempt", OutOfRange),
            ),
            (
                PipelineRunParts {
                    attempt: 0,
                    ..parts(&running)
                },
                ("attempt", OutOfRange),
            ),
            (
                PipelineRunParts {
                    attempt: 3,
                    ..parts(&failed)
                },
                ("attempt", OutOfRange),
            ),
            (
                PipelineRunParts {
                    started_at: Some(t(1)),
                    heartbeat_at: Some(t(1)),
                    ..parts(&queued)
                },
                ("started_at", Inconsistent),
            ),
            (
                PipelineRunParts {
                    started_at: None,
                    ..parts(&running)
                },
                ("started_at", Inconsistent),
            ),
            (
                PipelineRunParts {
                    heartbeat_at: None,
                    ..parts(&running)
                },
                ("heartbeat_at", Inconsistent),
            ),
            (
                PipelineRunParts {
                    finished_at: Some(t(3)),
                    ..parts(&running)
                },
                ("finished_at", Inconsistent),
            ),
            (
                PipelineRunParts {
                    finished_at: None,
                    ..parts(&failed)
                },
                ("finished_at", Inconsistent),
            ),
            (
                PipelineRunParts {
                    error: None,
                    ..parts(&failed)
                },
                ("error", Inconsistent),
            ),
            (
                PipelineRunParts {
                    error: Some("x".into()),
                    ..parts(&running)
                },
                ("error", Inconsistent),
            ),
            (
                PipelineRunParts {
                    error: Some("x".into()),
                    ..parts(&queued)
                },
                ("error", Inconsistent),
            ),
            (
                PipelineRunParts {
                    error: Some("x".into()),
                    ..parts(&succeeded)
                },
                ("error", Inconsistent),
            ),
        ];
        for (parts, expected) in cases {
            assert_eq!(reason(parts), expected);
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_goes_through_the_checks() {
        let [_, running, ..] = <[PipelineRun; 9]>::try_from(reachable()).unwrap();
        let json = serde_json::to_value(&running).unwrap();
        assert_eq!(
            (json["status"].as_str(), json["attempt"].as_u64()),
            (Some("RUNNING"), Some(1))
        );
        assert_eq!(
            serde_json::from_value::<PipelineRun>(json.clone()).unwrap(),
            running
        );
        let mut invalid = json;
        invalid["finished_at"] = "2024-07-01T09:00:05Z".into();
        assert!(serde_json::from_value::<PipelineRun>(invalid).is_err());
    }
}
