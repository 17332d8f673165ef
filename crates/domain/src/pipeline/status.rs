//! [`RunStatus`] and its state machine.

use crate::enums::string_enum;

string_enum! {
    /// Where a pipeline run is.
    ///
    /// ```text
    /// QUEUED ──start──▶ RUNNING ──▶ SUCCEEDED | FAILED | CANCELLED
    ///   │  ▲                                     │
    ///   │  └──────────── requeue (retry) ────────┘ (FAILED only, while attempts remain)
    ///   └──cancel──▶ CANCELLED
    /// ```
    pub enum RunStatus {
        /// Waiting for a worker.
        Queued => "QUEUED",
        /// Claimed by a worker that heartbeats.
        Running => "RUNNING",
        /// Finished successfully.
        Succeeded => "SUCCEEDED",
        /// Finished with an error; may be requeued while attempts remain.
        Failed => "FAILED",
        /// Stopped on request.
        Cancelled => "CANCELLED",
    }
    field = "status";
    lifecycle = "pipeline_run";
}

impl RunStatus {
    /// Whether the diagram above allows moving from `self` to `to`. `FAILED -> QUEUED` additionally
    /// needs an attempt left (see [`PipelineRun::can_retry`](crate::PipelineRun::can_retry)).
    pub const fn can_transition_to(self, to: Self) -> bool {
        matches!(
            (self, to),
            (Self::Queued, Self::Running | Self::Cancelled)
                | (
                    Self::Running,
                    Self::Succeeded | Self::Failed | Self::Cancelled
                )
                | (Self::Failed, Self::Queued)
        )
    }

    /// Whether the run has finished (`SUCCEEDED`, `FAILED`, `CANCELLED`): no worker owns it and
    /// `finished_at` is set. A failed run can still be requeued.
    pub const fn is_terminal(self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed | Self::Cancelled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_exactly_the_documented_edges() {
        use RunStatus::*;
        let allowed = [
            (Queued, Running),
            (Queued, Cancelled),
            (Running, Succeeded),
            (Running, Failed),
            (Running, Cancelled),
            (Failed, Queued),
        ];
        for &from in RunStatus::ALL {
            for &to in RunStatus::ALL {
                assert_eq!(
                    from.can_transition_to(to),
                    allowed.contains(&(from, to)),
                    "{from} -> {to}"
                );
            }
        }
    }

    #[test]
    fn terminal_statuses() {
        let terminal: Vec<_> = RunStatus::ALL
            .iter()
            .filter(|s| s.is_terminal())
            .map(|s| s.as_str())
            .collect();
        assert_eq!(terminal, ["SUCCEEDED", "FAILED", "CANCELLED"]);
    }
}
