//! A method a path does not have answers `405` with the `Allow` header RFC 9110 requires.

use reqwest::{Method, StatusCode};

use crate::support::{TestServer, send_checked};
use crate::tenants::demo_tenant;

#[tokio::test]
async fn an_unsupported_method_answers_405_naming_the_allowed_ones() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let project = demo_tenant(&server, &admin).await.project_id;
    let client = reqwest::Client::new();
    for (method, path, allow) in [
        (Method::DELETE, "/api/v1/auth/login".to_owned(), "POST"),
        (
            Method::PUT,
            format!("/api/v1/projects/{project}/runs"),
            "POST, GET, HEAD",
        ),
        (
            Method::PATCH,
            "/api/v1/invoices".to_owned(),
            "POST, GET, HEAD",
        ),
    ] {
        let response = send_checked(
            client
                .request(method.clone(), server.url(&path))
                .bearer_auth(&admin),
        )
        .await;
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        let allowed = response.headers()["allow"].to_str().unwrap().to_owned();
        let mut got: Vec<&str> = allowed.split(", ").collect();
        let mut expected: Vec<&str> = allow.split(", ").collect();
        got.sort_unstable();
        expected.sort_unstable();
        assert_eq!(got, expected, "{method} {path}");
    }
}
