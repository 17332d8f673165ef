//! Helpers shared by the resource suites: creating companies and users through the admin API, and
//! checking problem documents.

use std::time::Duration;

use prosektor_server::demo::CLIENT_EMAIL;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Api, Reply, TestServer};

/// The password every user created by these helpers gets.
pub const PASSWORD: &str = "a long enough password";

/// Asserts that `reply` is a problem document with `status` and machine `code`.
pub fn assert_problem(reply: &Reply, status: u16, code: &str) {
    assert_eq!(reply.status.as_u16(), status, "{:?}", reply.body);
    assert_eq!(
        reply.content_type.as_deref(),
        Some("application/problem+json"),
        "{:?}",
        reply.body
    );
    assert_eq!(reply.body["status"], status, "{:?}", reply.body);
    assert_eq!(reply.body["code"], code, "{:?}", reply.body);
}

/// Asserts a `422 validation_failed` naming exactly `field`.
pub fn assert_invalid_field(reply: &Reply, field: &str) {
    assert_problem(reply, 422, "validation_failed");
    assert_eq!(reply.body["errors"][0]["field"], field, "{:?}", reply.body);
}

/// The response's `id`, as a string.
pub fn id_of(value: &Value) -> String {
    value["id"].as_str().expect("an id").to_owned()
}

/// Starts a pipeline run of `project` as `token` and returns its id.
pub async fn start_run(server: &Api, token: &str, project: &str) -> String {
    let path = format!("/api/v1/projects/{project}/runs");
    let body = json!({"input": {"pages": 2}});
    let started = server
        .call(Method::POST, &path, Some(token), Some(body))
        .await;
    assert_eq!(started.status, StatusCode::CREATED, "{:?}", started.body);
    id_of(&started.body)
}

/// Polls run `id` until it has finished; answers its last state.
pub async fn wait_for_end(server: &Api, token: &str, id: &str) -> Value {
    for _ in 0..300 {
        let reply = server
            .call(
                Method::GET,
                &format!("/api/v1/runs/{id}"),
                Some(token),
                None,
            )
            .await;
        if reply.status == StatusCode::OK && reply.body["finished_at"].is_string() {
            return reply.body;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("run {id} did not finish");
}

/// Creates a company as `admin` and returns it.
pub async fn create_company(
    server: &TestServer,
    admin: &str,
    name: &str,
    tax_id: Option<&str>,
) -> Value {
    let reply = server
        .call(
            Method::POST,
            "/api/v1/companies",
            Some(admin),
            Some(json!({"name": name, "tax_id": tax_id})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    reply.body
}

/// Creates a `CLIENT` of `company_id` (with [`PASSWORD`]) as `admin` and returns the account.
pub async fn create_client(server: &Api, admin: &str, email: &str, company_id: &str) -> Value {
    create_user(server, admin, email, "CLIENT", Some(company_id)).await
}

/// Creates an `ADMIN` (with [`PASSWORD`]) as `admin` and returns the account.
pub async fn create_admin(server: &Api, admin: &str, email: &str) -> Value {
    create_user(server, admin, email, "ADMIN", None).await
}

async fn create_user(
    server: &Api,
    admin: &str,
    email: &str,
    role: &str,
    company_id: Option<&str>,
) -> Value {
    let reply = server
        .call(
            Method::POST,
            "/api/v1/users",
            Some(admin),
            Some(json!({
                "email": email,
                "password": PASSWORD,
                "role": role,
                "company_id": company_id,
            })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    reply.body
}

/// The demo tenant (`Anadolu OSGB`), as the admin sees it.
pub async fn demo_company(server: &TestServer, admin: &str) -> Value {
    let reply = server
        .call(
            Method::GET,
            "/api/v1/me",
            Some(&server.client_token().await),
            None,
        )
        .await;
    assert_eq!(reply.body["user"]["email"], CLIENT_EMAIL);
    let id = reply.body["user"]["company_id"]
        .as_str()
        .expect("the demo client has a company")
        .to_owned();
    let company = server
        .call(
            Method::GET,
            &format!("/api/v1/companies/{id}"),
            Some(admin),
            None,
        )
        .await;
    assert_eq!(company.status, StatusCode::OK, "{:?}", company.body);
    company.body
}

/// `text` percent-encoded for a query string (every byte but ASCII letters and digits).
pub fn query_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

/// `value` with every `created_at`/`deleted_at` timestamp replaced by a marker. A response to a
/// write carries the clock's nanoseconds while storage keeps microseconds, so a created resource
/// and its re-read differ there and only there.
pub fn without_timestamps(value: &Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(key, field)| {
                    let field = match (key.as_str(), field) {
                        ("created_at" | "deleted_at", Value::String(_)) => json!("<timestamp>"),
                        _ => without_timestamps(field),
                    };
                    (key.clone(), field)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_timestamps).collect()),
        other => other.clone(),
    }
}
