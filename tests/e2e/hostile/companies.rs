//! What a company's status allows its clients (docs/api.md): a `SUSPENDED` company's clients read
//! everything and change nothing of the company's (their own profile stays theirs); a `CHURNED`
//! company's clients cannot log in, and their tokens stop working. And an admin asking for the
//! active projects of a company that does not exist gets `404`, as from the dashboard.

use prosektor_server::demo::{CLIENT_EMAIL, CLIENT_PASSWORD};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::TestServer;
use crate::tenants::{assert_problem, demo_tenant};

async fn set_company_status(server: &TestServer, admin: &str, company: &str, status: &str) {
    let reply = server
        .call(
            Method::PATCH,
            &format!("/api/v1/companies/{company}"),
            Some(admin),
            Some(json!({"status": status})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{status}: {:?}", reply.body);
}

#[tokio::test]
async fn a_suspended_company_s_clients_read_but_change_nothing_and_a_churned_one_s_are_shut_out() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let demo = demo_tenant(&server, &admin).await;
    let (company, project) = (&demo.company_id, &demo.project_id);
    let client = server.client_token().await;
    set_company_status(&server, &admin, company, "ACTIVE").await;
    set_company_status(&server, &admin, company, "SUSPENDED").await;

    for path in [
        format!("/api/v1/companies/{company}"),
        format!("/api/v1/companies/{company}/dashboard"),
        format!("/api/v1/projects/{project}"),
        format!("/api/v1/projects/{project}/runs"),
        "/api/v1/invoices".to_owned(),
        "/api/v1/me".to_owned(),
    ] {
        let reply = server.call(Method::GET, &path, Some(&client), None).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "read {path}: {:?}",
            reply.body
        );
    }
    let writes = [
        (
            Method::PUT,
            format!("/api/v1/companies/{company}/contact-details"),
            Some(json!({"city": "Bursa"})),
        ),
        (
            Method::POST,
            "/api/v1/projects".to_owned(),
            Some(json!({"company_id": company, "name": "Yeni Site"})),
        ),
        (
            Method::PATCH,
            format!("/api/v1/projects/{project}"),
            Some(json!({"name": "Yeni Ad"})),
        ),
        (
            Method::POST,
            format!("/api/v1/projects/{project}/runs"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/api/v1/projects/{project}/ingest-key"),
            None,
        ),
    ];
    for (method, path, body) in writes {
        let reply = server
            .call(method.clone(), &path, Some(&client), body)
            .await;
        assert_problem(
            &reply,
            403,
            "company_suspended",
            &format!("{method} {path}"),
        );
    }
    let profile = server
        .call(
            Method::PATCH,
            "/api/v1/me",
            Some(&client),
            Some(json!({"first_name": "Ayşe"})),
        )
        .await;
    assert_eq!(
        profile.status,
        StatusCode::OK,
        "own profile: {:?}",
        profile.body
    );
    let details = server
        .call(
            Method::GET,
            &format!("/api/v1/companies/{company}/details"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(details.body["city"], json!(null), "nothing was changed");

    set_company_status(&server, &admin, company, "CHURNED").await;
    let me = server
        .call(Method::GET, "/api/v1/me", Some(&client), None)
        .await;
    assert_problem(&me, 403, "company_closed", "an earlier token");
    let login = server
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": CLIENT_EMAIL, "password": CLIENT_PASSWORD})),
        )
        .await;
    assert_problem(&login, 403, "company_closed", "the right password");
    let wrong = server
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": CLIENT_EMAIL, "password": "a wrong password!"})),
        )
        .await;
    assert_problem(
        &wrong,
        401,
        "invalid_credentials",
        "a wrong password says nothing more",
    );

    // Won back: the clients work again.
    set_company_status(&server, &admin, company, "ACTIVE").await;
    let client = server.client_token().await;
    let renamed = server
        .call(
            Method::PATCH,
            &format!("/api/v1/projects/{project}"),
            Some(&client),
            Some(json!({"name": "Yeni Ad"})),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{:?}", renamed.body);
}

#[tokio::test]
async fn the_active_projects_of_a_missing_company_are_not_found() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let missing = "01900000-0000-7000-8000-00000000dead";
    let reply = server
        .call(
            Method::GET,
            &format!("/api/v1/companies/{missing}/projects/active"),
            Some(&admin),
            None,
        )
        .await;
    assert_problem(&reply, 404, "not_found", "active projects");
    let dashboard = server
        .call(
            Method::GET,
            &format!("/api/v1/companies/{missing}/dashboard"),
            Some(&admin),
            None,
        )
        .await;
    assert_problem(&dashboard, 404, "not_found", "dashboard");
}
