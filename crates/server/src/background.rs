//! The pipeline's background tasks: `workers` loops polling [`Worker::run_once`] and one
//! housekeeping loop (stale-run recovery and retention), stopped together and gracefully.
//!
//! Stopping: no loop claims another run; a run in progress keeps going until its worker's
//! `run_once` returns or the grace period ends, after which the task is dropped and its run is
//! handed back at once, failed with `worker stopped` and requeued while attempts remain (if the
//! database cannot be reached then, the next stale recovery of any process hands it back).

use std::sync::Arc;
use std::time::Duration;

use prosektor_application::services::Ports;
use prosektor_application::{Housekeeper, LogRetention, Worker};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::application::CLEAN_UP_STEP;

/// How long an idle worker waits before polling the queue again.
const IDLE_POLL: Duration = Duration::from_millis(500);
/// The longest a worker waits after consecutive errors (the database down): it doubles from
/// [`IDLE_POLL`] up to this, so an outage costs a few log lines, and a failure the worker could
/// not record is recorded within this once the database is back.
const MAX_ERROR_PAUSE: Duration = Duration::from_secs(5);
/// A running run without a heartbeat for this long is presumed lost by its worker.
pub const STALE_AFTER: Duration = Duration::from_secs(60);
/// How often stale runs are recovered.
const RECOVERY_EVERY: Duration = Duration::from_secs(15);
/// How often old runs are purged.
const PURGE_EVERY: Duration = Duration::from_secs(10 * 60);

/// What the background tasks are configured with.
#[derive(Debug, Clone, Copy)]
pub struct BackgroundSettings {
    /// Worker loops to run (0: none; housekeeping still runs).
    pub workers: usize,
    /// Finished runs are kept this many days.
    pub retention_days: u32,
}

/// Tells the background tasks to stop; cheap to clone.
#[derive(Debug, Clone)]
pub struct StopHandle(Arc<watch::Sender<bool>>);

impl StopHandle {
    /// Asks every loop to stop claiming and to end after its current work.
    pub fn stop(&self) {
        self.0.send_replace(true);
    }
}

/// The running background tasks.
#[derive(Debug)]
pub struct Background {
    stop: StopHandle,
    tasks: JoinSet<()>,
    housekeeper: Housekeeper,
    worker_prefix: String,
}

impl Background {
    /// Spawns the worker loops and the housekeeping loop over `ports`, on the current runtime;
    /// the workers are named `<instance>-<n>` (`instance` must be unique among live processes).
    pub fn spawn(ports: &Ports, settings: BackgroundSettings, instance: &str) -> Self {
        let (sender, receiver) = watch::channel(false);
        let mut tasks = JoinSet::new();
        let prefix = format!("{instance}-");
        let worker = Worker::new(format!("{prefix}0"), ports);
        for index in 0..settings.workers {
            let worker = worker.named(format!("{prefix}{index}"));
            tasks.spawn(work(worker, receiver.clone()));
        }
        let retention = Duration::from_secs(u64::from(settings.retention_days) * 24 * 60 * 60);
        let housekeeper = Housekeeper::new(
            ports.runs.clone(),
            ports.throttle.clone(),
            ports.idempotency.clone(),
            ports.clock.clone(),
            STALE_AFTER,
            retention,
        );
        tasks.spawn(housekeep(housekeeper.clone(), receiver));
        tracing::info!(
            workers = settings.workers,
            retention_days = settings.retention_days,
            "pipeline background tasks started"
        );
        Self {
            stop: StopHandle(Arc::new(sender)),
            tasks,
            housekeeper,
            worker_prefix: prefix,
        }
    }

    /// A handle that stops the tasks (from a shutdown signal, say).
    pub fn stop_handle(&self) -> StopHandle {
        self.stop.clone()
    }

    /// Stops the tasks and waits up to `grace` for them; those still running then are dropped.
    /// Then the runs this process's workers still hold (those dropped, or whose finish the
    /// database refused) are handed back, within the clean-up step (`CLEAN_UP_STEP`).
    pub async fn shutdown(mut self, grace: Duration) {
        self.stop.stop();
        let drained = tokio::time::timeout(grace, async {
            while self.tasks.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!("background tasks still busy after the grace period: dropping them");
            self.tasks.shutdown().await;
        }
        let released = self.housekeeper.release_held(&self.worker_prefix);
        match tokio::time::timeout(CLEAN_UP_STEP, released).await {
            Ok(Ok(0)) => {}
            Ok(Ok(runs)) => tracing::warn!(runs, "handed back the runs this process held"),
            Ok(Err(error)) => {
                tracing::error!(%error, "could not hand back the runs this process held")
            }
            Err(_) => tracing::error!("could not hand back the runs this process held in time"),
        }
    }
}

/// Waits `pause`, or less if asked to stop; `true` when asked to stop.
async fn pause_or_stop(pause: Duration, stop: &mut watch::Receiver<bool>) -> bool {
    if *stop.borrow() {
        return true;
    }
    tokio::select! {
        () = tokio::time::sleep(pause) => *stop.borrow(),
        changed = stop.changed() => changed.is_err() || *stop.borrow(),
    }
}

/// The pause after `failures` consecutive errors: [`IDLE_POLL`] doubled per failure after the
/// first, capped at [`MAX_ERROR_PAUSE`].
fn error_pause(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(16);
    IDLE_POLL
        .saturating_mul(1 << doublings)
        .min(MAX_ERROR_PAUSE)
}

/// One worker: runs queued runs back to back, polls every [`IDLE_POLL`] when idle, and backs off
/// ([`error_pause`]) while claiming or recording fails.
async fn work(worker: Worker, mut stop: watch::Receiver<bool>) {
    let mut failures: u32 = 0;
    loop {
        if *stop.borrow() {
            break;
        }
        let outcome = worker.run_once().await;
        failures = if outcome.is_err() {
            failures.saturating_add(1)
        } else {
            0
        };
        let pause = match outcome {
            Ok(true) => continue,
            Ok(false) => IDLE_POLL,
            Err(error) => {
                let pause = error_pause(failures);
                tracing::error!(
                    worker = worker.name(),
                    %error,
                    failures,
                    retry_in_ms = u64::try_from(pause.as_millis()).unwrap_or(u64::MAX),
                    "claiming or recording a run failed"
                );
                pause
            }
        };
        if pause_or_stop(pause, &mut stop).await {
            break;
        }
    }
    tracing::info!(worker = worker.name(), "worker stopped");
}

/// Recovers stale runs every [`RECOVERY_EVERY`]; purges old runs, ended attempt counters and
/// expired idempotency records every [`PURGE_EVERY`].
async fn housekeep(housekeeper: Housekeeper, mut stop: watch::Receiver<bool>) {
    let purge_every = PURGE_EVERY.as_secs() / RECOVERY_EVERY.as_secs();
    let mut tick: u64 = 0;
    loop {
        match housekeeper.recover_stale().await {
            Ok(0) => {}
            Ok(recovered) => tracing::warn!(recovered, "recovered runs whose worker was lost"),
            Err(error) => tracing::error!(%error, "recovering stale runs failed"),
        }
        if tick.is_multiple_of(purge_every) {
            match housekeeper.purge_expired().await {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "purged runs past retention"),
                Err(error) => tracing::error!(%error, "purging old runs failed"),
            }
            match housekeeper.expire_logs().await {
                Ok(retention) if retention == LogRetention::default() => {}
                Ok(LogRetention {
                    prepared,
                    expired,
                    kept_lines,
                }) => tracing::info!(
                    prepared,
                    expired,
                    kept_lines,
                    "log partitions prepared and expired"
                ),
                Err(error) => tracing::error!(%error, "log retention failed"),
            }
            match housekeeper.purge_counters().await {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "purged ended attempt counters"),
                Err(error) => tracing::error!(%error, "purging attempt counters failed"),
            }
            match housekeeper.purge_idempotency_records().await {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "purged expired idempotency records"),
                Err(error) => tracing::error!(%error, "purging idempotency records failed"),
            }
        }
        tick = tick.wrapping_add(1);
        if pause_or_stop(RECOVERY_EVERY, &mut stop).await {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pause_after_errors_doubles_up_to_its_cap() {
        let pauses: Vec<u128> = (1..=6).map(|n| error_pause(n).as_millis()).collect();
        assert_eq!(pauses, [500, 1000, 2000, 4000, 5000, 5000]);
        assert_eq!(error_pause(u32::MAX), MAX_ERROR_PAUSE);
    }
}
