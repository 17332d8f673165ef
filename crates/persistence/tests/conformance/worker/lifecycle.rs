//! A run's life beyond the happy path: cancelled while running, recovered after its worker
//! vanished, purged by retention (except the published one).

use std::sync::Arc;

use async_trait::async_trait;
use prosektor_application::services::Services;
use prosektor_application::{Conflict, GeneratorError, RepositoryError, SiteBrief};
use prosektor_domain::{PlannedPage, SitePage, SitePlan};
use tokio::sync::Notify;

use super::*;
use crate::support::database;

/// The template generator, pausing inside `plan` until released (so a test can act while a run
/// is mid-flight).
#[derive(Default)]
struct Paused {
    entered: Notify,
    release: Notify,
}

#[async_trait]
impl SiteGenerator for Paused {
    fn name(&self) -> &str {
        "paused"
    }

    async fn plan(&self, brief: &SiteBrief) -> Result<SitePlan, GeneratorError> {
        self.entered.notify_one();
        self.release.notified().await;
        TemplateSiteGenerator::new().plan(brief).await
    }

    async fn generate_page(
        &self,
        brief: &SiteBrief,
        page: &PlannedPage,
    ) -> Result<SitePage, GeneratorError> {
        TemplateSiteGenerator::new()
            .generate_page(brief, page)
            .await
    }
}

#[tokio::test]
async fn a_run_cancelled_while_running_stops_at_its_next_heartbeat() {
    let database = database().await;
    let db = database.connection();
    let generator = Arc::new(Paused::default());
    let ports = ports(db, generator.clone());
    let (_, project) = tenant(db, "Marmara OSGB").await;
    let run = start(&ports, project).await;

    let running = worker(&ports, "w");
    let task = tokio::spawn(async move { running.run_once().await });
    generator.entered.notified().await;
    let cancelled = Services::new(&ports).runs.cancel(&admin(), run.id()).await;
    assert_eq!(cancelled.map(|run| run.status()), Ok(RunStatus::Cancelled));
    generator.release.notify_one();
    assert_eq!(task.await.expect("worker task"), Ok(true));

    let stored = stored(&ports, run.id()).await;
    assert_eq!(
        (stored.status(), stored.attempt()),
        (RunStatus::Cancelled, 1)
    );
    assert!(stored.finished_at().is_some());
    let log = log(&ports, run.id()).await;
    // The plan's line was to go with the heartbeat's batch, which found the run cancelled: a
    // worker that no longer holds a run writes nothing more to it.
    assert_eq!(
        log.len(),
        2,
        "gather and its summary, then nothing: {log:?}"
    );
    assert_eq!(rows(db, "pipeline_run_pages", run.id()).await, 0);
    assert_eq!(published(db, project).await, None);
    assert_eq!(
        ports.runs.heartbeat(run.id(), "w", now()).await,
        Err(RepositoryError::Conflict(Conflict::StaleState))
    );
}

#[tokio::test]
async fn a_run_whose_worker_vanished_is_recovered_and_completed() {
    let database = database().await;
    let db = database.connection();
    let ports = template_ports(db);
    let (_, project) = tenant(db, "Karadeniz OSGB").await;
    let run = start(&ports, project).await;

    // A worker claims the run and vanishes: no heartbeat, no finish.
    let claimed = ports.runs.claim_next("ghost", now()).await.unwrap();
    assert_eq!(claimed.map(|run| run.id()), Some(run.id()));
    let healthy = worker(&ports, "w");
    assert_eq!(healthy.run_once().await, Ok(false), "the run is held");
    let silent = format!(
        "UPDATE pipeline_runs SET heartbeat_at = now() - interval '2 minutes' WHERE id = '{}'",
        run.id()
    );
    exec(db, &silent).await;

    assert_eq!(housekeeper(&ports).recover_stale().await, Ok(1));
    let requeued = stored(&ports, run.id()).await;
    assert_eq!(
        (requeued.status(), requeued.attempt()),
        (RunStatus::Queued, 1)
    );
    assert!(requeued.run_after() > now(), "backs off before the retry");
    // Skip the backoff instead of sleeping through it.
    let due = format!(
        "UPDATE pipeline_runs SET run_after = now() WHERE id = '{}'",
        run.id()
    );
    exec(db, &due).await;

    assert_eq!(healthy.run_once().await, Ok(true));
    let done = stored(&ports, run.id()).await;
    assert_eq!((done.status(), done.attempt()), (RunStatus::Succeeded, 2));
    let lines = log(&ports, run.id()).await;
    assert!(
        lines[0].starts_with("attempt 1 failed: worker lost; retrying from "),
        "the recovery says why: {lines:?}"
    );
    assert_eq!(lines[1], "[1/5] gather: attempt 2 of 3");
    assert_eq!(published(db, project).await, Some(run.id().as_uuid()));
    assert_eq!(
        ports.runs.heartbeat(run.id(), "ghost", now()).await,
        Err(RepositoryError::Conflict(Conflict::StaleState)),
        "the vanished worker no longer holds it"
    );
}

#[tokio::test]
async fn retention_deletes_old_finished_runs_but_keeps_the_published_one() {
    let database = database().await;
    let db = database.connection();
    let ports = template_ports(db);
    let (_, project) = tenant(db, "Akdeniz OSGB").await;
    let services = Services::new(&ports);
    let first = start(&ports, project).await.id();
    assert_eq!(worker(&ports, "w").run_once().await, Ok(true));
    let second = start(&ports, project).await.id();
    assert_eq!(worker(&ports, "w").run_once().await, Ok(true));
    let third = start(&ports, project).await.id();
    services.runs.cancel(&admin(), third).await.unwrap();
    let recent = {
        let (_, other) = tenant(db, "Yeni OSGB").await;
        let run = start(&ports, other).await.id();
        assert_eq!(worker(&ports, "w").run_once().await, Ok(true));
        run
    };
    assert!(rows(db, "pipeline_run_logs", first).await > 0);
    let age = format!(
        "UPDATE pipeline_runs SET finished_at = now() - interval '40 days' WHERE project_id = '{project}'"
    );
    exec(db, &age).await;

    assert_eq!(housekeeper(&ports).purge_expired().await, Ok(2));
    // Log lines are not deleted with their run: they go with their day's partition.
    assert!(rows(db, "pipeline_run_logs", first).await > 0);
    for table in ["pipeline_runs", "pipeline_run_pages"] {
        assert_eq!(rows(db, table, first).await, 0, "{table} of the first run");
        assert_eq!(
            rows(db, table, third).await,
            0,
            "{table} of the cancelled run"
        );
    }
    assert_eq!(published(db, project).await, Some(second.as_uuid()));
    assert_eq!(rows(db, "pipeline_run_pages", second).await, 4);
    assert!(rows(db, "pipeline_run_logs", second).await > 0);
    assert_eq!(rows(db, "pipeline_runs", recent).await, 1);
    assert_eq!(housekeeper(&ports).purge_expired().await, Ok(0));
}
