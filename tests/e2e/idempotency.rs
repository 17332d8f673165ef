//! `Idempotency-Key` over HTTP: a retried create, transition or ingestion takes effect once and
//! answers the first response again; a key reused for another request, a key in use, a malformed
//! key; keys scoped to their caller; failures not stored.

use futures::future::join_all;
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{Value, json};

use crate::fixtures::{assert_problem, id_of};
use crate::invoices::draft;
use crate::support::{Reply, TestServer};
use crate::tenants::demo_tenant;

/// `POST /api/v1/companies` as `admin` with `body` and `Idempotency-Key: key`.
async fn create(server: &TestServer, admin: &str, key: &str, body: Value) -> Reply {
    post(server, admin, "/api/v1/companies", key, body).await
}

/// `POST path` as `token` with `body` and `Idempotency-Key: key`.
async fn post(server: &TestServer, token: &str, path: &str, key: &str, body: Value) -> Reply {
    server
        .call_with(
            Method::POST,
            path,
            Some(token),
            Some(body),
            &[("Idempotency-Key", key)],
        )
        .await
}

#[tokio::test]
async fn a_retried_create_takes_effect_once_and_answers_the_first_response() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let body = json!({"name": "Tekrar Deneme OSGB"});

    let first = create(&server, &admin, "create-1", body.clone()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);
    assert!(!first.replayed);
    let retries = join_all((0..3).map(|_| create(&server, &admin, "create-1", body.clone()))).await;
    for retry in retries {
        assert_eq!(retry.status, StatusCode::CREATED, "{:?}", retry.body);
        assert!(retry.replayed);
        assert_eq!(retry.body, first.body);
        assert_eq!(retry.etag, first.etag);
    }
    let created = server
        .count("SELECT count(*) FROM companies WHERE name = 'Tekrar Deneme OSGB'")
        .await;
    assert_eq!(created, 1);

    let other = create(&server, &admin, "create-1", json!({"name": "Başka OSGB"})).await;
    assert_problem(&other, 422, "idempotency_key_reused");
    let fresh = create(&server, &admin, "create-2", body.clone()).await;
    assert_eq!(
        fresh.status,
        StatusCode::CREATED,
        "a new key is a new request"
    );
    assert_ne!(fresh.body["id"], first.body["id"]);
}

#[tokio::test]
async fn a_retried_transition_or_ingestion_is_not_applied_twice() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let demo = demo_tenant(&server, &admin).await;
    let invoice = draft(&server, &admin, &demo.company_id).await;
    let send = format!("/api/v1/invoices/{invoice}/send");
    let sent = post(&server, &admin, &send, "send-1", json!(null)).await;
    assert_eq!(sent.status, StatusCode::OK, "{:?}", sent.body);
    let resent = post(&server, &admin, &send, "send-1", json!(null)).await;
    assert_eq!(
        (resent.status, resent.replayed),
        (StatusCode::OK, true),
        "{:?}",
        resent.body
    );
    assert_eq!(resent.body, sent.body);
    let without_key = server.call(Method::POST, &send, Some(&admin), None).await;
    assert_problem(&without_key, 409, "invalid_transition");

    let events = format!("/api/v1/projects/{}/stats/events", demo.project_id);
    let day = json!({"date": "2026-03-02", "visitors": 10, "page_views": 30});
    for _ in 0..3 {
        let reply = post(&server, &admin, &events, "visit-batch-7", day.clone()).await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{:?}", reply.body);
    }
    let visitors = server.count(&format!(
            "SELECT visitors::bigint FROM daily_stats WHERE project_id = '{}' AND date = '2026-03-02'",
            demo.project_id
        ),
    )
    .await;
    assert_eq!(visitors, 10, "counted once");
}

#[tokio::test]
async fn keys_are_per_caller_failures_are_not_stored_and_bad_keys_refused() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let client = server.client_token().await;
    let demo = demo_tenant(&server, &admin).await;

    let created = create(
        &server,
        &admin,
        "same-key",
        json!({"name": "Yönetici OSGB"}),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let runs = format!("/api/v1/projects/{}/runs", demo.project_id);
    let started = post(&server, &client, &runs, "same-key", json!({"input": {}})).await;
    assert_eq!(
        started.status,
        StatusCode::CREATED,
        "another caller's key: {:?}",
        started.body
    );
    assert!(!started.replayed);

    let refused = create(&server, &admin, "retry-me", json!({"name": " "})).await;
    assert_problem(&refused, 422, "validation_failed");
    let corrected = create(&server, &admin, "retry-me", json!({"name": " "})).await;
    assert_problem(&corrected, 422, "validation_failed");
    assert!(!corrected.replayed, "a failure is run again, not replayed");

    for bad in ["", "with space", &"k".repeat(256)] {
        let reply = create(&server, &admin, bad, json!({"name": "Anahtar OSGB"})).await;
        assert_problem(&reply, 400, "invalid_idempotency_key");
    }
    let unchanged = server
        .count("SELECT count(*) FROM companies WHERE name = 'Anahtar OSGB'")
        .await;
    assert_eq!(unchanged, 0);
}

#[tokio::test]
async fn a_retry_while_the_first_runs_answers_409_and_the_first_still_completes() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let db = server.database().connection().clone();
    let blocker = db.begin().await.expect("a transaction");
    blocker
        .execute_unprepared("LOCK TABLE companies IN EXCLUSIVE MODE")
        .await
        .expect("the lock");
    let body = json!({"name": "Sabırlı OSGB"});
    let first = tokio::spawn({
        let url = server.url("/api/v1/companies");
        let admin = admin.clone();
        let body = body.clone();
        async move {
            reqwest::Client::new()
                .post(url)
                .bearer_auth(admin)
                .header("Idempotency-Key", "slow-1")
                .json(&body)
                .send()
                .await
                .map(|response| response.status())
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let second = create(&server, &admin, "slow-1", body.clone()).await;
    assert_problem(&second, 409, "idempotency_key_in_use");
    blocker.rollback().await.expect("release");
    assert_eq!(
        first.await.expect("the first request").expect("answered"),
        StatusCode::CREATED
    );
    let replayed = create(&server, &admin, "slow-1", body).await;
    assert_eq!(
        (replayed.status, replayed.replayed),
        (StatusCode::CREATED, true)
    );
    let created = server
        .count("SELECT count(*) FROM companies WHERE name = 'Sabırlı OSGB'")
        .await;
    assert_eq!(created, 1);
    assert!(!id_of(&replayed.body).is_empty());
}
