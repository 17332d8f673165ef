//! Failed logins are limited per account and per client address, in the database: the limits hold
//! over fresh TCP connections, against parallel guesses, and across server instances; only failures
//! count; a password check inside a session counts like a login.

use prosektor_server::demo::{CLIENT_EMAIL, CLIENT_PASSWORD};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Reply, TestServer};
use crate::tenants::assert_problem;

const LOGIN: &str = "/api/v1/auth/login";

fn credentials(email: &str, password: &str) -> Value {
    json!({"email": email, "password": password})
}

/// A login from a new TCP connection, optionally through a proxy's `X-Forwarded-For`.
async fn fresh_login(server: &TestServer, email: &str, forwarded_for: Option<&str>) -> Reply {
    let headers: Vec<(&str, &str)> = forwarded_for
        .map(|client| vec![("x-forwarded-for", client)])
        .unwrap_or_default();
    server
        .call_fresh(
            Method::POST,
            LOGIN,
            Some(credentials(email, "a wrong password!")),
            &headers,
        )
        .await
}

fn assert_limited(reply: &Reply, context: &str) {
    assert_problem(reply, 429, "too_many_requests", context);
    let seconds: u64 = reply
        .retry_after
        .as_deref()
        .and_then(|value| value.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=15 * 60).contains(&seconds), "{context}: {seconds}");
}

#[tokio::test]
async fn a_fresh_connection_per_attempt_still_meets_the_per_client_limit() {
    let server = TestServer::start().await;
    for attempt in 0..50 {
        let email = format!("sprayed-{attempt}@example.com");
        let reply = fresh_login(&server, &email, None).await;
        assert_problem(&reply, 401, "invalid_credentials", &email);
    }
    for attempt in 50..55 {
        let email = format!("sprayed-{attempt}@example.com");
        assert_limited(&fresh_login(&server, &email, None).await, &email);
    }
    // The right password of a real account is limited too: the client is.
    let reply = server
        .call_fresh(
            Method::POST,
            LOGIN,
            Some(credentials(CLIENT_EMAIL, CLIENT_PASSWORD)),
            &[],
        )
        .await;
    assert_limited(&reply, "the right password from a limited client");
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_count() {
    let server = TestServer::start_with(|config| {
        config.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    for attempt in 0..50 {
        let email = format!("sprayed-{attempt}@example.com");
        let reply = fresh_login(&server, &email, Some("198.51.100.1")).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{email}");
    }
    let limited = fresh_login(&server, "one-more@example.com", Some("198.51.100.1")).await;
    assert_limited(&limited, "the forwarded client past its limit");
    // Entries left of the last untrusted hop are the client's own words: a forged one is ignored.
    let forged = fresh_login(
        &server,
        "one-more@example.com",
        Some("203.0.113.9, 198.51.100.1"),
    )
    .await;
    assert_limited(&forged, "a forged entry in front of the same client");
    let other = fresh_login(&server, "one-more@example.com", Some("198.51.100.2")).await;
    assert_problem(
        &other,
        401,
        "invalid_credentials",
        "another forwarded client",
    );
}

#[tokio::test]
async fn parallel_wrong_passwords_for_one_account_reach_the_hash_at_most_five_times() {
    let server = TestServer::start().await;
    let attempts = (0..32).map(|_| {
        server.call(
            Method::POST,
            LOGIN,
            None,
            Some(credentials(CLIENT_EMAIL, "a wrong password!")),
        )
    });
    let replies = futures::future::join_all(attempts).await;
    let statuses: Vec<u16> = replies.iter().map(|reply| reply.status.as_u16()).collect();
    let hashed = statuses.iter().filter(|&&status| status == 401).count();
    let limited = statuses.iter().filter(|&&status| status == 429).count();
    assert_eq!((hashed, limited), (5, 27), "{statuses:?}");
    // The account stays locked for its window, even for the right password.
    let right = server
        .call(
            Method::POST,
            LOGIN,
            None,
            Some(credentials(CLIENT_EMAIL, CLIENT_PASSWORD)),
        )
        .await;
    assert_limited(&right, "the right password of a locked account");
}

#[tokio::test]
async fn two_server_instances_on_one_database_share_the_counts() {
    let first = TestServer::start().await;
    let second = first.beside().await;
    let wrong = || Some(credentials(CLIENT_EMAIL, "a wrong password!"));
    for server in [&first, &second, &first, &second, &first] {
        let reply = server.call(Method::POST, LOGIN, None, wrong()).await;
        assert_problem(
            &reply,
            401,
            "invalid_credentials",
            "a failure within the limit",
        );
    }
    for server in [&second, &first] {
        let reply = server.call(Method::POST, LOGIN, None, wrong()).await;
        assert_limited(&reply, "the sixth failure, on either instance");
    }
}

#[tokio::test]
async fn only_failures_count_a_correct_login_clears_the_account() {
    let server = TestServer::start().await;
    for round in 0..2 {
        for _ in 0..4 {
            let reply = server
                .call(
                    Method::POST,
                    LOGIN,
                    None,
                    Some(credentials(CLIENT_EMAIL, "a wrong password!")),
                )
                .await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "round {round}");
        }
        // The fifth attempt is right: the four failures are forgotten.
        server.client_token().await;
    }
}

#[tokio::test]
async fn wrong_current_passwords_are_limited_like_logins() {
    let server = TestServer::start().await;
    let token = server.client_token().await;
    let change = |current: &str| json!({"current_password": current, "new_password": "a brand new password"});
    for _ in 0..5 {
        let reply = server
            .call(
                Method::POST,
                "/api/v1/auth/password",
                Some(&token),
                Some(change("a wrong password!")),
            )
            .await;
        assert_problem(
            &reply,
            401,
            "invalid_credentials",
            "a wrong current password",
        );
    }
    let limited = server
        .call(
            Method::POST,
            "/api/v1/auth/password",
            Some(&token),
            Some(change(CLIENT_PASSWORD)),
        )
        .await;
    assert_limited(&limited, "the right current password of a locked account");
    let login = server
        .call(
            Method::POST,
            LOGIN,
            None,
            Some(credentials(CLIENT_EMAIL, CLIENT_PASSWORD)),
        )
        .await;
    assert_limited(&login, "a login of the same account");
}
