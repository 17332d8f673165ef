//! Outages, caused for real: a database stopped, restarted in a quiet spell, frozen, made
//! read-only and writable again (on a cluster of the test's own), statements blocked on a lock,
//! a shutdown while work is still running, and a server killed mid-request.
//! During an outage every request answers `503 unavailable` with `Retry-After` within its time
//! bound; afterwards none fails.

mod database;
mod kill;
mod shutdown;
mod timeouts;

use std::time::{Duration, Instant};

use prosektor_testkit::{ControlledCluster, PostgresServer};
use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::assert_problem;
use crate::support::{Reply, TestServer};

/// A server on a fresh database of a cluster the test controls; the cluster must outlive it.
async fn server_on(
    cluster: &ControlledCluster,
    configure: impl FnOnce(&mut prosektor_server::Config),
) -> TestServer {
    let database = PostgresServer::at(&cluster.url("postgres"))
        .expect("the cluster's URL")
        .migrated_database()
        .await
        .expect("a database on the cluster");
    TestServer::start_on(database, configure).await
}

/// The requests tried during and after an outage: an authenticated read, a listing and a write.
fn probes(round: usize) -> [(Method, &'static str, Option<Value>); 3] {
    [
        (Method::GET, "/api/v1/me", None),
        (Method::GET, "/api/v1/companies", None),
        (
            Method::POST,
            "/api/v1/companies",
            Some(json!({"name": format!("Outage Probe {round} OSGB")})),
        ),
    ]
}

/// Sends every probe as `admin` and returns the replies with how long each took.
async fn send_probes(server: &TestServer, admin: &str, round: usize) -> Vec<(Reply, Duration)> {
    let mut replies = Vec::new();
    for (method, path, body) in probes(round) {
        let started = Instant::now();
        let reply = server.call(method, path, Some(admin), body).await;
        replies.push((reply, started.elapsed()));
    }
    replies
}

/// Asserts a `503 unavailable` with `Retry-After` that came within `bound`.
fn assert_unavailable_within(reply: &Reply, took: Duration, bound: Duration) {
    assert_problem(reply, 503, "unavailable");
    assert_eq!(reply.retry_after.as_deref(), Some("2"), "{:?}", reply.body);
    assert!(took <= bound, "answered after {took:?}, past {bound:?}");
}

/// Asserts that every probe succeeded.
fn assert_all_succeeded(replies: &[(Reply, Duration)]) {
    for (reply, _) in replies {
        assert!(
            reply.status.is_success(),
            "{} {:?}",
            reply.status,
            reply.body
        );
    }
}
