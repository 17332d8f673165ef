//! The floor servers (`prosektor_bench::floor`) against a real PostgreSQL: each answers `/me`
//! for a valid token of a live session only.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::time::Duration;

use chrono::Utc;
use prosektor_application::ports::token::TokenCodec;
use prosektor_bench::floor::{Framework, serve};
use prosektor_domain::{SessionVersion, UserId};
use prosektor_security::JwtCodec;
use prosektor_testkit::TestDatabase;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

const SECRET: &str = "floor-test-secret-of-at-least-32-bytes";
const USER: Uuid = Uuid::from_u128(0x0f10_0000_0000_0000_0000_0000_0000_0001);
const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";

fn token(user: Uuid, version: i32) -> String {
    let codec = JwtCodec::new(SECRET.as_bytes(), Duration::from_secs(600)).expect("a secret");
    let version = SessionVersion::new(version).expect("a version");
    codec.issue(UserId::from_uuid(user), version, Utc::now())
}

fn free_address() -> SocketAddr {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a free port");
    listener.local_addr().expect("its address")
}

async fn wait_until_ready(client: &reqwest::Client, base: &str) {
    for _ in 0..100 {
        if client.get(format!("{base}/readyz")).send().await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the floor server did not start");
}

#[tokio::test]
async fn each_floor_server_answers_me_for_a_live_session_only() {
    let database = TestDatabase::migrated().await.expect("a database");
    database
        .connection()
        .execute_unprepared(&format!(
            "INSERT INTO users (id, email, password_hash, role, curr_session_version) \
             VALUES ('{USER}', 'floor@example.com', '{HASH}', 'ADMIN', 2); \
             INSERT INTO user_profiles (user_id, first_name, last_name) \
             VALUES ('{USER}', 'Ayşe', 'Demir');"
        ))
        .await
        .expect("a user");
    let client = reqwest::Client::new();
    for framework in Framework::ALL {
        let address = free_address();
        let server = tokio::spawn({
            let url = database.url().to_owned();
            async move { serve(framework, address, &url, 2, SECRET).await }
        });
        let base = format!("http://{address}");
        wait_until_ready(&client, &base).await;
        let me = |token: Option<String>| {
            let request = client.get(format!("{base}/api/v1/me"));
            let request = match token {
                Some(token) => request.bearer_auth(token),
                None => request,
            };
            async move { request.send().await.expect("an answer") }
        };

        let found = me(Some(token(USER, 2))).await;
        assert_eq!(found.status(), 200, "{}", framework.name());
        let body = found.bytes().await.expect("a body");
        let body: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(
            body,
            serde_json::json!({"id": USER, "firstName": "Ayşe", "lastName": "Demir"}),
            "{}",
            framework.name()
        );
        for (what, token) in [
            ("no token", None),
            ("a revoked session", Some(token(USER, 1))),
            ("an unknown user", Some(token(Uuid::from_u128(7), 1))),
            ("a forged token", Some(format!("{}x", token(USER, 2)))),
        ] {
            let refused = me(token).await;
            assert_eq!(refused.status(), 401, "{what}, {}", framework.name());
        }
        server.abort();
    }
}
