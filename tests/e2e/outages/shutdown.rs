//! Shutdown is bounded: whatever still runs after the grace period is cancelled (a request blocked
//! on a lock), the runs the process's workers hold are handed back, and the server stops within
//! grace + 2 s.

use std::time::{Duration, Instant};

use reqwest::Method;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, TransactionTrait};
use serde_json::json;

use crate::fixtures::{demo_company, id_of, start_run};
use crate::support::TestServer;
use crate::tenants::demo_tenant;

/// The grace period the servers of these tests get.
const GRACE: Duration = Duration::from_secs(1);

/// A server whose statements and requests would wait far longer than its grace period.
async fn patient_server() -> TestServer {
    TestServer::start_with(|config| {
        config.shutdown_grace_secs = GRACE.as_secs();
        config.statement_timeout_ms = 60_000;
        config.request_timeout_ms = 60_000;
    })
    .await
}

/// The first column of the first row of `sql` (a text), on `db`.
async fn text(db: &DatabaseConnection, sql: &str) -> String {
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("the query runs")
        .and_then(|row| row.try_get_by_index::<String>(0).ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_request_blocked_on_a_lock_is_cancelled_and_the_server_stops_within_grace_plus_two_seconds()
 {
    let server = patient_server().await;
    let admin = server.admin_token().await;
    let company = id_of(&demo_company(&server, &admin).await);
    let db = server.database().connection().clone();
    let locker = db.begin().await.expect("a transaction");
    locker
        .execute_unprepared(&format!(
            "SELECT 1 FROM companies WHERE id = '{company}' FOR UPDATE"
        ))
        .await
        .expect("the row lock");
    let blocked = tokio::spawn({
        let url = server.url(&format!("/api/v1/companies/{company}"));
        let admin = admin.clone();
        async move {
            reqwest::Client::new()
                .request(Method::PATCH, url)
                .bearer_auth(admin)
                .json(&json!({"name": "Renamed At Shutdown OSGB"}))
                .send()
                .await
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;

    let started = Instant::now();
    let stopped = tokio::time::timeout(Duration::from_secs(30), server.stop()).await;
    let took = started.elapsed();
    let _database = stopped.expect("stopped in time").expect("a clean stop");
    assert!(
        took <= GRACE + Duration::from_secs(2),
        "stopped after {took:?}"
    );
    assert!(
        blocked.await.expect("the client task").is_err(),
        "the connection was closed"
    );

    let waiting = text(
        &db,
        "SELECT count(*)::text FROM pg_stat_activity WHERE datname = current_database() \
         AND wait_event_type = 'Lock' AND query LIKE 'UPDATE%companies%'",
    )
    .await;
    assert_eq!(
        waiting, "0",
        "the blocked statement was cancelled, not left waiting"
    );
    locker.rollback().await.expect("release the lock");
    let name = text(
        &db,
        &format!("SELECT name FROM companies WHERE id = '{company}'"),
    )
    .await;
    assert_ne!(name, "Renamed At Shutdown OSGB");
}

#[tokio::test]
async fn runs_held_by_the_stopping_process_are_handed_back_for_another_worker() {
    let server = TestServer::start_with(|config| {
        config.shutdown_grace_secs = GRACE.as_secs();
        config.workers = 0;
    })
    .await;
    let admin = server.admin_token().await;
    let project = demo_tenant(&server, &admin).await.project_id;
    let run = start_run(&server, &admin, &project).await;
    let db = server.database().connection().clone();
    let instance = text(
        &db,
        "SELECT application_name FROM pg_stat_activity \
         WHERE datname = current_database() AND application_name LIKE 'prosektor-%' LIMIT 1",
    )
    .await;
    assert!(!instance.is_empty(), "the server names its connections");
    // As if one of this process's workers had claimed it and not finished.
    db.execute_unprepared(&format!(
        "UPDATE pipeline_runs SET status = 'RUNNING', attempt = 1, worker = '{instance}-0', \
         started_at = now(), heartbeat_at = now() WHERE id = '{run}'"
    ))
    .await
    .expect("held by this process");

    let _database = server.stop().await.expect("a clean stop");
    let after = text(
        &db,
        &format!(
            "SELECT status || ' ' || coalesce(worker, '-') FROM pipeline_runs WHERE id = '{run}'"
        ),
    )
    .await;
    assert_eq!(
        after, "QUEUED -",
        "handed back at once, not after the stale delay"
    );
}
