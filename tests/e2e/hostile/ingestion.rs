//! The public ingestion key ships inside the customer's website, so anyone may call with it: the
//! stored day can never grow past the breakdown caps (and stays readable), and each project's
//! ingestions are limited per minute.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Reply, TestServer};
use crate::tenants::{assert_problem, demo_tenant};

/// A fresh ingestion key of `project`, made by `admin`.
async fn key_of(server: &TestServer, admin: &str, project: &str) -> String {
    let path = format!("/api/v1/projects/{project}/ingest-key");
    let reply = server.call(Method::POST, &path, Some(admin), None).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    reply.body["ingest_key"].as_str().expect("a key").to_owned()
}

async fn ingest(server: &TestServer, key: &str, body: Value) -> Reply {
    server
        .call_with(
            Method::POST,
            "/api/v1/ingest/events",
            None,
            Some(body),
            &[("X-Ingest-Key", key)],
        )
        .await
}

fn one_key(dimension: &str, key: &str) -> Value {
    json!({"date": "2026-03-02", "visitors": 1, "page_views": 1, "breakdown": {dimension: {key: 1}}})
}

#[tokio::test]
async fn distinct_breakdown_keys_past_the_caps_are_refused_and_the_day_stays_readable() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let project = demo_tenant(&server, &admin).await.project_id;
    let key = key_of(&server, &admin, &project).await;

    for n in 0..300 {
        let reply = ingest(&server, &key, one_key("source", &format!("site-{n}"))).await;
        if n < 256 {
            assert_eq!(
                reply.status,
                StatusCode::NO_CONTENT,
                "key {n}: {:?}",
                reply.body
            );
        } else {
            assert_problem(&reply, 422, "validation_failed", &format!("key {n}"));
            assert_eq!(reply.body["errors"][0]["field"], "breakdown");
        }
    }
    for n in 1..40 {
        let reply = ingest(&server, &key, one_key(&format!("dimension-{n}"), "k")).await;
        if n < 32 {
            assert_eq!(reply.status, StatusCode::NO_CONTENT, "dimension {n}");
        } else {
            assert_problem(&reply, 422, "validation_failed", &format!("dimension {n}"));
        }
    }

    let range = server
        .call(
            Method::GET,
            &format!("/api/v1/projects/{project}/stats?from=2026-03-01&to=2026-03-31"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(range.status, StatusCode::OK, "{:?}", range.body);
    let day = &range.body["days"][0];
    assert_eq!(
        day["visitors"],
        256 + 31,
        "only accepted ingestions counted"
    );
    let breakdown = day["breakdown"].as_object().expect("a breakdown");
    assert_eq!(breakdown.len(), 32);
    assert_eq!(
        breakdown["source"].as_object().map(|keys| keys.len()),
        Some(256)
    );
}

#[tokio::test]
async fn ingestions_with_a_key_are_limited_per_project() {
    let server = TestServer::start_with(|config| config.ingest_per_minute = 5).await;
    let admin = server.admin_token().await;
    let project = demo_tenant(&server, &admin).await.project_id;
    let key = key_of(&server, &admin, &project).await;
    let day = json!({"date": "2026-03-02", "visitors": 1, "page_views": 1});
    for attempt in 0..5 {
        let reply = ingest(&server, &key, day.clone()).await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "attempt {attempt}");
    }
    let limited = ingest(&server, &key, day.clone()).await;
    assert_problem(&limited, 429, "too_many_requests", "the sixth in a minute");
    let seconds: u64 = limited
        .retry_after
        .as_deref()
        .and_then(|value| value.parse().ok())
        .expect("Retry-After");
    assert!((1..=60).contains(&seconds), "{seconds}");

    // Another project's website is not affected, and admins ingest without the key's limit.
    let other = server
        .call(
            Method::POST,
            "/api/v1/projects",
            Some(&admin),
            Some(json!({"company_id": demo_tenant(&server, &admin).await.company_id, "name": "İkinci Site"})),
        )
        .await;
    let other = other.body["id"].as_str().expect("a project").to_owned();
    let other_key = key_of(&server, &admin, &other).await;
    assert_eq!(
        ingest(&server, &other_key, day.clone()).await.status,
        StatusCode::NO_CONTENT
    );
    let by_admin = server
        .call(
            Method::POST,
            &format!("/api/v1/projects/{project}/stats/events"),
            Some(&admin),
            Some(day),
        )
        .await;
    assert_eq!(by_admin.status, StatusCode::NO_CONTENT);
}
