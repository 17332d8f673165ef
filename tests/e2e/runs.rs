//! Website generation runs over HTTP: a tenant starts a run of its project, the server's workers
//! execute it, its log can be followed, and the generated site is served as HTML.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{TestServer, send_checked};
use crate::tenants::{demo_tenant, other_tenant_token};

#[tokio::test]
async fn a_started_run_succeeds_and_its_site_is_served_as_html() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let project = demo_tenant(&server, &admin).await.project_id;
    let client = server.client_token().await;

    let path = format!("/api/v1/projects/{project}/runs");
    let started = server
        .call(
            Method::POST,
            &path,
            Some(&client),
            Some(json!({"input": {"pages": 4}})),
        )
        .await;
    assert_eq!(started.status, StatusCode::CREATED, "{:?}", started.body);
    assert_eq!(started.body["status"], "QUEUED");
    assert_eq!(started.body["input"], json!({"pages": 4}));
    let run = started.body["id"].as_str().expect("an id").to_owned();

    let mut status = String::new();
    for _ in 0..100 {
        let reply = server
            .call(
                Method::GET,
                &format!("/api/v1/runs/{run}"),
                Some(&client),
                None,
            )
            .await;
        status = reply.body["status"].as_str().unwrap_or_default().to_owned();
        if status == "SUCCEEDED" || status == "FAILED" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, "SUCCEEDED");

    let logs = server
        .call(
            Method::GET,
            &format!("/api/v1/runs/{run}/logs?after_seq=0&limit=3"),
            Some(&client),
            None,
        )
        .await;
    assert_eq!(logs.body["lines"].as_array().map(Vec::len), Some(3));
    let next = logs.body["next_after_seq"].as_i64().expect("a position");
    let rest = server
        .call(
            Method::GET,
            &format!("/api/v1/runs/{run}/logs?after_seq={next}"),
            Some(&client),
            None,
        )
        .await;
    assert!(rest.body["lines"][0]["seq"].as_i64().expect("more lines") > next);

    let page = send_checked(
        reqwest::Client::new()
            .get(server.url(&format!("/api/v1/projects/{project}/site/index.html")))
            .bearer_auth(&client),
    )
    .await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.expect("a body");
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("Anadolu OSGB"));

    // The published site is the company's public website, no token needed, while the project is
    // LIVE: a draft, paused or archived project serves nothing.
    let public_page = format!("/api/v1/sites/{project}/hizmetler.html");
    assert_eq!(
        server.get(&public_page).await.status(),
        StatusCode::NOT_FOUND,
        "a DRAFT project's site"
    );
    set_status(&server, &admin, &project, "BUILDING").await;
    set_status(&server, &admin, &project, "LIVE").await;
    let public = server.get(&public_page).await;
    assert_eq!(public.status(), StatusCode::OK);
    assert!(public.text().await.expect("a body").contains("Hizmetler"));
    set_status(&server, &admin, &project, "PAUSED").await;
    assert_eq!(
        server.get(&public_page).await.status(),
        StatusCode::NOT_FOUND,
        "a PAUSED project's site"
    );
    let unpublished = server
        .get(&format!("/api/v1/sites/{}/index.html", uuid_like()))
        .await;
    assert_eq!(unpublished.status(), StatusCode::NOT_FOUND);

    let finished = server
        .call(
            Method::POST,
            &format!("/api/v1/runs/{run}/cancel"),
            Some(&client),
            None,
        )
        .await;
    assert_eq!(
        (finished.status, finished.body["code"].as_str()),
        (StatusCode::CONFLICT, Some("invalid_transition"))
    );

    let stranger = other_tenant_token(&server).await;
    for path in [
        format!("/api/v1/runs/{run}"),
        format!("/api/v1/projects/{project}/site/index.html"),
        format!("/api/v1/runs/{run}/logs"),
    ] {
        let refused = server.call(Method::GET, &path, Some(&stranger), None).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{path}");
    }
    let refused = server
        .call(
            Method::POST,
            &format!("/api/v1/projects/{project}/runs"),
            Some(&stranger),
            Some(json!({})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}

/// A project id that exists nowhere.
fn uuid_like() -> &'static str {
    "0193c000-0000-7000-8000-000000000000"
}

/// Moves `project` to `status` as `admin`.
async fn set_status(server: &TestServer, admin: &str, project: &str, status: &str) {
    let reply = server
        .call(
            Method::POST,
            &format!("/api/v1/projects/{project}/status"),
            Some(admin),
            Some(json!({"status": status})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{status}: {:?}", reply.body);
}
