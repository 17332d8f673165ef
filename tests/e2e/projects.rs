//! Web projects over HTTP: a client creates and renames its own projects, admins move them through
//! their statuses, the active list (access pattern 2), keyset pages, and bad input.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Reply, TestServer};
use crate::tenants::{assert_problem, demo_tenant, other_tenant_token, problem_field};

async fn create(server: &TestServer, token: &str, body: Value) -> Reply {
    server
        .call(Method::POST, "/api/v1/projects", Some(token), Some(body))
        .await
}

async fn patch(server: &TestServer, token: &str, id: &str, body: Value) -> Reply {
    let path = format!("/api/v1/projects/{id}");
    server
        .call(Method::PATCH, &path, Some(token), Some(body))
        .await
}

async fn set_status(server: &TestServer, token: &str, id: &str, status: &str) -> Reply {
    let path = format!("/api/v1/projects/{id}/status");
    let body = json!({ "status": status });
    server
        .call(Method::POST, &path, Some(token), Some(body))
        .await
}

/// The ids on a page, in order.
fn ids(page: &Reply) -> Vec<String> {
    page.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["id"].as_str().expect("an id").to_owned())
        .collect()
}

#[tokio::test]
async fn a_client_creates_and_renames_a_project_and_an_admin_publishes_and_archives_it() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let client = server.client_token().await;
    let demo = demo_tenant(&server, &admin).await;

    let body = json!({"company_id": demo.company_id, "name": "  İSG Portalı ", "domain": "Portal.Anadolu-OSGB.com.tr"});
    let created = create(&server, &client, body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let project = &created.body;
    assert_eq!(
        (&project["name"], &project["domain"], &project["status"]),
        (
            &json!("İSG Portalı"),
            &json!("portal.anadolu-osgb.com.tr"),
            &json!("DRAFT")
        )
    );
    let id = project["id"].as_str().expect("an id").to_owned();

    let renamed = patch(&server, &client, &id, json!({"name": "Portal"})).await;
    assert_eq!(renamed.status, StatusCode::OK, "{:?}", renamed.body);
    assert_eq!(renamed.body["name"], "Portal");
    assert_eq!(renamed.body["domain"], "portal.anadolu-osgb.com.tr");
    let cleared = patch(
        &server,
        &client,
        &id,
        json!({"domain": null, "name": "Portal 2"}),
    )
    .await;
    assert_eq!(
        (&cleared.body["name"], &cleared.body["domain"]),
        (&json!("Portal 2"), &Value::Null)
    );
    let unchanged = patch(&server, &client, &id, json!({})).await;
    assert_eq!(unchanged.body["name"], "Portal 2");

    let active_path = format!("/api/v1/companies/{}/projects/active", demo.company_id);
    let active = server
        .call(Method::GET, &active_path, Some(&client), None)
        .await;
    assert_eq!(active.body["items"], json!([]), "drafts are not active");
    for status in ["BUILDING", "LIVE", "PAUSED", "LIVE"] {
        let moved = set_status(&server, &admin, &id, status).await;
        assert_eq!(moved.body["status"], status, "{:?}", moved.body);
    }
    let active = server
        .call(Method::GET, &active_path, Some(&client), None)
        .await;
    assert_eq!(
        ids(&active),
        vec![id.clone()],
        "the seeded DRAFT project is not listed"
    );

    let archived = set_status(&server, &admin, &id, "ARCHIVED").await;
    assert_eq!(archived.body["status"], "ARCHIVED");
    let active = server
        .call(Method::GET, &active_path, Some(&client), None)
        .await;
    assert_eq!(active.body["items"], json!([]));
    let refused = set_status(&server, &admin, &id, "LIVE").await;
    assert_problem(&refused, 409, "invalid_transition", "leave ARCHIVED");
    let refused = set_status(&server, &admin, &demo.project_id, "LIVE").await;
    assert_problem(&refused, 409, "invalid_transition", "DRAFT -> LIVE");

    let read = server
        .call(
            Method::GET,
            &format!("/api/v1/projects/{id}"),
            Some(&client),
            None,
        )
        .await;
    // The written response carries the clock's nanoseconds, the stored row microseconds.
    let without_updated_at = |mut project: Value| {
        project["updated_at"] = Value::Null;
        project
    };
    assert_eq!(
        without_updated_at(read.body),
        without_updated_at(archived.body)
    );
}

#[tokio::test]
async fn status_changes_are_for_admins_and_domains_are_unique() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let client = server.client_token().await;
    let demo = demo_tenant(&server, &admin).await;

    let refused = set_status(&server, &client, &demo.project_id, "BUILDING").await;
    assert_problem(&refused, 403, "forbidden", "client status change");
    let path = format!("/api/v1/projects/{}", demo.project_id);
    let read = server.call(Method::GET, &path, Some(&client), None).await;
    assert_eq!(read.body["status"], "DRAFT");

    let body = json!({"company_id": demo.company_id, "name": "A", "domain": "anadolu-osgb.com.tr"});
    assert_eq!(
        create(&server, &client, body).await.status,
        StatusCode::CREATED
    );
    let body = json!({"company_id": demo.company_id, "name": "B", "domain": "ANADOLU-osgb.com.tr"});
    let taken = create(&server, &client, body).await;
    assert_problem(&taken, 409, "domain_taken", "create with a taken domain");

    let body = json!({"name": "Renamed", "domain": "anadolu-osgb.com.tr"});
    let taken = patch(&server, &client, &demo.project_id, body).await;
    assert_problem(&taken, 409, "domain_taken", "patch to a taken domain");
    let read = server.call(Method::GET, &path, Some(&client), None).await;
    assert_eq!(
        (&read.body["name"], &read.body["domain"]),
        (&json!("Anadolu OSGB Kurumsal Site"), &Value::Null),
        "a refused patch changes nothing"
    );
}

#[tokio::test]
async fn projects_are_listed_newest_first_in_keyset_pages() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let demo = demo_tenant(&server, &admin).await;
    let mut created = Vec::new();
    for name in ["Second", "Third", "Fourth"] {
        let body = json!({"company_id": demo.company_id, "name": name});
        let reply = create(&server, &admin, body).await;
        created.push(reply.body["id"].as_str().expect("an id").to_owned());
    }
    let newest_first = vec![
        created[2].clone(),
        created[1].clone(),
        created[0].clone(),
        demo.project_id.clone(),
    ];

    let mut seen = Vec::new();
    let mut path = "/api/v1/projects?limit=3".to_owned();
    loop {
        let page = server.call(Method::GET, &path, Some(&admin), None).await;
        assert_eq!(page.status, StatusCode::OK, "{:?}", page.body);
        seen.extend(ids(&page));
        match page.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/projects?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, newest_first);

    let filtered = format!("/api/v1/projects?company_id={}&limit=100", demo.company_id);
    let page = server
        .call(Method::GET, &filtered, Some(&admin), None)
        .await;
    assert_eq!(ids(&page), newest_first);
    assert!(page.body["next_cursor"].is_null());
}

#[tokio::test]
async fn bad_project_input_is_answered_with_the_right_problem() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let demo = demo_tenant(&server, &admin).await;
    let company = &demo.company_id;

    let cases_422 = [
        (json!({"company_id": company, "name": "   "}), "name"),
        (
            json!({"company_id": company, "name": "x".repeat(201)}),
            "name",
        ),
        (
            json!({"company_id": company, "name": "A", "domain": "localhost"}),
            "domain",
        ),
    ];
    for (body, field) in cases_422 {
        let reply = create(&server, &admin, body).await;
        assert_problem(&reply, 422, "validation_failed", field);
        assert_eq!(problem_field(&reply), Some(field));
    }
    let reply = patch(
        &server,
        &admin,
        &demo.project_id,
        json!({"domain": "-bad-.com"}),
    )
    .await;
    assert_problem(&reply, 422, "validation_failed", "patch domain");
    assert_eq!(problem_field(&reply), Some("domain"));

    let cases_400 = [
        json!({"company_id": "not-a-uuid", "name": "A"}),
        json!({"company_id": company, "name": "A", "owner": "me"}),
        json!({"company_id": company}),
    ];
    for body in cases_400 {
        let reply = create(&server, &admin, body.clone()).await;
        assert_problem(&reply, 400, "bad_request", &body.to_string());
    }
    let reply = set_status(&server, &admin, &demo.project_id, "LAUNCHED").await;
    assert_problem(&reply, 400, "bad_request", "unknown status");
    let missing = format!("/api/v1/companies/{company}/projects/active?limit=101");
    let reply = server.call(Method::GET, &missing, Some(&admin), None).await;
    assert_problem(&reply, 400, "bad_request", "limit 101");
    let reply = server
        .call(Method::GET, "/api/v1/projects/123", Some(&admin), None)
        .await;
    assert_problem(&reply, 400, "bad_request", "bad UUID");
    let detail = reply.body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("path parameter `id`"), "{detail}");
    let body = json!({"company_id": "01900000-0000-7000-8000-00000000dead", "name": "A"});
    let reply = create(&server, &admin, body).await;
    assert_problem(&reply, 404, "not_found", "unknown company");
}

#[tokio::test]
async fn a_client_of_another_company_finds_no_demo_project_and_changes_nothing() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let demo = demo_tenant(&server, &admin).await;
    let id = &demo.project_id;
    let path = format!("/api/v1/projects/{id}");
    let before = server
        .call(Method::GET, &path, Some(&admin), None)
        .await
        .body;
    let stranger = other_tenant_token(&server).await;

    let read = server.call(Method::GET, &path, Some(&stranger), None).await;
    assert_problem(&read, 404, "not_found", "get");
    let active = format!("/api/v1/companies/{}/projects/active", demo.company_id);
    let read = server
        .call(Method::GET, &active, Some(&stranger), None)
        .await;
    assert_problem(&read, 404, "not_found", "active list");
    let listed = format!("/api/v1/projects?company_id={}", demo.company_id);
    let listed = server
        .call(Method::GET, &listed, Some(&stranger), None)
        .await;
    assert_eq!(
        (listed.status, &listed.body["items"]),
        (StatusCode::OK, &json!([]))
    );
    let all = server
        .call(Method::GET, "/api/v1/projects", Some(&stranger), None)
        .await;
    assert_eq!(all.body["items"], json!([]));

    let renamed = patch(&server, &stranger, id, json!({"name": "Hijacked"})).await;
    assert_problem(&renamed, 404, "not_found", "rename");
    let redomained = patch(&server, &stranger, id, json!({"domain": "hijacked.com"})).await;
    assert_problem(&redomained, 404, "not_found", "set domain");
    let body = json!({"company_id": demo.company_id, "name": "Intruder"});
    assert_problem(
        &create(&server, &stranger, body).await,
        404,
        "not_found",
        "create",
    );
    let moved = set_status(&server, &stranger, id, "BUILDING").await;
    assert_problem(&moved, 403, "forbidden", "status change (admin-only)");

    let after = server
        .call(Method::GET, &path, Some(&admin), None)
        .await
        .body;
    assert_eq!(after, before);
    let all = format!("/api/v1/projects?company_id={}", demo.company_id);
    let all = server.call(Method::GET, &all, Some(&admin), None).await;
    assert_eq!(
        ids(&all),
        vec![demo.project_id.clone()],
        "no project was created"
    );
}
