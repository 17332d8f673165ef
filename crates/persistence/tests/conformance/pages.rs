//! `PgPageRepository` (a run's pages, a project's published site, tenancy) and retention
//! (`PgPipelineRunRepository::purge_finished`).

use chrono::{DateTime, Duration, TimeZone, Utc};
use prosektor_application::{
    Conflict, PageRepository, PipelineRunRepository, RepositoryError, RepositoryResult, TenantScope,
};
use prosektor_domain::site::REQUIRED_PAGES;
use prosektor_domain::{
    CompanyId, GeneratedSite, PagePath, PipelineRun, ProjectId, RunId, RunInput, SitePage,
};
use prosektor_persistence::{PgPageRepository, PgPipelineRunRepository};
use prosektor_testkit::TestDatabase;
use sea_orm::DatabaseConnection;

use crate::support::{company, database, exec, project, scalar};

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, day, 10, 0, 0).unwrap()
}

/// A valid site whose every page's title is `tag` and body mentions it.
fn site(tag: &str) -> GeneratedSite {
    let pages = REQUIRED_PAGES
        .iter()
        .map(|path| {
            SitePage::new(
                PagePath::parse(path).unwrap(),
                tag.to_owned(),
                format!("<!DOCTYPE html><p>{tag} {path}</p>"),
            )
        })
        .collect();
    GeneratedSite::assemble(pages).unwrap()
}

struct Fixture {
    db: TestDatabase,
    runs: PgPipelineRunRepository,
    pages: PgPageRepository,
    company: CompanyId,
    project: ProjectId,
}

async fn fixture() -> Fixture {
    let db = database().await;
    let company = company(db.connection(), "Acme OSGB").await;
    let project = project(db.connection(), company).await;
    Fixture {
        runs: PgPipelineRunRepository::new(db.connection().clone()),
        pages: PgPageRepository::new(db.connection().clone()),
        db,
        company,
        project,
    }
}

impl Fixture {
    fn conn(&self) -> &DatabaseConnection {
        self.db.connection()
    }

    /// Enqueues a run of the fixture's project and claims it as `worker` at `now`.
    async fn running(&self, worker: &str, now: DateTime<Utc>) -> PipelineRun {
        let input = RunInput::parse("{}").unwrap();
        let run = PipelineRun::queue(RunId::new_v7(), self.project, input, 3, now).unwrap();
        self.runs.enqueue(&run).await.unwrap();
        self.runs.claim_next(worker, now).await.unwrap().unwrap()
    }

    /// `run` succeeded at its start, published with the pages of `site(tag)` by `worker`.
    async fn publish(&self, run: &PipelineRun, worker: &str, tag: &str) -> RepositoryResult<()> {
        let mut finished = run.clone();
        finished.succeed(run.started_at().unwrap()).unwrap();
        self.pages
            .publish_finished(&finished, worker, &site(tag))
            .await
    }

    /// A run that ran and succeeded at `day`, published or not.
    async fn finished(&self, day: u32, publish: bool) -> PipelineRun {
        let mut run = self.running("w", at(day)).await;
        if publish {
            self.publish(&run, "w", "x").await.unwrap();
        } else {
            let mut done = run.clone();
            done.succeed(at(day)).unwrap();
            self.runs.finish(&done, "w").await.unwrap();
        }
        run.succeed(at(day)).unwrap();
        run
    }

    async fn count(&self, table: &str, run: &PipelineRun) -> i64 {
        let column = if table == "pipeline_runs" {
            "id"
        } else {
            "run_id"
        };
        let sql = format!(
            "SELECT count(*) FROM {table} WHERE {column} = '{}'",
            run.id()
        );
        scalar(self.conn(), &sql).await
    }
}

#[tokio::test]
async fn publishing_stores_the_pages_and_the_projects_site_and_finishes_the_run_at_once() {
    let f = fixture().await;
    let run = f.running("w1", at(1)).await;
    // Pages left by an earlier delivery of the run are replaced, not added to.
    exec(
        f.conn(),
        &format!(
            "INSERT INTO pipeline_run_pages (run_id, path, title, body) \
             VALUES ('{}', 'eski.html', 'Eski', '<!DOCTYPE html>')",
            run.id()
        ),
    )
    .await;
    f.publish(&run, "w1", "again").await.unwrap();
    assert_eq!(f.count("pipeline_run_pages", &run).await, 4);
    let finished = f.runs.get(TenantScope::All, run.id()).await.unwrap();
    assert_eq!(finished.status(), prosektor_domain::RunStatus::Succeeded);
    assert_eq!(
        f.publish(&run, "w1", "twice").await,
        Err(RepositoryError::Conflict(Conflict::StaleState)),
        "a finished run is no longer held"
    );

    let page = f
        .pages
        .run_page(TenantScope::All, run.id(), "hakkimizda.html")
        .await
        .unwrap();
    assert_eq!(
        (page.path().as_str(), page.title(), page.body()),
        (
            "hakkimizda.html",
            "again",
            "<!DOCTYPE html><p>again hakkimizda.html</p>"
        )
    );
    let own = TenantScope::Company(f.company);
    let published = f
        .pages
        .published_page(own, f.project, "index.html")
        .await
        .unwrap();
    assert_eq!(published.body(), "<!DOCTYPE html><p>again index.html</p>");
    let published_run: String = scalar(
        f.conn(),
        &format!(
            "SELECT published_run_id::text FROM web_projects WHERE id = '{}'",
            f.project
        ),
    )
    .await;
    assert_eq!(published_run, run.id().to_string());
}

#[tokio::test]
async fn pages_are_scoped_and_missing_ones_are_not_found() {
    let f = fixture().await;
    let run = f.running("w1", at(1)).await;
    let other = TenantScope::Company(company(f.conn(), "Other OSGB").await);
    assert_eq!(
        f.pages
            .published_page(TenantScope::All, f.project, "index.html")
            .await,
        Err(RepositoryError::NotFound),
        "nothing published yet"
    );
    f.publish(&run, "w1", "s").await.unwrap();
    let own = TenantScope::Company(f.company);
    assert!(f.pages.run_page(own, run.id(), "index.html").await.is_ok());
    for result in [
        f.pages.run_page(other, run.id(), "index.html").await,
        f.pages.published_page(other, f.project, "index.html").await,
        f.pages.run_page(own, run.id(), "sss.html").await,
        f.pages.published_page(own, f.project, "../etc.html").await,
        f.pages.run_page(own, RunId::new_v7(), "index.html").await,
    ] {
        assert_eq!(result, Err(RepositoryError::NotFound));
    }
}

#[tokio::test]
async fn only_the_holding_worker_publishes() {
    let f = fixture().await;
    let run = f.running("w1", at(1)).await;
    assert_eq!(
        f.publish(&run, "w2", "s").await,
        Err(RepositoryError::Conflict(Conflict::StaleState))
    );
    let mut cancelled = run.clone();
    cancelled.cancel(at(1)).unwrap();
    f.runs.save(&cancelled, run.status()).await.unwrap();
    assert_eq!(
        f.publish(&run, "w1", "s").await,
        Err(RepositoryError::Conflict(Conflict::StaleState)),
        "a cancelled run publishes nothing and stays cancelled"
    );
    assert_eq!(f.count("pipeline_run_pages", &run).await, 0);
    let stored = f.runs.get(TenantScope::All, run.id()).await.unwrap();
    assert_eq!(stored.status(), prosektor_domain::RunStatus::Cancelled);
    let unpublished: bool = scalar(
        f.conn(),
        &format!(
            "SELECT published_run_id IS NULL FROM web_projects WHERE id = '{}'",
            f.project
        ),
    )
    .await;
    assert!(unpublished);
}

#[tokio::test]
async fn retention_purges_old_finished_runs_in_batches_but_keeps_the_published_one() {
    let f = fixture().await;
    let old: Vec<PipelineRun> = [
        f.finished(1, true).await,
        f.finished(2, false).await,
        f.finished(3, true).await, // the published one: the latest publish wins
    ]
    .into();
    f.runs
        .append_log(
            old[0].id(),
            prosektor_domain::LogLevel::Info,
            "gather",
            at(1),
        )
        .await
        .unwrap();
    let recent = f.finished(20, false).await;
    let running = f.running("w", at(21)).await;
    let cutoff = at(10);

    assert_eq!(f.runs.purge_finished(cutoff, 1).await, Ok(1));
    assert_eq!(f.count("pipeline_runs", &old[0]).await, 0, "oldest first");
    // Its log line stays in its day's partition until the partition expires (`expire_logs`).
    assert_eq!(f.count("pipeline_run_logs", &old[0]).await, 1);
    assert_eq!(f.count("pipeline_run_pages", &old[0]).await, 0);
    assert_eq!(f.runs.purge_finished(cutoff, 500).await, Ok(1));
    assert_eq!(f.runs.purge_finished(cutoff, 500).await, Ok(0));
    for (run, left) in [(&old[1], 0), (&old[2], 1), (&recent, 1), (&running, 1)] {
        assert_eq!(f.count("pipeline_runs", run).await, left, "{}", run.id());
    }
    assert_eq!(f.count("pipeline_run_pages", &old[2]).await, 4);
    let later = cutoff + Duration::days(30);
    assert_eq!(
        f.runs.purge_finished(later, 500).await,
        Ok(1),
        "the recent one"
    );
    assert_eq!(f.count("pipeline_runs", &old[2]).await, 1);
}

#[tokio::test]
async fn only_a_live_project_serves_its_published_site_to_anyone() {
    let f = fixture().await;
    let run = f.running("w1", at(1)).await;
    f.publish(&run, "w1", "s").await.unwrap();
    for (status, served) in [
        ("DRAFT", false),
        ("BUILDING", false),
        ("LIVE", true),
        ("PAUSED", false),
        ("ARCHIVED", false),
    ] {
        exec(
            f.conn(),
            &format!(
                "UPDATE web_projects SET status = '{status}' WHERE id = '{}'",
                f.project
            ),
        )
        .await;
        let page = f.pages.live_page(f.project, "index.html").await;
        assert_eq!(page.is_ok(), served, "{status}: {page:?}");
        assert!(
            f.pages
                .published_page(TenantScope::Company(f.company), f.project, "index.html")
                .await
                .is_ok(),
            "{status}: the tenant still sees its published site"
        );
    }
}
