//! `/api/v1/users` over HTTP: the admin lifecycle of a user, soft delete and restore against
//! tokens and logins, role changes, clients refused, and bad input answered as problems.

mod access;
mod bad_input;
mod lifecycle;
mod sessions;

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::TestServer;

/// The emails of a listing's page, in order.
fn emails(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|user| user["email"].as_str().expect("email"))
        .collect()
}

/// How a login attempt is answered: its status and problem code.
async fn login_status(server: &TestServer, email: &str, password: &str) -> Value {
    let reply = server
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": email, "password": password})),
        )
        .await;
    json!({"status": reply.status.as_u16(), "code": reply.body["code"]})
}
