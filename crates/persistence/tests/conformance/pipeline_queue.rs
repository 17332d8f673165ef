//! `PgPipelineRunRepository` as a job queue: claim order and `run_after`, heartbeats and finishes
//! only from the holding worker, retries with backoff, recovery of stale runs, and one active run
//! per project throughout.

use chrono::{DateTime, Duration, TimeZone, Utc};
use prosektor_application::{Conflict, PipelineRunRepository, RepositoryError, TenantScope};
use prosektor_domain::{PipelineRun, ProjectId, RunId, RunInput, RunStatus};
use prosektor_persistence::PgPipelineRunRepository;
use prosektor_testkit::TestDatabase;

use crate::support::{company, database, exec, project};

const STALE: RepositoryError = RepositoryError::Conflict(Conflict::StaleState);

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 10, minute, 0).unwrap()
}

struct Fixture {
    db: TestDatabase,
    repo: PgPipelineRunRepository,
    projects: Vec<ProjectId>,
}

/// A database with `projects` projects of one company.
async fn fixture(projects: usize) -> Fixture {
    let db = database().await;
    let acme = company(db.connection(), "Acme OSGB").await;
    let mut ids = Vec::new();
    for _ in 0..projects {
        ids.push(project(db.connection(), acme).await);
    }
    let repo = PgPipelineRunRepository::new(db.connection().clone());
    Fixture {
        db,
        repo,
        projects: ids,
    }
}

impl Fixture {
    /// Enqueues a run of project `index` created at `created`.
    async fn enqueue(
        &self,
        index: usize,
        max_attempts: u32,
        created: DateTime<Utc>,
    ) -> PipelineRun {
        let input = RunInput::parse(r#"{"pages": 4}"#).unwrap();
        let run = PipelineRun::queue(
            RunId::new_v7(),
            self.projects[index],
            input,
            max_attempts,
            created,
        )
        .unwrap();
        self.repo.enqueue(&run).await.unwrap();
        run
    }

    async fn get(&self, run: &PipelineRun) -> PipelineRun {
        self.repo.get(TenantScope::All, run.id()).await.unwrap()
    }

    async fn claim(&self, worker: &str, now: DateTime<Utc>) -> Option<PipelineRun> {
        self.repo.claim_next(worker, now).await.unwrap()
    }
}

#[tokio::test]
async fn claims_the_oldest_runnable_run_first() {
    let f = fixture(3).await;
    let newer = f.enqueue(0, 3, at(2)).await;
    let older = f.enqueue(1, 3, at(1)).await;
    let oldest_but_later = f.enqueue(2, 3, at(0)).await;
    exec(
        f.db.connection(),
        &format!(
            "UPDATE pipeline_runs SET run_after = '2024-05-01T10:30:00Z' WHERE id = '{}'",
            oldest_but_later.id()
        ),
    )
    .await;

    let first = f.claim("w1", at(5)).await.unwrap();
    assert_eq!(first.id(), older.id());
    assert_eq!(
        (
            first.status(),
            first.attempt(),
            first.started_at(),
            first.heartbeat_at()
        ),
        (RunStatus::Running, 1, Some(at(5)), Some(at(5)))
    );
    assert_eq!(f.get(&first).await, first);
    assert_eq!(f.claim("w2", at(5)).await.map(|r| r.id()), Some(newer.id()));
    // The remaining run may not be claimed before its `run_after`.
    assert_eq!(f.claim("w1", at(29)).await, None);
    let last = f.claim("w1", at(30)).await.unwrap();
    assert_eq!((last.id(), last.attempt()), (oldest_but_later.id(), 1));
    assert_eq!(f.claim("w1", at(59)).await, None);
}

#[tokio::test]
async fn only_the_holding_worker_heartbeats_and_a_cancel_stops_it() {
    let f = fixture(1).await;
    f.enqueue(0, 3, at(0)).await;
    let run = f.claim("w1", at(1)).await.unwrap();
    f.repo.heartbeat(run.id(), "w1", at(2)).await.unwrap();
    assert_eq!(f.get(&run).await.heartbeat_at(), Some(at(2)));
    assert_eq!(f.repo.heartbeat(run.id(), "w2", at(3)).await, Err(STALE));
    assert_eq!(
        f.repo.heartbeat(RunId::new_v7(), "w1", at(3)).await,
        Err(RepositoryError::NotFound)
    );
    let mut succeeded = run.clone();
    succeeded.succeed(at(3)).unwrap();
    assert_eq!(f.repo.finish(&succeeded, "w2").await, Err(STALE));

    let mut cancelled = f.get(&run).await;
    cancelled.cancel(at(4)).unwrap();
    f.repo.save(&cancelled, RunStatus::Running).await.unwrap();
    assert_eq!(f.repo.heartbeat(run.id(), "w1", at(5)).await, Err(STALE));
    assert_eq!(f.repo.finish(&succeeded, "w1").await, Err(STALE));
    assert_eq!(f.get(&run).await, cancelled);
}

#[tokio::test]
async fn a_failed_attempt_is_retried_after_its_backoff_then_fails() {
    let f = fixture(1).await;
    f.enqueue(0, 2, at(0)).await;
    let mut run = f.claim("w1", at(1)).await.unwrap();
    run.fail_or_retry("model timed out", at(2)).unwrap();
    f.repo.finish(&run, "w1").await.unwrap();
    let stored = f.get(&run).await;
    assert_eq!(
        (stored.status(), stored.attempt(), stored.run_after()),
        (RunStatus::Queued, 1, at(2) + Duration::seconds(2))
    );
    assert_eq!(
        f.repo.finish(&run, "w1").await,
        Err(STALE),
        "finished twice"
    );
    assert_eq!(f.claim("w1", at(2) + Duration::seconds(1)).await, None);

    let mut second = f.claim("w2", at(2) + Duration::seconds(2)).await.unwrap();
    assert_eq!((second.id(), second.attempt()), (run.id(), 2));
    // The first worker's handle on attempt 1 is dead, even though attempt 2 is running.
    assert_eq!(f.repo.heartbeat(run.id(), "w1", at(3)).await, Err(STALE));
    second
        .fail_or_retry("model timed out again", at(4))
        .unwrap();
    f.repo.finish(&second, "w2").await.unwrap();
    let stored = f.get(&run).await;
    assert_eq!(
        (
            stored.status(),
            stored.attempt(),
            stored.error(),
            stored.finished_at()
        ),
        (
            RunStatus::Failed,
            2,
            Some("model timed out again"),
            Some(at(4))
        )
    );
    assert_eq!(f.claim("w1", at(59)).await, None);
}

#[tokio::test]
async fn stale_runs_are_retried_while_attempts_remain_else_failed() {
    let f = fixture(3).await;
    for index in 0..3 {
        f.enqueue(index, if index == 1 { 1 } else { 3 }, at(0))
            .await;
    }
    let mut claimed = Vec::new();
    for worker in ["w0", "w1", "w2"] {
        claimed.push((worker, f.claim(worker, at(1)).await.unwrap()));
    }
    // Which worker holds the run of project `index`.
    let held = |index: usize| {
        claimed
            .iter()
            .find(|(_, run)| run.project_id() == f.projects[index])
            .cloned()
            .unwrap()
    };
    let ((retried_worker, retried), (_, exhausted), (alive_worker, alive)) =
        (held(0), held(1), held(2));
    f.repo
        .heartbeat(alive.id(), alive_worker, at(9))
        .await
        .unwrap();

    assert_eq!(f.repo.recover_stale(at(5), at(10)).await, Ok(2));
    let stored = f.get(&retried).await;
    assert_eq!(
        (
            stored.status(),
            stored.attempt(),
            stored.run_after(),
            stored.error()
        ),
        (
            RunStatus::Queued,
            1,
            at(10) + Duration::seconds(2),
            Some(PipelineRun::WORKER_LOST)
        ),
        "a retried run says why its previous attempt failed"
    );
    let logs = f
        .repo
        .logs(TenantScope::All, retried.id(), 0, 10)
        .await
        .unwrap();
    assert_eq!(
        logs.iter().map(|line| line.message()).collect::<Vec<_>>(),
        ["attempt 1 failed: worker lost; retrying from 10:10:02 UTC"]
    );
    let stored = f.get(&exhausted).await;
    assert_eq!(
        (
            stored.status(),
            stored.attempt(),
            stored.error(),
            stored.finished_at()
        ),
        (
            RunStatus::Failed,
            1,
            Some(PipelineRun::WORKER_LOST),
            Some(at(10))
        )
    );
    assert_eq!(f.get(&alive).await.status(), RunStatus::Running);
    assert_eq!(f.repo.recover_stale(at(5), at(10)).await, Ok(0));

    // The presumed-dead worker turns out alive: it may no longer touch the run.
    let mut late = retried.clone();
    late.succeed(at(11)).unwrap();
    assert_eq!(
        f.repo.heartbeat(retried.id(), retried_worker, at(11)).await,
        Err(STALE)
    );
    assert_eq!(f.repo.finish(&late, retried_worker).await, Err(STALE));
    let again = f.claim("w9", at(10) + Duration::seconds(2)).await.unwrap();
    assert_eq!((again.id(), again.attempt()), (retried.id(), 2));
}

#[tokio::test]
async fn a_stopping_process_hands_back_only_the_runs_its_workers_hold() {
    let f = fixture(3).await;
    for index in 0..3 {
        f.enqueue(index, if index == 1 { 1 } else { 3 }, at(0))
            .await;
    }
    let mut claimed = Vec::new();
    for worker in ["4242-aa-0", "4242-aa-1", "4243-bb-0"] {
        claimed.push(f.claim(worker, at(1)).await.unwrap());
    }

    assert_eq!(f.repo.release_held("4242-aa-", at(2)).await, Ok(2));
    let mut handed_back: Vec<_> = Vec::new();
    for run in &claimed[..2] {
        let stored = f.get(run).await;
        handed_back.push((
            stored.status(),
            stored.attempt(),
            stored.error().map(str::to_owned),
        ));
    }
    handed_back.sort_by_key(|(status, ..)| status.as_str());
    let stopped = Some(PipelineRun::WORKER_STOPPED.to_owned());
    assert_eq!(
        handed_back,
        [
            (RunStatus::Failed, 1, stopped.clone()),
            (RunStatus::Queued, 1, stopped.clone())
        ],
        "one retried, the one without attempts left failed"
    );
    assert_eq!(f.get(&claimed[2]).await.status(), RunStatus::Running);
    assert_eq!(f.repo.release_held("4242-aa-", at(3)).await, Ok(0));
}

#[tokio::test]
async fn a_project_has_at_most_one_active_run_while_queued_running_or_retrying() {
    let f = fixture(1).await;
    let active = Err(RepositoryError::Conflict(Conflict::ActiveRunExists));
    let input = RunInput::parse("{}").unwrap();
    let another = |minute| {
        PipelineRun::queue(RunId::new_v7(), f.projects[0], input.clone(), 3, at(minute)).unwrap()
    };
    f.enqueue(0, 3, at(0)).await;
    assert_eq!(f.repo.enqueue(&another(1)).await, active);
    let mut run = f.claim("w1", at(1)).await.unwrap();
    assert_eq!(f.repo.enqueue(&another(2)).await, active);
    run.fail_or_retry("boom", at(2)).unwrap();
    f.repo.finish(&run, "w1").await.unwrap();
    assert_eq!(
        f.repo.enqueue(&another(3)).await,
        active,
        "requeued for a retry"
    );
    let mut run = f.claim("w1", at(4)).await.unwrap();
    run.succeed(at(5)).unwrap();
    f.repo.finish(&run, "w1").await.unwrap();
    f.repo.enqueue(&another(6)).await.unwrap();
}

#[tokio::test]
async fn a_queued_row_the_domain_cannot_read_is_failed_and_the_next_run_claimed() {
    let f = fixture(2).await;
    let unreadable = RunId::new_v7();
    exec(
        f.db.connection(),
        &format!(
            "INSERT INTO pipeline_runs (id, project_id, input, created_at, run_after) \
             VALUES ('{unreadable}', '{}', '{{\"a\": 1e400}}', '{}', '{}')",
            f.projects[0],
            at(1).to_rfc3339(),
            at(1).to_rfc3339()
        ),
    )
    .await;
    let readable = f.enqueue(1, 3, at(2)).await;
    let claimed = f.repo.claim_next("w1", at(3)).await.unwrap().unwrap();
    assert_eq!(claimed.id(), readable.id());

    let failed = f.repo.get(TenantScope::All, unreadable).await.unwrap();
    assert_eq!(failed.status(), RunStatus::Failed);
    assert!(
        failed
            .error()
            .is_some_and(|error| error.contains("cannot be read")),
        "{failed:?}"
    );
    assert!(failed.input().as_str().contains("unreadable_input"));
    assert_eq!(f.repo.claim_next("w2", at(3)).await, Ok(None));
}
