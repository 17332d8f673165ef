//! A server killed mid-request (its runtime dropped at once, with no graceful shutdown and no
//! clean-up, as SIGKILL would), then a retry with the same `Idempotency-Key` on another instance:
//! the create takes effect exactly once, whether the kill came before or after its commit.

use std::net::SocketAddr;
use std::time::Duration;

use prosektor_server::{Application, Config};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::json;
use tokio::runtime::Runtime;

use crate::support::TestServer;

/// The token secret both instances share (tokens of one are accepted by the other).
const SECRET: &str = "a secret shared by every instance of the fleet";

/// The instance that survives, with the demo data.
async fn survivor() -> TestServer {
    TestServer::start_with(|config| config.jwt_secret = Some(SECRET.to_owned())).await
}

/// A server on a runtime of its own, which the test kills.
struct KillableServer {
    addr: SocketAddr,
    runtime: Runtime,
}

impl KillableServer {
    async fn start(database_url: &str) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let mut config = Config::for_database(database_url);
        config.jwt_secret = Some(SECRET.to_owned());
        let (ready, addr) = tokio::sync::oneshot::channel();
        runtime.spawn(async move {
            let application = Application::build(&config).await.expect("server starts");
            let _ = ready.send(application.local_addr());
            let _ = application.run_until(std::future::pending()).await;
        });
        let addr = addr.await.expect("the server's address");
        Self { addr, runtime }
    }

    /// Drops every task of the server at once: open transactions die with their connections.
    fn kill(self) {
        self.runtime.shutdown_background();
    }
}

/// Creates `name` as `admin` with `Idempotency-Key: key` on the server at `addr`.
async fn create(
    addr: SocketAddr,
    admin: &str,
    key: &str,
    name: &str,
) -> reqwest::Result<reqwest::Response> {
    reqwest::Client::new()
        .post(format!("http://{addr}/api/v1/companies"))
        .bearer_auth(admin)
        .header("Idempotency-Key", key)
        .json(&json!({ "name": name }))
        .send()
        .await
}

#[tokio::test]
async fn killed_before_its_commit_a_create_is_retried_and_takes_effect_once() {
    let survivor = survivor().await;
    let admin = survivor.admin_token().await;
    let victim = KillableServer::start(survivor.database().url()).await;
    let db = survivor.database().connection().clone();
    let blocker = db.begin().await.expect("a transaction");
    blocker
        .execute_unprepared("LOCK TABLE companies IN EXCLUSIVE MODE")
        .await
        .expect("the lock");
    let in_flight = tokio::spawn({
        let admin = admin.clone();
        let addr = victim.addr;
        async move { create(addr, &admin, "kill-1", "Yarıda Kalan OSGB").await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;

    victim.kill();
    assert!(
        in_flight.await.expect("the client task").is_err(),
        "no answer from a killed server"
    );
    blocker.rollback().await.expect("release the lock");
    // The dead server's transaction ends when its session notices the closed connection (after
    // it got the lock); until then the key is in use (`409`), and a client retries, as this does.
    let mut retried = None;
    for _ in 0..50 {
        let reply = create(
            survivor_addr(&survivor),
            &admin,
            "kill-1",
            "Yarıda Kalan OSGB",
        )
        .await
        .expect("the survivor answers");
        if reply.status() != StatusCode::CONFLICT {
            retried = Some(reply);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let retried = retried.expect("the key was released");
    assert_eq!(retried.status(), StatusCode::CREATED);
    assert!(
        retried.headers().get("idempotent-replayed").is_none(),
        "run, not replayed"
    );
    let created = survivor
        .count("SELECT count(*) FROM companies WHERE name = 'Yarıda Kalan OSGB'")
        .await;
    assert_eq!(created, 1);
}

#[tokio::test]
async fn killed_after_its_commit_a_create_is_replayed_on_retry_not_repeated() {
    let survivor = survivor().await;
    let admin = survivor.admin_token().await;
    let victim = KillableServer::start(survivor.database().url()).await;
    let first = create(victim.addr, &admin, "kill-2", "Tamamlanan OSGB")
        .await
        .expect("the first answer");
    assert_eq!(first.status(), StatusCode::CREATED);
    let first_id = first.json::<serde_json::Value>().await.expect("a body")["id"].clone();
    // The answer may as well have been lost: the client cannot tell, and retries elsewhere.
    victim.kill();

    let retried = create(
        survivor_addr(&survivor),
        &admin,
        "kill-2",
        "Tamamlanan OSGB",
    )
    .await
    .expect("the survivor answers");
    assert_eq!(retried.status(), StatusCode::CREATED);
    assert_eq!(
        retried
            .headers()
            .get("idempotent-replayed")
            .map(|value| value.as_bytes()),
        Some(&b"true"[..])
    );
    assert_eq!(
        retried.json::<serde_json::Value>().await.expect("a body")["id"],
        first_id
    );
    let created = survivor
        .count("SELECT count(*) FROM companies WHERE name = 'Tamamlanan OSGB'")
        .await;
    assert_eq!(created, 1);
}

/// The address of a [`TestServer`].
fn survivor_addr(server: &TestServer) -> SocketAddr {
    server
        .url("")
        .trim_start_matches("http://")
        .parse()
        .expect("a socket address")
}
