//! Soft delete, restore and role changes against tokens and logins.

use prosektor_server::demo::{ADMIN_EMAIL, CLIENT_EMAIL};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::{PASSWORD, assert_problem, create_client, demo_company, id_of};
use crate::support::TestServer;

use super::{emails, login_status};

#[tokio::test]
async fn a_soft_deleted_user_loses_tokens_and_login_until_restored() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let company_id = id_of(&demo_company(&server, &admin).await);
    let account = create_client(&server, &admin, "leaver@anadolu-osgb.demo", &company_id).await;
    let id = id_of(&account["user"]);
    let token = server.login("leaver@anadolu-osgb.demo", PASSWORD).await;
    let me = server
        .call(Method::GET, "/api/v1/me", Some(&token), None)
        .await;
    assert_eq!(me.status, StatusCode::OK);

    let deleted = server
        .call(
            Method::DELETE,
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{:?}", deleted.body);
    assert!(deleted.body["deleted_at"].is_string(), "{:?}", deleted.body);

    let me = server
        .call(Method::GET, "/api/v1/me", Some(&token), None)
        .await;
    assert_problem(&me, 401, "unauthenticated");
    assert_eq!(
        login_status(&server, "leaver@anadolu-osgb.demo", PASSWORD).await,
        json!({"status": 401, "code": "invalid_credentials"})
    );
    let path = format!("/api/v1/users/{id}");
    assert_problem(
        &server.call(Method::GET, &path, Some(&admin), None).await,
        404,
        "not_found",
    );
    assert_problem(
        &server.call(Method::DELETE, &path, Some(&admin), None).await,
        404,
        "not_found",
    );
    let listed = server
        .call(Method::GET, "/api/v1/users", Some(&admin), None)
        .await;
    assert_eq!(emails(&listed.body), [CLIENT_EMAIL, ADMIN_EMAIL]);
    let with_deleted = server
        .call(
            Method::GET,
            "/api/v1/users?include_deleted=true",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(
        emails(&with_deleted.body),
        ["leaver@anadolu-osgb.demo", CLIENT_EMAIL, ADMIN_EMAIL]
    );

    let restored = server
        .call(Method::POST, &format!("{path}/restore"), Some(&admin), None)
        .await;
    assert_eq!(restored.status, StatusCode::OK, "{:?}", restored.body);
    assert_eq!(restored.body["deleted_at"], Value::Null);
    let again = server
        .call(Method::POST, &format!("{path}/restore"), Some(&admin), None)
        .await;
    assert_problem(&again, 409, "not_deleted");
    // The old token stays dead; a new login works.
    let me = server
        .call(Method::GET, "/api/v1/me", Some(&token), None)
        .await;
    assert_problem(&me, 401, "unauthenticated");
    let token = server.login("leaver@anadolu-osgb.demo", PASSWORD).await;
    let me = server
        .call(Method::GET, "/api/v1/me", Some(&token), None)
        .await;
    assert_eq!(me.body["user"]["id"], json!(id));
}

#[tokio::test]
async fn a_role_change_invalidates_the_old_token_and_takes_effect() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let company_id = id_of(&demo_company(&server, &admin).await);
    let account = create_client(&server, &admin, "promoted@anadolu-osgb.demo", &company_id).await;
    let path = format!("/api/v1/users/{}/role", id_of(&account["user"]));
    let old = server.login("promoted@anadolu-osgb.demo", PASSWORD).await;
    assert_problem(
        &server
            .call(Method::GET, "/api/v1/users", Some(&old), None)
            .await,
        403,
        "forbidden",
    );

    let mismatched = server
        .call(
            Method::PUT,
            &path,
            Some(&admin),
            Some(json!({"role": "ADMIN", "company_id": company_id})),
        )
        .await;
    assert_problem(&mismatched, 422, "role_company_mismatch");
    let changed = server
        .call(
            Method::PUT,
            &path,
            Some(&admin),
            Some(json!({"role": "ADMIN"})),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    assert_eq!(
        (&changed.body["role"], &changed.body["company_id"]),
        (&json!("ADMIN"), &Value::Null)
    );

    let me = server
        .call(Method::GET, "/api/v1/me", Some(&old), None)
        .await;
    assert_problem(&me, 401, "unauthenticated");
    let new = server.login("promoted@anadolu-osgb.demo", PASSWORD).await;
    let users = server
        .call(Method::GET, "/api/v1/users", Some(&new), None)
        .await;
    assert_eq!(users.status, StatusCode::OK, "{:?}", users.body);
}
