//! Bad user input answers problem documents naming the field, and writes nothing.

use prosektor_server::demo::{ADMIN_EMAIL, CLIENT_EMAIL, CLIENT_PASSWORD};
use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{PASSWORD, assert_invalid_field, assert_problem, demo_company, id_of};
use crate::support::TestServer;

use super::emails;

#[tokio::test]
async fn bad_user_input_answers_problems_naming_the_field() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let company_id = id_of(&demo_company(&server, &admin).await);
    let create = |body: Value| {
        let server = &server;
        let admin = &admin;
        async move {
            server
                .call(Method::POST, "/api/v1/users", Some(admin), Some(body))
                .await
        }
    };
    let valid = json!({
        "email": "new@anadolu-osgb.demo",
        "password": PASSWORD,
        "role": "CLIENT",
        "company_id": company_id,
    });
    let with = |key: &str, value: Value| {
        let mut body = valid.clone();
        body[key] = value;
        body
    };

    let malformed = server
        .call_raw(Method::POST, "/api/v1/users", &admin, "{\"email\":")
        .await;
    assert_problem(&malformed, 400, "bad_request");
    assert_problem(
        &create(with("email", json!(["a@b.c"]))).await,
        400,
        "bad_request",
    );
    assert_problem(&create(with("role", json!(1))).await, 400, "bad_request");
    assert_problem(
        &create(with("profile", json!("x"))).await,
        400,
        "bad_request",
    );
    assert_problem(
        &create(with(
            "profile",
            json!({"preferences": {"notifications": "yes"}}),
        ))
        .await,
        400,
        "bad_request",
    );
    assert_problem(
        &create(with("profile", json!({"preferences": {"colour": "red"}}))).await,
        400,
        "bad_request",
    );
    assert_problem(
        &create(with("role", json!("ROOT"))).await,
        400,
        "bad_request",
    );
    assert_problem(
        &create(with("is_root", json!(true))).await,
        400,
        "bad_request",
    );
    assert_problem(
        &create(with("company_id", json!("not-a-uuid"))).await,
        400,
        "bad_request",
    );
    assert_invalid_field(&create(with("email", json!("no-at-sign"))).await, "email");
    assert_invalid_field(&create(with("password", json!("short"))).await, "password");
    assert_invalid_field(
        &create(with("profile", json!({"phone": "12"}))).await,
        "phone",
    );
    assert_invalid_field(
        &create(with(
            "profile",
            json!({"avatar_url": "http://x.example/a.png"}),
        ))
        .await,
        "avatar_url",
    );
    assert_problem(
        &create(with("email", json!(CLIENT_EMAIL.to_uppercase()))).await,
        409,
        "email_taken",
    );
    assert_problem(
        &create(with("company_id", Value::Null)).await,
        422,
        "role_company_mismatch",
    );
    assert_problem(
        &create(with(
            "company_id",
            json!("018f2b8e-0000-7000-8000-000000000000"),
        ))
        .await,
        404,
        "not_found",
    );

    for query in ["limit=0", "limit=1000"] {
        let reply = server
            .call(
                Method::GET,
                &format!("/api/v1/users?{query}"),
                Some(&admin),
                None,
            )
            .await;
        assert_problem(&reply, 400, "bad_request");
        let detail = reply.body["detail"].as_str().unwrap_or_default();
        assert!(detail.contains("`limit`"), "{detail}");
    }
    let foreign = server
        .call(
            Method::GET,
            "/api/v1/users?cursor=bogus",
            Some(&admin),
            None,
        )
        .await;
    assert_problem(&foreign, 400, "invalid_cursor");
    let bad_filter = server
        .call(
            Method::GET,
            "/api/v1/users?company_id=42",
            Some(&admin),
            None,
        )
        .await;
    assert_problem(&bad_filter, 400, "bad_request");
    for (method, path) in [
        (Method::GET, "/api/v1/users/not-a-uuid"),
        (Method::DELETE, "/api/v1/users/42"),
        (Method::POST, "/api/v1/users/42/restore"),
    ] {
        let reply = server.call(method, path, Some(&admin), None).await;
        assert_problem(&reply, 400, "bad_request");
    }
    let missing = server
        .call(
            Method::GET,
            "/api/v1/users/018f2b8e-0000-7000-8000-000000000000",
            Some(&admin),
            None,
        )
        .await;
    assert_problem(&missing, 404, "not_found");

    // None of the refused requests created anyone, and the client can still log in.
    let listed = server
        .call(Method::GET, "/api/v1/users", Some(&admin), None)
        .await;
    assert_eq!(emails(&listed.body), [CLIENT_EMAIL, ADMIN_EMAIL]);
    server.login(CLIENT_EMAIL, CLIENT_PASSWORD).await;
}
