//! Per-project ingestion keys over HTTP (SPEC §5): created by an admin or the project's own client,
//! shown once, accepted by the ingestion endpoint instead of a token, and dead once rotated.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Reply, TestServer, send_checked};
use crate::tenants::{demo_tenant, other_tenant_token};

async fn rotate(server: &TestServer, token: &str, project: &str) -> Reply {
    let path = format!("/api/v1/projects/{project}/ingest-key");
    server.call(Method::POST, &path, Some(token), None).await
}

async fn ingest_with(server: &TestServer, key: Option<&str>, visitors: u32) -> StatusCode {
    let mut request = reqwest::Client::new()
        .post(server.url("/api/v1/ingest/events"))
        .json(&json!({"date": "2026-03-02", "visitors": visitors, "page_views": visitors}));
    if let Some(key) = key {
        request = request.header("X-Ingest-Key", key);
    }
    send_checked(request).await.status()
}

fn key_of(reply: &Reply) -> String {
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    reply.body["ingest_key"].as_str().expect("a key").to_owned()
}

#[tokio::test]
async fn a_projects_key_ingests_and_a_rotated_key_stops_working() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let project = demo_tenant(&server, &admin).await.project_id;

    let first = key_of(&rotate(&server, &admin, &project).await);
    assert!(first.starts_with("psk_") && first.len() == 68, "{first}");
    assert_eq!(
        ingest_with(&server, Some(&first), 3).await,
        StatusCode::NO_CONTENT
    );

    // The project's own client rotates it: the old key is refused, the new one works.
    let client = server.client_token().await;
    let second = key_of(&rotate(&server, &client, &project).await);
    assert_ne!(first, second);
    assert_eq!(
        ingest_with(&server, Some(&first), 100).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        ingest_with(&server, Some(&second), 4).await,
        StatusCode::NO_CONTENT
    );
    for key in [None, Some("psk_guessed")] {
        assert_eq!(
            ingest_with(&server, key, 100).await,
            StatusCode::UNAUTHORIZED
        );
    }

    let path = format!("/api/v1/projects/{project}/stats?from=2026-03-02&to=2026-03-02");
    let stored = server.call(Method::GET, &path, Some(&admin), None).await;
    assert_eq!(stored.body["days"][0]["visitors"], json!(7));

    // Only the hash is stored.
    let hashes: Value = server
        .call(
            Method::GET,
            &format!("/api/v1/projects/{project}"),
            Some(&admin),
            None,
        )
        .await
        .body;
    assert!(!hashes.to_string().contains(&second));
}

#[tokio::test]
async fn another_tenant_cannot_create_a_key_for_the_project() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let project = demo_tenant(&server, &admin).await.project_id;
    let stranger = other_tenant_token(&server).await;
    let refused = rotate(&server, &stranger, &project).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(refused.body["code"], "not_found");
}
