//! `PgPipelineRunRepository`: mapping, one active run per project, scoping through the project's
//! company, keyset pages, conditional saves and numbered logs.

use chrono::{DateTime, TimeZone, Utc};
use prosektor_application::{
    Conflict, PageRequest, PipelineRunRepository, RepositoryError, TenantScope,
};
use prosektor_domain::{
    CompanyId, DomainError, LogLevel, PipelineRun, ProjectId, RunId, RunInput, RunStatus,
    ValidationReason,
};
use prosektor_persistence::PgPipelineRunRepository;
use uuid::Uuid;

use crate::support::{company, database, exec, project, wide_pool};

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 10, minute, 0).unwrap()
}

fn queued(project: ProjectId, created: DateTime<Utc>) -> PipelineRun {
    let input = RunInput::parse(r#"{"pages": 4}"#).unwrap();
    PipelineRun::queue(RunId::new_v7(), project, input, 3, created).unwrap()
}

struct Fixture {
    db: prosektor_testkit::TestDatabase,
    repo: PgPipelineRunRepository,
    acme: CompanyId,
    other: CompanyId,
    site: ProjectId,
}

async fn fixture() -> Fixture {
    let db = database().await;
    let acme = company(db.connection(), "Acme OSGB").await;
    let other = company(db.connection(), "Beta OSGB").await;
    let site = project(db.connection(), acme).await;
    let repo = PgPipelineRunRepository::new(db.connection().clone());
    Fixture {
        db,
        repo,
        acme,
        other,
        site,
    }
}

#[tokio::test]
async fn a_run_round_trips_and_is_scoped_through_its_project() {
    let f = fixture().await;
    let run = queued(f.site, at(0));
    f.repo.enqueue(&run).await.unwrap();
    let stored = f
        .repo
        .get(TenantScope::Company(f.acme), run.id())
        .await
        .unwrap();
    assert_eq!(stored, run);
    // Stored as JSONB, an input reads back in PostgreSQL's canonical form.
    let compact = RunInput::parse(r#"{"pages":4,"theme" : "dark"}"#).unwrap();
    let second_site = project(f.db.connection(), f.acme).await;
    let other = PipelineRun::queue(RunId::new_v7(), second_site, compact, 3, at(1)).unwrap();
    f.repo.enqueue(&other).await.unwrap();
    let read = f.repo.get(TenantScope::All, other.id()).await.unwrap();
    assert_eq!(read.input().as_str(), r#"{"pages": 4, "theme": "dark"}"#);
    assert_eq!(
        f.repo.get(TenantScope::Company(f.other), run.id()).await,
        Err(RepositoryError::NotFound)
    );
    assert_eq!(
        f.repo.enqueue(&queued(f.site, at(1))).await,
        Err(RepositoryError::Conflict(Conflict::ActiveRunExists))
    );
    assert_eq!(
        f.repo.enqueue(&queued(ProjectId::new_v7(), at(1))).await,
        Err(RepositoryError::NotFound)
    );
}

#[tokio::test]
async fn saves_are_conditional_and_finished_runs_make_room() {
    let f = fixture().await;
    let mut run = queued(f.site, at(0));
    f.repo.enqueue(&run).await.unwrap();
    run.start(at(1)).unwrap();
    f.repo.save(&run, RunStatus::Queued).await.unwrap();
    let mut twice = run.clone();
    twice.cancel(at(2)).unwrap();
    assert_eq!(
        f.repo.save(&twice, RunStatus::Queued).await,
        Err(RepositoryError::Conflict(Conflict::StaleState))
    );
    run.fail("generator crashed", at(2)).unwrap();
    f.repo.save(&run, RunStatus::Running).await.unwrap();
    assert_eq!(f.repo.get(TenantScope::All, run.id()).await.unwrap(), run);
    f.repo.enqueue(&queued(f.site, at(3))).await.unwrap();
    assert_eq!(
        f.repo.save(&queued(f.site, at(4)), RunStatus::Queued).await,
        Err(RepositoryError::NotFound)
    );
}

#[tokio::test]
async fn runs_page_newest_first_within_scope() {
    let f = fixture().await;
    let mut runs = Vec::new();
    for minute in [0, 0, 0, 1, 2] {
        let mut run = queued(f.site, at(minute));
        f.repo.enqueue(&run).await.unwrap();
        run.cancel(at(5)).unwrap();
        f.repo.save(&run, RunStatus::Queued).await.unwrap();
        runs.push(run);
    }
    runs.sort_by_key(|run| std::cmp::Reverse((run.created_at(), run.id())));
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let request = PageRequest::new(2, cursor).unwrap();
        let page = f
            .repo
            .list_for_project(TenantScope::Company(f.acme), f.site, &request)
            .await
            .unwrap();
        seen.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, runs);
    let hidden = f
        .repo
        .list_for_project(TenantScope::Company(f.other), f.site, &PageRequest::first())
        .await
        .unwrap();
    assert!(hidden.items.is_empty());
}

#[tokio::test]
async fn logs_are_numbered_in_order_and_read_after_a_seq() {
    let f = fixture().await;
    let run = queued(f.site, at(0));
    f.repo.enqueue(&run).await.unwrap();
    let mut lines = Vec::new();
    for (i, message) in ["gather", "  render  ", "publish"].iter().enumerate() {
        lines.push(
            f.repo
                .append_log(run.id(), LogLevel::Info, message, at(i as u32))
                .await
                .unwrap(),
        );
    }
    let seqs: Vec<i64> = lines.iter().map(|line| line.seq()).collect();
    assert_eq!(seqs, [1, 2, 3]);
    assert_eq!(lines[1].message(), "render");
    assert_eq!(
        f.repo
            .logs(TenantScope::Company(f.acme), run.id(), 0, 100)
            .await
            .unwrap(),
        lines
    );
    assert_eq!(
        f.repo.logs(TenantScope::All, run.id(), 1, 1).await.unwrap(),
        lines[1..2]
    );
    assert_eq!(
        f.repo
            .logs(TenantScope::Company(f.other), run.id(), 0, 10)
            .await,
        Err(RepositoryError::NotFound)
    );
    assert_eq!(
        f.repo
            .append_log(RunId::new_v7(), LogLevel::Warn, "x", at(9))
            .await,
        Err(RepositoryError::NotFound)
    );
    assert_eq!(
        f.repo
            .append_log(run.id(), LogLevel::Warn, "   ", at(9))
            .await,
        Err(RepositoryError::Corrupt(DomainError::invalid(
            "message",
            ValidationReason::Empty
        )))
    );
}

#[tokio::test]
async fn concurrent_appends_get_distinct_increasing_numbers() {
    let f = fixture().await;
    let run = queued(f.site, at(0));
    f.repo.enqueue(&run).await.unwrap();
    let run_id = run.id();
    let repo = PgPipelineRunRepository::new(wide_pool(&f.db).await);
    let appends = (0..32).map(|i| {
        let repo = repo.clone();
        async move {
            repo.append_log(run_id, LogLevel::Debug, &format!("step {i}"), at(1))
                .await
        }
    });
    let mut seqs: Vec<i64> = futures::future::join_all(appends)
        .await
        .into_iter()
        .map(|line| line.unwrap().seq())
        .collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=32).collect::<Vec<_>>());
}

#[tokio::test]
async fn rows_the_domain_rejects_are_corrupt() {
    let f = fixture().await;
    let run = queued(f.site, at(0));
    f.repo.enqueue(&run).await.unwrap();
    let id = Uuid::now_v7();
    // The schema allows a cancelled run without `finished_at` and a blank log message; the domain
    // does not.
    exec(
        f.db.connection(),
        &format!(
            "INSERT INTO pipeline_runs (id, project_id, status, attempt, started_at, heartbeat_at, created_at) \
             VALUES ('{id}', '{}', 'CANCELLED', 1, now(), now(), now());
             INSERT INTO pipeline_run_logs (run_id, seq, level, message) VALUES ('{}', 1, 'INFO', '   ');",
            f.site,
            run.id()
        ),
    )
    .await;
    assert_eq!(
        f.repo.get(TenantScope::All, RunId::from_uuid(id)).await,
        Err(RepositoryError::Corrupt(DomainError::invalid(
            "finished_at",
            ValidationReason::Inconsistent
        )))
    );
    assert_eq!(
        f.repo.logs(TenantScope::All, run.id(), 0, 10).await,
        Err(RepositoryError::Corrupt(DomainError::invalid(
            "message",
            ValidationReason::Empty
        )))
    );
}
