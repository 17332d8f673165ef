//! Authentication over HTTP: tokens, sessions that end everywhere at once, password changes, the
//! login rate limit, and problem documents for every refusal.

use prosektor_server::demo::{CLIENT_EMAIL, CLIENT_PASSWORD};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestServer, send_checked};

const PROBLEM: &str = "application/problem+json";

#[tokio::test]
async fn a_token_reads_me_and_logging_out_everywhere_ends_every_session() {
    let server = TestServer::start().await;
    let first = server.client_token().await;
    let second = server.client_token().await;

    let me = server
        .call(Method::GET, "/api/v1/me", Some(&first), None)
        .await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["user"]["email"], CLIENT_EMAIL);
    assert_eq!(me.body["user"]["role"], "CLIENT");
    assert!(me.body["user"].get("password_hash").is_none());

    let out = server
        .call(
            Method::POST,
            "/api/v1/auth/logout-everywhere",
            Some(&first),
            None,
        )
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    for token in [&first, &second] {
        let refused = server
            .call(Method::GET, "/api/v1/me", Some(token), None)
            .await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
        assert_eq!(refused.content_type.as_deref(), Some(PROBLEM));
        assert_eq!(refused.body["code"], "unauthenticated");
    }
    let fresh = server.client_token().await;
    let me = server
        .call(Method::GET, "/api/v1/me", Some(&fresh), None)
        .await;
    assert_eq!(me.status, StatusCode::OK);
}

#[tokio::test]
async fn a_password_change_returns_a_new_token_and_ends_the_old_ones() {
    let server = TestServer::start().await;
    let old = server.client_token().await;
    let wrong = server
        .call(
            Method::POST,
            "/api/v1/auth/password",
            Some(&old),
            Some(json!({"current_password": "not-the-password", "new_password": "a-brand-new-password"})),
        )
        .await;
    assert_eq!(
        (wrong.status, wrong.body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_credentials"))
    );

    let changed = server
        .call(
            Method::POST,
            "/api/v1/auth/password",
            Some(&old),
            Some(json!({"current_password": CLIENT_PASSWORD, "new_password": "a-brand-new-password"})),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK);
    let new = changed.body["access_token"]
        .as_str()
        .expect("a new token")
        .to_owned();
    assert_eq!(
        server
            .call(Method::GET, "/api/v1/me", Some(&old), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        server
            .call(Method::GET, "/api/v1/me", Some(&new), None)
            .await
            .status,
        StatusCode::OK
    );
    server.login(CLIENT_EMAIL, "a-brand-new-password").await;
}

#[tokio::test]
async fn bad_tokens_and_wrong_credentials_answer_401_problems() {
    let server = TestServer::start().await;
    for token in [
        None,
        Some("not-a-jwt"),
        Some("eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl"),
    ] {
        let reply = server.call(Method::GET, "/api/v1/me", token, None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert_eq!(reply.content_type.as_deref(), Some(PROBLEM));
        assert_eq!(reply.body["code"], "unauthenticated");
    }
    for (email, password) in [
        ("nobody@example.com", "whatever-password"),
        (CLIENT_EMAIL, "wrong-password!"),
    ] {
        let reply = server
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"email": email, "password": password})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{email}");
        assert_eq!(reply.body["code"], "invalid_credentials", "{email}");
    }
}

/// Every operation of the document that takes a bearer token checks it before it reads anything
/// else of the request: a forged token with a path parameter that does not parse, a query out of
/// range and a body that is not JSON answers `401`, never a `400` that would tell an
/// unauthenticated caller how the operation reads its input.
#[tokio::test]
async fn every_bearer_operation_checks_the_token_before_the_input() {
    let server = TestServer::start().await;
    let document: Value =
        serde_json::from_str(include_str!("../../docs/openapi.json")).expect("the document");
    let forged = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    let mut checked = 0;
    for (template, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            let bearer = operation["security"]
                .as_array()
                .is_some_and(|schemes| schemes.iter().any(|s| s.get("BearerAuth").is_some()));
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            if !bearer {
                continue;
            }
            let path = template
                .split('/')
                .map(|segment| {
                    if segment.starts_with('{') {
                        "not-a-uuid"
                    } else {
                        segment
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            let reply = server
                .call_raw(method.clone(), &format!("{path}?limit=0"), forged, "{")
                .await;
            assert_eq!(
                (reply.status, reply.body["code"].as_str()),
                (StatusCode::UNAUTHORIZED, Some("unauthenticated")),
                "{method} {template}"
            );
            checked += 1;
        }
    }
    assert!(
        checked > 30,
        "only {checked} operations take a bearer token"
    );
}

#[tokio::test]
async fn repeated_failed_logins_are_refused_with_retry_after() {
    let server = TestServer::start().await;
    let attempt = || async {
        server
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"email": CLIENT_EMAIL, "password": "wrong-password!"})),
            )
            .await
    };
    for _ in 0..5 {
        assert_eq!(attempt().await.status, StatusCode::UNAUTHORIZED);
    }
    let limited = send_checked(
        reqwest::Client::new()
            .post(server.url("/api/v1/auth/login"))
            .json(&json!({"email": CLIENT_EMAIL, "password": CLIENT_PASSWORD})),
    )
    .await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    // Another account from the same address is not locked out by these five failures.
    server.admin_token().await;
}

#[tokio::test]
async fn malformed_requests_answer_4xx_problems_never_500() {
    let server = TestServer::start().await;
    let token = server.client_token().await;
    let client = reqwest::Client::new();
    let cases: Vec<(reqwest::RequestBuilder, StatusCode, &str)> = vec![
        (
            client
                .post(server.url("/api/v1/auth/login"))
                .header("content-type", "application/json")
                .body("{not json"),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            client
                .post(server.url("/api/v1/auth/login"))
                .json(&json!({"email": 42, "password": "x"})),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            client
                .post(server.url("/api/v1/auth/login"))
                .json(&json!({"email": "a@b.co", "password": "xxxxxxxxxxxx", "extra": 1})),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            client
                .post(server.url("/api/v1/auth/login"))
                .body("email=a"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            client
                .patch(server.url("/api/v1/me"))
                .bearer_auth(&token)
                .json(&json!({"preferences": {"theme": "neon"}})),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            client
                .patch(server.url("/api/v1/me"))
                .bearer_auth(&token)
                .json(&json!({"preferences": {"colour": "red"}})),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            client
                .patch(server.url("/api/v1/me"))
                .bearer_auth(&token)
                .json(&json!({"phone": "12"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            client
                .patch(server.url("/api/v1/me"))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body(vec![b' '; 2 * 1024 * 1024]),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        (
            client.get(server.url("/api/v1/no-such-thing")),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
    ];
    for (request, status, code) in cases {
        let response = send_checked(request).await;
        assert_eq!(response.status(), status);
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            PROBLEM,
            "{status}"
        );
        let body: serde_json::Value = response.json().await.expect("a problem document");
        assert_eq!(body["code"], code, "{status}: {body}");
        assert_eq!(body["status"], status.as_u16());
    }
}

#[tokio::test]
async fn the_profile_takes_a_middle_name_phone_and_preferences() {
    let server = TestServer::start().await;
    let token = server.client_token().await;
    let patch = json!({"middle_name": "Nur", "phone": "0532 123 45 67", "preferences": {"theme": "dark", "locale": "tr"}});
    let updated = server
        .call(Method::PATCH, "/api/v1/me", Some(&token), Some(patch))
        .await;
    assert_eq!(updated.status, StatusCode::OK);
    assert_eq!(updated.body["middle_name"], "Nur");
    assert_eq!(updated.body["phone"], "+905321234567");

    let cleared = server
        .call(
            Method::PATCH,
            "/api/v1/me",
            Some(&token),
            Some(json!({"middle_name": null, "preferences": {"notifications": true}})),
        )
        .await;
    assert_eq!(cleared.body["middle_name"], serde_json::Value::Null);
    assert_eq!(
        cleared.body["preferences"],
        json!({"theme": "dark", "locale": "tr", "notifications": true})
    );
    let me = server
        .call(Method::GET, "/api/v1/me", Some(&token), None)
        .await;
    assert_eq!(me.body["profile"]["phone"], "+905321234567");
}
