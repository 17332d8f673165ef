//! A read's session check beside its own work (`docs/api.md`, Authentication): a read whose
//! caller's session the server remembers starts its queries while the user row is read on
//! another connection, answers only what a confirmed session may see, and never waits for a
//! second connection while it holds one.

use std::time::Duration;

use futures::future::join_all;
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, TransactionTrait};

use crate::fixtures::assert_problem;
use crate::support::TestServer;
use crate::tenants::demo_tenant;

/// How long each try waits to see the read's query run while its check is held up.
const PATIENCE: Duration = Duration::from_secs(3);

/// How many times the test tries.
const ATTEMPTS: usize = 3;

/// The server's count of active-project listings read (`docs/operations.md`, metrics).
const ACTIVE_PROJECTS_READS: &str =
    r#"db_operation_duration_seconds_count{operation="project.list_active"}"#;

/// The server's pool connections in use (`docs/operations.md`, metrics).
const BUSY_CONNECTIONS: &str = r#"db_pool_connections{state="busy"}"#;

/// Reads `path` with `token` a few times, so that the server remembers the caller's session
/// and has a connection on its shelf for the check beside the next read.
async fn warm(server: &TestServer, path: &str, token: &str) {
    for _ in 0..3 {
        let read = server.call(Method::GET, path, Some(token), None).await;
        assert_eq!(read.status, StatusCode::OK, "{path}: {:?}", read.body);
    }
}

#[tokio::test]
async fn a_reads_query_runs_while_its_session_check_waits_for_the_user_row() {
    let server = TestServer::start_with(|config| config.workers = 0).await;
    let admin = server.admin_token().await;
    let tenant = demo_tenant(&server, &admin).await;
    let client = server.client_token().await;
    let active = format!("/api/v1/companies/{}/projects/active", tenant.company_id);
    let expected = server.call(Method::GET, &active, Some(&client), None).await;
    let db = server.database().connection();
    // A connection shelved longer than the pool's idle check (100 ms) is not used beside a read,
    // and a loaded machine may take that long between two statements: a few tries.
    let mut seen = false;
    for _ in 0..ATTEMPTS {
        if seen {
            break;
        }
        let lock = db.begin().await.expect("a transaction");
        warm(&server, &active, &client).await;
        let reads_before = server.metric(ACTIVE_PROJECTS_READS).await;
        // The users table locked: a session check waits until the lock is released.
        lock.execute_unprepared("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
            .await
            .expect("the lock");
        let read = server.call(Method::GET, &active, Some(&client), None);
        let watch = async {
            // What PostgreSQL shows of the check (behind PgBouncer too: its statement waits on
            // a server connection of the pooler's); the read's query is seen ending in the
            // server's own timings, since behind the pooler PostgreSQL shows what the pooler
            // ran on that connection after it (`DEALLOCATE ALL`).
            let check_waits = "SELECT count(*) FROM pg_stat_activity \
                 WHERE datname = current_database() AND wait_event_type = 'Lock' \
                 AND query LIKE '%FROM users u%' AND query NOT LIKE '%pg_stat_activity%'";
            // And on two connections, the read's and the check's (seen twice in a row: a
            // connection on its way to the shelf in the background counts as busy a moment).
            let started = tokio::time::Instant::now();
            let mut apart = 0;
            while apart < 2 && started.elapsed() < PATIENCE {
                let overlapping = server.count(check_waits).await == 1
                    && server.metric(ACTIVE_PROJECTS_READS).await > reads_before
                    && server.metric(BUSY_CONNECTIONS).await >= 2.0;
                apart = if overlapping { apart + 1 } else { 0 };
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let ran = apart == 2;
            lock.commit().await.expect("the lock released");
            ran
        };
        let (read, ran) = tokio::join!(read, watch);
        assert_eq!(read.status, StatusCode::OK, "{:?}", read.body);
        assert_eq!(read.body, expected.body);
        seen = ran;
    }
    assert!(
        seen,
        "the read's own query did not run while its session check waited"
    );
}

#[tokio::test]
async fn a_read_answers_what_its_confirmed_session_sees_not_the_remembered_one() {
    let server = TestServer::start_with(|config| config.workers = 0).await;
    let client = server.client_token().await;
    warm(&server, "/api/v1/me", &client).await;
    let before = server
        .call(Method::GET, "/api/v1/me", Some(&client), None)
        .await;
    let id = before.body["user"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();

    // Changed outside the API (no new session version): only the check sees it.
    let db = server.database().connection();
    db.execute_unprepared(&format!(
        "UPDATE users SET email = 'renamed@anadolu-osgb.demo' WHERE id = '{id}'"
    ))
    .await
    .expect("the row changes");
    let after = server
        .call(Method::GET, "/api/v1/me", Some(&client), None)
        .await;
    assert_eq!(after.status, StatusCode::OK, "{:?}", after.body);
    assert_eq!(after.body["user"]["email"], "renamed@anadolu-osgb.demo");

    // Deleted outside the API (its session version kept, so the read starts on the remembered
    // session): the very next read is refused.
    db.execute_unprepared(&format!(
        "UPDATE users SET deleted_at = now() WHERE id = '{id}'"
    ))
    .await
    .expect("the user is deleted");
    assert_problem(
        &server
            .call(Method::GET, "/api/v1/me", Some(&client), None)
            .await,
        401,
        "unauthenticated",
    );

    // Restored, then its company closed: the check refuses the read, whatever the read found.
    db.execute_unprepared(&format!(
        "UPDATE users SET deleted_at = NULL WHERE id = '{id}'"
    ))
    .await
    .expect("the user is restored");
    warm(&server, "/api/v1/me", &client).await;
    let company = before.body["user"]["company_id"]
        .as_str()
        .expect("a company")
        .to_owned();
    db.execute_unprepared(&format!(
        "UPDATE companies SET status = 'CHURNED' WHERE id = '{company}'"
    ))
    .await
    .expect("the company closes");
    let dashboard = format!("/api/v1/companies/{company}/dashboard");
    assert_problem(
        &server
            .call(Method::GET, &dashboard, Some(&client), None)
            .await,
        403,
        "company_closed",
    );
}

#[tokio::test]
async fn reads_on_a_pool_smaller_than_their_number_all_answer() {
    let server = TestServer::start_with(|config| {
        config.workers = 0;
        config.db_max_connections = 2;
    })
    .await;
    let admin = server.admin_token().await;
    let tenant = demo_tenant(&server, &admin).await;
    let client = server.client_token().await;
    let reads = [
        "/api/v1/me".to_owned(),
        format!("/api/v1/companies/{}/projects/active", tenant.company_id),
        format!("/api/v1/companies/{}/dashboard", tenant.company_id),
    ];
    for path in &reads {
        warm(&server, path, &client).await;
    }
    for _ in 0..3 {
        let answers = join_all(
            reads
                .iter()
                .cycle()
                .take(24)
                .map(|path| server.call(Method::GET, path, Some(&client), None)),
        )
        .await;
        for answer in answers {
            assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
        }
    }
}
