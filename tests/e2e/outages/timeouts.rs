//! Statements that cannot finish: blocked on a row lock held elsewhere, past the statement
//! timeout or past the request's own bound.

use std::time::{Duration, Instant};

use reqwest::Method;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::json;

use super::assert_unavailable_within;
use crate::fixtures::{demo_company, id_of};
use crate::support::TestServer;

/// Renames the demo company while another session holds its row, and returns the reply and how
/// long it took; the lock is released afterwards and the name read back.
async fn rename_while_locked(server: &TestServer) -> (crate::support::Reply, Duration, String) {
    let admin = server.admin_token().await;
    let company = id_of(&demo_company(server, &admin).await);
    let locker = server
        .database()
        .connection()
        .begin()
        .await
        .expect("a transaction");
    locker
        .execute_unprepared(&format!(
            "SELECT 1 FROM companies WHERE id = '{company}' FOR UPDATE"
        ))
        .await
        .expect("the row lock");
    let path = format!("/api/v1/companies/{company}");
    let started = Instant::now();
    let reply = server
        .call(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({"name": "Renamed Under Lock OSGB"})),
        )
        .await;
    let took = started.elapsed();
    locker.rollback().await.expect("release the lock");
    let renamed = server
        .call(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({"name": "Renamed Freely OSGB"})),
        )
        .await;
    assert!(renamed.status.is_success(), "{:?}", renamed.body);
    (
        reply,
        took,
        renamed.body["name"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn a_statement_blocked_past_the_statement_timeout_answers_503_and_writes_nothing() {
    let server = TestServer::start_with(|config| config.statement_timeout_ms = 1_000).await;
    let (reply, took, name) = rename_while_locked(&server).await;
    assert_unavailable_within(&reply, took, Duration::from_secs(2));
    assert!(
        took >= Duration::from_secs(1),
        "waited for the lock: {took:?}"
    );
    assert_eq!(name, "Renamed Freely OSGB");
}

#[tokio::test]
async fn a_request_past_its_bound_answers_503_whatever_the_database_does() {
    let server = TestServer::start_with(|config| {
        config.statement_timeout_ms = 30_000;
        config.request_timeout_ms = 1_000;
    })
    .await;
    let (reply, took, _) = rename_while_locked(&server).await;
    assert_unavailable_within(&reply, took, Duration::from_secs(2));
    assert_eq!(
        reply.body["detail"],
        "the request did not finish in time; retry shortly"
    );
}
