//! A run input is refused unless storage and every client can read it back, and one queued row the
//! domain cannot read never stops the queue: the worker fails it with the reason, takes the next
//! run, and the failed run is readable again.

use reqwest::{Method, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::fixtures::wait_for_end;
use crate::support::TestServer;
use crate::tenants::{assert_problem, demo_tenant};

#[tokio::test]
async fn a_run_input_that_cannot_be_read_back_is_refused_and_nothing_is_stored() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let project = demo_tenant(&server, &admin).await.project_id;
    let client = server.client_token().await;
    let path = format!("/api/v1/projects/{project}/runs");
    let deep = (0..40).fold(json!({}), |inner, _| json!({ "a": inner }));
    for (input, case) in [
        (
            r#"{"a": 1.7976931348623157e+308}"#.to_owned(),
            "the largest double",
        ),
        (r#"{"a": [1e16]}"#.to_owned(), "17 integer digits"),
        (r#"{"a": 12345678901234567890}"#.to_owned(), "20 digits"),
        (deep.to_string(), "40 levels"),
    ] {
        let body = format!(r#"{{"input": {input}}}"#);
        let reply = server.call_raw(Method::POST, &path, &client, &body).await;
        assert_problem(&reply, 422, "validation_failed", case);
        assert_eq!(reply.body["errors"][0]["field"], "input", "{case}");
    }
    let runs = server.call(Method::GET, &path, Some(&client), None).await;
    assert_eq!(runs.status, StatusCode::OK);
    assert_eq!(runs.body["items"], json!([]), "nothing stored");
}

#[tokio::test]
async fn a_corrupt_queued_row_is_failed_with_a_reason_and_other_runs_complete() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let demo = demo_tenant(&server, &admin).await;
    let corrupt = "01900000-0000-7000-8000-00000000c0de";
    // Written by hand, before the run below, so that the queue meets it first.
    let sql = format!(
        "INSERT INTO pipeline_runs (id, project_id, input, created_at, run_after)
         VALUES ('{corrupt}', '{}', '{{\"a\": 1e400}}', now() - interval '1 minute',
                 now() - interval '1 minute')",
        demo.project_id
    );
    server
        .database()
        .connection()
        .execute_unprepared(&sql)
        .await
        .expect("a corrupt queued run");

    let other = server
        .call(
            Method::POST,
            "/api/v1/projects",
            Some(&admin),
            Some(json!({"company_id": demo.company_id, "name": "Başka Site"})),
        )
        .await;
    let other = other.body["id"].as_str().expect("a project").to_owned();
    let started = server
        .call(
            Method::POST,
            &format!("/api/v1/projects/{other}/runs"),
            Some(&admin),
            Some(json!({"input": {"pages": 4}})),
        )
        .await;
    assert_eq!(started.status, StatusCode::CREATED, "{:?}", started.body);
    let run = started.body["id"].as_str().expect("a run").to_owned();

    let finished = wait_for_end(&server, &admin, &run).await;
    assert_eq!(finished["status"], "SUCCEEDED", "{finished:?}");
    let failed = wait_for_end(&server, &admin, corrupt).await;
    assert_eq!(failed["status"], "FAILED", "{failed:?}");
    assert!(
        failed["error"]
            .as_str()
            .is_some_and(|error| error.contains("cannot be read")),
        "{failed:?}"
    );
    assert!(
        failed["input"]["unreadable_input"].is_string(),
        "{failed:?}"
    );
    let listed = server
        .call(
            Method::GET,
            &format!("/api/v1/projects/{}/runs", demo.project_id),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{:?}", listed.body);
}
