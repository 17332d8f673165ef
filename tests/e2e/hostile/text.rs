//! No text that PostgreSQL cannot store reaches it: a NUL (or any control character) in a path or
//! query parameter answers `400` before a handler runs, token or not, and so does a NUL in a JSON
//! string.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::TestServer;
use crate::tenants::{assert_problem, demo_tenant};

#[tokio::test]
async fn a_nul_or_control_character_in_any_path_or_query_text_answers_400() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let demo = demo_tenant(&server, &admin).await;
    let project = &demo.project_id;
    let run = "01900000-0000-7000-8000-0000000000e1";

    let public = server.get(&format!("/api/v1/sites/{project}/%00")).await;
    assert_eq!(
        public.status(),
        StatusCode::BAD_REQUEST,
        "public site, no token"
    );
    for path in [
        format!("/api/v1/sites/{project}/index%00.html"),
        format!("/api/v1/projects/{project}/site/%00"),
        format!("/api/v1/runs/{run}/site/a%01b"),
        "/api/v1/companies/search?q=%00".to_owned(),
        "/api/v1/companies/search?q=anadolu%1B".to_owned(),
        "/api/v1/users?q=%00".to_owned(),
        "/api/v1/invoices?cursor=%00".to_owned(),
        format!("/api/v1/projects/{project}/runs?cursor=%7F"),
    ] {
        let reply = server.call(Method::GET, &path, Some(&admin), None).await;
        assert_problem(&reply, 400, "bad_request", &path);
    }

    let reply = server
        .call(
            Method::POST,
            "/api/v1/companies",
            Some(&admin),
            Some(json!({"name": "Anadolu\u{0}OSGB"})),
        )
        .await;
    assert_problem(&reply, 400, "bad_request", "a NUL in a JSON string");
}
