//! Analytics over HTTP: ingestion adds and merges (also concurrently), imports replace whole days
//! idempotently, range queries are inclusive, capped at 366 days and optionally zero-filled.

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::support::{Reply, TestServer};
use crate::tenants::{assert_problem, demo_tenant, other_tenant_token, problem_field};

async fn ingest(server: &TestServer, token: &str, project: &str, body: Value) -> Reply {
    let path = format!("/api/v1/projects/{project}/stats/events");
    server
        .call(Method::POST, &path, Some(token), Some(body))
        .await
}

async fn import(server: &TestServer, token: &str, project: &str, days: Value) -> Reply {
    let path = format!("/api/v1/projects/{project}/stats/days");
    let body = json!({ "days": days });
    server
        .call(Method::PUT, &path, Some(token), Some(body))
        .await
}

async fn range(server: &TestServer, token: &str, project: &str, query: &str) -> Reply {
    let path = format!("/api/v1/projects/{project}/stats?{query}");
    server.call(Method::GET, &path, Some(token), None).await
}

#[tokio::test]
async fn ingestion_adds_counts_and_merges_breakdowns_and_ranges_can_be_zero_filled() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let client = server.client_token().await;
    let project = demo_tenant(&server, &admin).await.project_id;

    let first = json!({"date": "2026-03-02", "visitors": 10, "page_views": 30,
        "breakdown": {"source": {"google": 10}}});
    let second = json!({"date": "2026-03-02", "visitors": 5, "page_views": 7,
        "breakdown": {"source": {"google": 1, "direct": 5}, "device": {"mobile": 4}}});
    for body in [first, second] {
        let reply = ingest(&server, &admin, &project, body).await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{:?}", reply.body);
    }

    let stored = range(&server, &client, &project, "from=2026-03-01&to=2026-03-03").await;
    assert_eq!(stored.status, StatusCode::OK, "{:?}", stored.body);
    assert_eq!(
        stored.body,
        json!({"from": "2026-03-01", "to": "2026-03-03", "filled": false, "days": [
            {"date": "2026-03-02", "visitors": 15, "page_views": 37,
             "breakdown": {"device": {"mobile": 4}, "source": {"direct": 5, "google": 11}}}
        ]})
    );
    let filled = range(
        &server,
        &client,
        &project,
        "from=2026-03-01&to=2026-03-03&fill=true",
    )
    .await;
    assert_eq!(
        filled.body,
        json!({"from": "2026-03-01", "to": "2026-03-03", "filled": true, "days": [
            {"date": "2026-03-01", "visitors": 0, "page_views": 0},
            {"date": "2026-03-02", "visitors": 15, "page_views": 37},
            {"date": "2026-03-03", "visitors": 0, "page_views": 0}
        ]})
    );
    let year = range(
        &server,
        &client,
        &project,
        "from=2024-01-01&to=2024-12-31&fill=true",
    )
    .await;
    assert_eq!(year.body["days"].as_array().map(Vec::len), Some(366));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_ingestions_are_never_lost() {
    let server = Arc::new(TestServer::start().await);
    let admin = server.admin_token().await;
    let project = demo_tenant(&server, &admin).await.project_id;

    let mut tasks = JoinSet::new();
    for _ in 0..32 {
        let (server, admin, project) = (Arc::clone(&server), admin.clone(), project.clone());
        tasks.spawn(async move {
            let body = json!({"date": "2026-03-02", "visitors": 1, "page_views": 2,
                "breakdown": {"source": {"google": 1}}});
            ingest(&server, &admin, &project, body).await.status
        });
    }
    let statuses = tasks.join_all().await;
    assert!(
        statuses
            .iter()
            .all(|status| *status == StatusCode::NO_CONTENT),
        "{statuses:?}"
    );
    let day = range(&server, &admin, &project, "from=2026-03-02&to=2026-03-02").await;
    assert_eq!(
        day.body["days"][0],
        json!({"date": "2026-03-02", "visitors": 32, "page_views": 64,
               "breakdown": {"source": {"google": 32}}})
    );
}

#[tokio::test]
async fn importing_whole_days_replaces_them_and_is_idempotent() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let project = demo_tenant(&server, &admin).await.project_id;
    let ingested = json!({"date": "2026-03-01", "visitors": 100, "page_views": 100});
    ingest(&server, &admin, &project, ingested).await;

    let days = json!([
        {"date": "2026-03-01", "visitors": 3, "page_views": 4, "breakdown": {"source": {"direct": 3}}},
        {"date": "2026-03-02", "visitors": 5, "page_views": 6}
    ]);
    let expected = json!([
        {"date": "2026-03-01", "visitors": 3, "page_views": 4, "breakdown": {"source": {"direct": 3}}},
        {"date": "2026-03-02", "visitors": 5, "page_views": 6, "breakdown": {}}
    ]);
    for _ in 0..2 {
        let reply = import(&server, &admin, &project, days.clone()).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        assert_eq!(reply.body, json!({"written": 2}));
        let stored = range(&server, &admin, &project, "from=2026-03-01&to=2026-03-31").await;
        assert_eq!(stored.body["days"], expected);
    }
}

#[tokio::test]
async fn clients_read_their_stats_but_may_not_write_them() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let client = server.client_token().await;
    let project = demo_tenant(&server, &admin).await.project_id;

    let day = json!({"date": "2026-03-01", "visitors": 1, "page_views": 1});
    let refused = ingest(&server, &client, &project, day.clone()).await;
    assert_problem(&refused, 403, "forbidden", "client ingest");
    let refused = import(&server, &client, &project, json!([day])).await;
    assert_problem(&refused, 403, "forbidden", "client import");
    let read = range(&server, &client, &project, "from=2026-03-01&to=2026-03-01").await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body["days"], json!([]), "nothing was written");
}

#[tokio::test]
async fn bad_stats_input_is_answered_with_the_right_problem() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let project = demo_tenant(&server, &admin).await.project_id;

    let ranges = [
        ("from=2024-01-01&to=2025-01-01", 422, "validation_failed"),
        ("from=2026-03-02&to=2026-03-01", 422, "validation_failed"),
        ("to=2026-03-01", 400, "bad_request"),
        ("from=2026-02-30&to=2026-03-01", 400, "bad_request"),
        (
            "from=2026-03-01&to=2026-03-01&fill=maybe",
            400,
            "bad_request",
        ),
    ];
    for (query, status, code) in ranges {
        let reply = range(&server, &admin, &project, query).await;
        assert_problem(&reply, status, code, query);
        if status == 422 {
            assert_eq!(problem_field(&reply), Some("to"), "{query}");
        }
    }

    let bodies_400 = [
        json!({"date": "2026-03-01", "visitors": -1, "page_views": 0}),
        json!({"date": "2026-03-01", "visitors": 2147483648u64, "page_views": 0}),
        json!({"date": "2026-03-01", "visitors": 1.5, "page_views": 0}),
        json!({"date": "2026-03-01", "visitors": 1, "page_views": 0, "referrer": "x"}),
        json!({"date": "2026-03-01", "visitors": 1, "page_views": 0, "breakdown": {"source": {"google": -1}}}),
    ];
    for body in bodies_400 {
        let reply = ingest(&server, &admin, &project, body.clone()).await;
        assert_problem(&reply, 400, "bad_request", &body.to_string());
    }
    let blank_key = json!({"date": "2026-03-01", "visitors": 1, "page_views": 0,
        "breakdown": {"source": {" ": 1}}});
    let reply = ingest(&server, &admin, &project, blank_key).await;
    assert_problem(&reply, 422, "validation_failed", "blank breakdown key");
    assert_eq!(problem_field(&reply), Some("breakdown"));
    let reply = import(&server, &admin, &project, json!([])).await;
    assert_problem(&reply, 400, "bad_request", "no days");

    let unknown = "01900000-0000-7000-8000-00000000dead";
    let day = json!({"date": "2026-03-01", "visitors": 1, "page_views": 1});
    let reply = ingest(&server, &admin, unknown, day.clone()).await;
    assert_problem(&reply, 404, "not_found", "ingest into an unknown project");
    let reply = import(&server, &admin, unknown, json!([day])).await;
    assert_problem(&reply, 404, "not_found", "import into an unknown project");
    let reply = range(&server, &admin, unknown, "from=2026-03-01&to=2026-03-01").await;
    assert_problem(&reply, 404, "not_found", "range of an unknown project");
}

#[tokio::test]
async fn a_client_of_another_company_reads_no_demo_stats_and_writes_none() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let project = demo_tenant(&server, &admin).await.project_id;
    let day = json!({"date": "2026-03-01", "visitors": 7, "page_views": 9});
    ingest(&server, &admin, &project, day.clone()).await;
    let stranger = other_tenant_token(&server).await;

    let read = range(
        &server,
        &stranger,
        &project,
        "from=2026-03-01&to=2026-03-01",
    )
    .await;
    assert_problem(&read, 404, "not_found", "range");
    let refused = ingest(&server, &stranger, &project, day.clone()).await;
    assert_problem(&refused, 403, "forbidden", "ingest (admin-only)");
    let refused = import(&server, &stranger, &project, json!([day])).await;
    assert_problem(&refused, 403, "forbidden", "import (admin-only)");
    let stored = range(&server, &admin, &project, "from=2026-03-01&to=2026-03-01").await;
    assert_eq!(
        (
            &stored.body["days"][0]["visitors"],
            stored.body["days"].as_array().map(Vec::len)
        ),
        (&json!(7), Some(1))
    );
}

#[tokio::test]
async fn a_counter_pushed_past_its_maximum_answers_422_and_keeps_the_day() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let project = demo_tenant(&server, &admin).await.project_id;
    let near = json!({"date": "2026-03-02", "visitors": 2_147_483_646_u32, "page_views": 0});
    assert_eq!(
        ingest(&server, &admin, &project, near).await.status,
        StatusCode::NO_CONTENT
    );

    let over = json!({"date": "2026-03-02", "visitors": 2, "page_views": 0});
    let refused = ingest(&server, &admin, &project, over).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.body["code"], "overflow");
    let stored = range(&server, &admin, &project, "from=2026-03-02&to=2026-03-02").await;
    assert_eq!(stored.body["days"][0]["visitors"], 2_147_483_646_u32);
}
