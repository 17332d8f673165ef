//! What an operator sees: request ids in the response, the problem document and every log line of
//! the request (never a secret), and `/metrics` counters that move by exactly the workload.

use prosektor_testkit::CapturedOutput;
use std::collections::BTreeMap;

use prosektor_server::demo::ADMIN_PASSWORD;
use prosektor_server::telemetry::{LogFormat, dispatch};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::{assert_problem, start_run};
use crate::support::{TestServer, send_checked};
use crate::tenants::demo_tenant;

#[tokio::test]
async fn a_request_id_is_in_the_response_its_problem_and_every_log_line_never_a_secret() {
    let captured = CapturedOutput::default();
    let writer = captured.clone();
    let _logging =
        tracing::dispatcher::set_default(&dispatch(LogFormat::Json, false, move || writer.clone()));
    let server = TestServer::start().await;
    let admin = server.admin_token().await;

    let response = send_checked(
        reqwest::Client::new()
            .get(server.url(&format!("/api/v1/companies/{}", uuid::Uuid::now_v7())))
            .bearer_auth(&admin)
            .header("X-Request-Id", "support-ticket-4711"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.headers()["x-request-id"], "support-ticket-4711");
    let problem: Value = response.json().await.expect("a problem document");
    assert_eq!(problem["request_id"], "support-ticket-4711");

    let generated = server
        .call(Method::GET, "/api/v1/me", Some(&admin), None)
        .await;
    assert_eq!(generated.status, StatusCode::OK);
    let refused = server
        .call(Method::GET, "/api/v1/me", Some("not-a-token"), None)
        .await;
    assert_problem(&refused, 401, "unauthenticated");
    let id = refused.body["request_id"].as_str().expect("an id");
    assert!(uuid::Uuid::parse_str(id).is_ok(), "a generated id: {id}");

    let logs = captured.text();
    let lines: Vec<Value> = logs
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    let of_the_request: Vec<&Value> = lines
        .iter()
        .filter(|line| line["span"]["request_id"] == "support-ticket-4711")
        .collect();
    let served = of_the_request
        .iter()
        .find(|line| line["message"] == "served")
        .expect("the access log line");
    assert_eq!(served["status"], 404);
    assert_eq!(served["span"]["route"], "/api/v1/companies/{id}");
    assert_eq!(served["span"]["method"], "GET");
    assert!(served["span"]["user_id"].is_string(), "{served}");
    assert!(served["duration_ms"].is_u64());
    for secret in [admin.as_str(), ADMIN_PASSWORD, "not-a-token"] {
        assert!(!logs.contains(secret), "a secret reached the logs");
    }
}

/// The samples of `exposition` as `name{labels}` → value, checking every line's shape.
fn samples(exposition: &str) -> BTreeMap<String, f64> {
    let mut samples = BTreeMap::new();
    for line in exposition.lines().filter(|line| !line.is_empty()) {
        if let Some(comment) = line.strip_prefix('#') {
            let kind = comment.split_whitespace().next();
            assert!(
                matches!(kind, Some("HELP" | "TYPE")),
                "a stray comment: {line}"
            );
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect("a sample is `series value`");
        let name_end = series.find('{').unwrap_or(series.len());
        assert!(
            series[..name_end]
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b':'),
            "a metric name: {line}"
        );
        let value: f64 = value.parse().expect("a numeric value");
        samples.insert(series.to_owned(), value);
    }
    samples
}

#[tokio::test]
async fn metrics_move_by_exactly_the_workload() {
    // The server's own subscriber (its repository timings included), logs discarded.
    let _logging =
        tracing::dispatcher::set_default(&dispatch(LogFormat::Text, false, std::io::sink));
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let project = demo_tenant(&server, &admin).await.project_id;
    let before = samples(&server.metrics().await);

    for _ in 0..3 {
        let me = server
            .call(Method::GET, "/api/v1/me", Some(&admin), None)
            .await;
        assert_eq!(me.status, StatusCode::OK);
    }
    for _ in 0..2 {
        let path = format!("/api/v1/companies/{}", uuid::Uuid::now_v7());
        let missing = server.call(Method::GET, &path, Some(&admin), None).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
    }
    let created = server
        .call(
            Method::POST,
            "/api/v1/companies",
            Some(&admin),
            Some(json!({"name": "Ölçülen OSGB"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    for _ in 0..2 {
        let wrong = json!({"email": "admin@prosektor.demo", "password": "not the password"});
        let refused = server
            .call(Method::POST, "/api/v1/auth/login", None, Some(wrong))
            .await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    }
    // Methods a client makes up are one label, whatever their names.
    let mut made_up = Vec::new();
    for name in ["FROBNICATE", "PURGE"] {
        let method = Method::from_bytes(name.as_bytes()).expect("an extension method");
        let answer = server.call(method, "/api/v1/me", Some(&admin), None).await;
        made_up.push(answer.status.as_u16());
    }
    assert_eq!(made_up[0], made_up[1]);
    let events = format!("/api/v1/projects/{project}/stats/events");
    for visitors in [3, 4] {
        let day = json!({"date": "2026-05-01", "visitors": visitors, "page_views": 9});
        let stored = server
            .call(Method::POST, &events, Some(&admin), Some(day))
            .await;
        assert_eq!(stored.status, StatusCode::NO_CONTENT);
    }
    let run_path = format!(
        "/api/v1/runs/{}",
        start_run(&server, &admin, &project).await
    );
    for _ in 0..100 {
        let polled = server
            .call(Method::GET, &run_path, Some(&admin), None)
            .await;
        if polled.body["status"] == "SUCCEEDED" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    let after = samples(&server.metrics().await);
    let moved = |series: &str| {
        after.get(series).copied().unwrap_or(0.0) - before.get(series).copied().unwrap_or(0.0)
    };
    assert_eq!(
        moved(r#"http_requests_total{method="GET",route="/api/v1/me",status="200"}"#),
        3.0
    );
    assert_eq!(
        moved(r#"http_requests_total{method="GET",route="/api/v1/companies/{id}",status="404"}"#),
        2.0
    );
    assert_eq!(
        moved(r#"http_requests_total{method="POST",route="/api/v1/companies",status="201"}"#),
        1.0
    );
    assert_eq!(
        moved(r#"http_request_duration_seconds_count{method="GET",route="/api/v1/me"}"#),
        3.0
    );
    assert_eq!(
        moved(&format!(
            r#"http_requests_total{{method="OTHER",route="/api/v1/me",status="{}"}}"#,
            made_up[0]
        )),
        2.0
    );
    assert!(
        after
            .keys()
            .all(|series| !series.contains("FROBNICATE") && !series.contains("PURGE")),
        "an extension method is not a label of its own"
    );
    assert_eq!(after.get("http_requests_in_flight"), Some(&0.0));
    assert_eq!(
        moved(r#"throttle_decisions_total{limit="login",decision="allowed"}"#),
        2.0
    );
    assert_eq!(moved(r#"stats_ingestions_total{outcome="stored"}"#), 2.0);
    assert_eq!(moved(r#"runs_total{outcome="succeeded"}"#), 1.0);
    assert_eq!(
        moved(r#"run_step_duration_seconds_count{step="publish"}"#),
        1.0
    );
    assert_eq!(after.get("run_queue_depth"), Some(&0.0));
    assert!(moved(r#"db_operation_duration_seconds_count{operation="company.create"}"#) >= 1.0);
    let busy = after
        .get(r#"db_pool_connections{state="busy"}"#)
        .expect("the pool's gauges");
    assert!(*busy >= 0.0);
    assert_eq!(
        after.get("db_pool_waiters"),
        Some(&0.0),
        "nobody waits for a connection once the workload is answered"
    );
    assert!(
        after
            .keys()
            .any(|series| series.starts_with("prosektor_build_info{"))
    );
    let has_an_id = |series: &str| {
        series
            .split(|c: char| !c.is_ascii_hexdigit() && c != '-')
            .any(|word| uuid::Uuid::parse_str(word).is_ok())
    };
    assert!(
        after
            .keys()
            .all(|series| !has_an_id(series) && !series.contains(&admin)),
        "no ids or tokens in labels"
    );
}
