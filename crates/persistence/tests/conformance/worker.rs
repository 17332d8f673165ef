//! The pipeline worker end to end on real PostgreSQL: the application's [`Worker`],
//! [`Housekeeper`] and `RunService` over every PostgreSQL adapter and the template generator.

mod concurrency;
mod lifecycle;

use std::sync::Arc;

use prosektor_application::services::{Actor, Ports, Services};
use prosektor_application::{Housekeeper, SiteGenerator, SystemClock, UuidV7Generator, Worker};
use prosektor_domain::{
    CompanyId, Email, PipelineRun, ProjectId, RunId, RunInput, RunStatus, User, UserId,
};
use prosektor_persistence::{
    PgActivityFeed, PgCompanyRepository, PgDailyStatsRepository, PgDashboardFigures,
    PgIdempotencyStore, PgInvoiceRepository, PgPageRepository, PgPipelineRunRepository, PgThrottle,
    PgUserRepository, PgWebProjectRepository,
};
use prosektor_security::{Argon2Hasher, JwtCodec};
use prosektor_site_generator::TemplateSiteGenerator;
use sea_orm::DatabaseConnection;

use crate::support::{company, exec, now, password_hash, project, scalar};

/// Every port on `db`, generating with `generator`.
fn ports(db: &DatabaseConnection, generator: Arc<dyn SiteGenerator>) -> Ports {
    Ports {
        users: Arc::new(PgUserRepository::new(db.clone())),
        companies: Arc::new(PgCompanyRepository::new(db.clone())),
        invoices: Arc::new(PgInvoiceRepository::new(db.clone())),
        projects: Arc::new(PgWebProjectRepository::new(db.clone())),
        stats: Arc::new(PgDailyStatsRepository::new(db.clone())),
        dashboards: Arc::new(PgDashboardFigures::new(db.clone())),
        activity: Arc::new(PgActivityFeed::new(db.clone())),
        runs: Arc::new(PgPipelineRunRepository::new(db.clone())),
        pages: Arc::new(PgPageRepository::new(db.clone())),
        generator,
        hasher: Arc::new(Argon2Hasher::new().expect("argon2")),
        tokens: Arc::new(
            JwtCodec::new(&[7; 32], std::time::Duration::from_secs(60)).expect("a long secret"),
        ),
        throttle: Arc::new(PgThrottle::new(db.clone())),
        idempotency: Arc::new(PgIdempotencyStore::new(db.clone())),
        clock: Arc::new(SystemClock),
        ids: Arc::new(UuidV7Generator),
    }
}

/// The template generator's ports.
fn template_ports(db: &DatabaseConnection) -> Ports {
    ports(db, Arc::new(TemplateSiteGenerator::new()))
}

/// A platform admin acting through the services.
fn admin() -> Actor {
    let email = Email::parse("admin@prosektor.example.com").unwrap();
    Actor::from(&User::new_admin(
        UserId::new_v7(),
        email,
        password_hash("a"),
        now(),
    ))
}

/// A company named `name`, in İzmir, with one project.
async fn tenant(db: &DatabaseConnection, name: &str) -> (CompanyId, ProjectId) {
    let company = company(db, name).await;
    exec(
        db,
        &format!("UPDATE company_details SET city = 'İzmir' WHERE company_id = '{company}'"),
    )
    .await;
    (company, project(db, company).await)
}

/// Starts a run of `project` through the service.
async fn start(ports: &Ports, project: ProjectId) -> PipelineRun {
    let input = RunInput::parse(r#"{"pages": 4}"#).unwrap();
    Services::new(ports)
        .runs
        .start(&admin(), project, input)
        .await
        .expect("start")
}

/// The stored run `id`.
async fn stored(ports: &Ports, id: RunId) -> PipelineRun {
    Services::new(ports).runs.get(&admin(), id).await.unwrap()
}

/// The messages of run `id`'s log, in order.
async fn log(ports: &Ports, id: RunId) -> Vec<String> {
    let lines = Services::new(ports).runs.logs(&admin(), id, 0, 500).await;
    lines
        .unwrap()
        .iter()
        .map(|line| line.message().to_owned())
        .collect()
}

/// How many rows of `table` belong to run `id` (`pipeline_runs` by `id`, others by `run_id`).
async fn rows(db: &DatabaseConnection, table: &str, id: RunId) -> i64 {
    let column = if table == "pipeline_runs" {
        "id"
    } else {
        "run_id"
    };
    scalar(
        db,
        &format!("SELECT count(*) FROM {table} WHERE {column} = '{id}'"),
    )
    .await
}

/// The project's published run, if any.
async fn published(db: &DatabaseConnection, project: ProjectId) -> Option<uuid::Uuid> {
    let sql = format!("SELECT published_run_id FROM web_projects WHERE id = '{project}'");
    scalar(db, &sql).await
}

/// Asserts that `run` succeeded on its first attempt.
fn assert_succeeded_once(run: &PipelineRun) {
    assert_eq!(
        (run.status(), run.attempt(), run.error()),
        (RunStatus::Succeeded, 1, None),
        "{}",
        run.id()
    );
}

/// A housekeeper over `ports` with the server's timeout (60 s) and retention (30 days).
fn housekeeper(ports: &Ports) -> Housekeeper {
    Housekeeper::new(
        ports.runs.clone(),
        ports.throttle.clone(),
        ports.idempotency.clone(),
        ports.clock.clone(),
        std::time::Duration::from_secs(60),
        std::time::Duration::from_secs(30 * 24 * 60 * 60),
    )
}

/// A worker called `name` over `ports`.
fn worker(ports: &Ports, name: &str) -> Worker {
    Worker::new(name, ports)
}
