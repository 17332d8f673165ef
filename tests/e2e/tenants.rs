//! Fixtures shared by the invoice, project and stats suites: the demo tenant's ids, a second
//! tenant created with SQL, and problem assertions.

use prosektor_server::demo::{CLIENT_EMAIL, CLIENT_PASSWORD};
use reqwest::{Method, StatusCode};
use sea_orm::ConnectionTrait;

use crate::support::{Reply, TestServer};

/// The second tenant's company id (each test has a database of its own).
pub const OTHER_COMPANY_ID: &str = "01900000-0000-7000-8000-0000000000b2";
/// The second tenant's client user.
pub const OTHER_CLIENT_EMAIL: &str = "client@marmara-osgb.demo";

/// The demo tenant (`Anadolu OSGB`) as its client sees it.
pub struct DemoTenant {
    /// The company's id.
    pub company_id: String,
    /// The seeded `DRAFT` project's id.
    pub project_id: String,
}

/// The demo company's and its seeded project's ids.
pub async fn demo_tenant(server: &TestServer, admin: &str) -> DemoTenant {
    let client = server.client_token().await;
    let me = server
        .call(Method::GET, "/api/v1/me", Some(&client), None)
        .await;
    let company_id = me.body["user"]["company_id"]
        .as_str()
        .expect("the demo client has a company")
        .to_owned();
    let projects = server
        .call(
            Method::GET,
            &format!("/api/v1/projects?company_id={company_id}"),
            Some(admin),
            None,
        )
        .await;
    assert_eq!(projects.status, StatusCode::OK, "{:?}", projects.body);
    let project_id = projects.body["items"][0]["id"]
        .as_str()
        .expect("the demo project")
        .to_owned();
    DemoTenant {
        company_id,
        project_id,
    }
}

/// Creates a second tenant, `Marmara OSGB`, with one client user (the demo client's password,
/// whose hash is copied), and returns that client's token.
pub async fn other_tenant_token(server: &TestServer) -> String {
    let sql = format!(
        "INSERT INTO companies (id, name, status) VALUES ('{OTHER_COMPANY_ID}', 'Marmara OSGB', 'ACTIVE');
         INSERT INTO company_details (company_id) VALUES ('{OTHER_COMPANY_ID}') ON CONFLICT DO NOTHING;
         INSERT INTO users (id, email, password_hash, role, company_id)
             SELECT gen_random_uuid(), '{OTHER_CLIENT_EMAIL}', password_hash, 'CLIENT', '{OTHER_COMPANY_ID}'
             FROM users WHERE email = '{CLIENT_EMAIL}';
         INSERT INTO user_profiles (user_id) SELECT id FROM users WHERE email = '{OTHER_CLIENT_EMAIL}';"
    );
    server
        .database()
        .connection()
        .execute_unprepared(&sql)
        .await
        .expect("second tenant inserted");
    server.login(OTHER_CLIENT_EMAIL, CLIENT_PASSWORD).await
}

/// Asserts that `reply` is a problem document with `status` and `code`; `context` names the case.
pub fn assert_problem(reply: &Reply, status: u16, code: &str, context: &str) {
    assert_eq!(
        (reply.status.as_u16(), reply.body["code"].as_str()),
        (status, Some(code)),
        "{context}: {:?}",
        reply.body
    );
    assert_eq!(
        reply.content_type.as_deref(),
        Some("application/problem+json"),
        "{context}"
    );
    assert_eq!(reply.body["status"], status, "{context}");
}

/// The field named by a validation problem's first error.
pub fn problem_field(reply: &Reply) -> Option<&str> {
    reply.body["errors"][0]["field"].as_str()
}
