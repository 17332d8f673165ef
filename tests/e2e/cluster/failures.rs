//! The fleet while parts of it fail or restart: an API server killed under load, the replica
//! lagging and stopped, a rolling restart of both servers.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;
use tokio::task::JoinSet;

use super::{Fleet, eventually, unique};
use crate::fixtures::{PASSWORD, create_admin};
use crate::support::Api;

/// What a load of writes through the balancer saw: the companies acknowledged (`201`), and
/// every other answer.
#[derive(Debug, Default)]
struct Load {
    acknowledged: Vec<String>,
    failed: Vec<String>,
}

/// Creates companies through `api` from `writers` tasks until `stop` is set, and reads `/me`
/// between writes.
async fn load(api: &Api, admin: &str, writers: usize, stop: Arc<AtomicBool>) -> Load {
    let mut tasks = JoinSet::new();
    for writer in 0..writers {
        let (api, admin, stop) = (api.clone(), admin.to_owned(), Arc::clone(&stop));
        tasks.spawn(async move {
            let mut seen = Load::default();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let name = format!("Yuk {writer}-{n} {}", unique());
                let created = api
                    .try_call(
                        Method::POST,
                        "/api/v1/companies",
                        Some(&admin),
                        Some(json!({ "name": name })),
                    )
                    .await;
                match created {
                    Ok(reply) if reply.status == StatusCode::CREATED => seen
                        .acknowledged
                        .push(reply.body["id"].as_str().expect("an id").to_owned()),
                    Ok(reply) => seen
                        .failed
                        .push(format!("{}: {}", reply.status, reply.body)),
                    Err(error) => seen.failed.push(error),
                }
                match api
                    .try_call(Method::GET, "/api/v1/me", Some(&admin), None)
                    .await
                {
                    Ok(reply) if reply.status == StatusCode::OK => {}
                    Ok(reply) => seen
                        .failed
                        .push(format!("{}: {}", reply.status, reply.body)),
                    Err(error) => seen.failed.push(error),
                }
            }
            seen
        });
    }
    let mut all = Load::default();
    while let Some(seen) = tasks.join_next().await {
        let seen = seen.expect("a load task");
        all.acknowledged.extend(seen.acknowledged);
        all.failed.extend(seen.failed);
    }
    all
}

/// Runs `during` while a load of `writers` tasks writes through the balancer; what it saw.
async fn under_load(fleet: &Fleet, writers: usize, during: impl AsyncFnOnce()) -> Load {
    let admin = fleet.balancer.admin_token().await;
    let stop = Arc::new(AtomicBool::new(false));
    let running = {
        let (api, stop) = (fleet.balancer.clone(), Arc::clone(&stop));
        tokio::spawn(async move { load(&api, &admin, writers, stop).await })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    during().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    running.await.expect("the load")
}

/// How many of `ids` the primary holds.
async fn stored(fleet: &Fleet, ids: &[String]) -> i64 {
    let list = ids
        .iter()
        .map(|id| format!("'{id}'"))
        .collect::<Vec<_>>()
        .join(",");
    fleet
        .count(&format!(
            "SELECT count(*) FROM companies WHERE id IN ({list})"
        ))
        .await
}

#[tokio::test]
#[ignore = "needs the local cluster: make cluster-test"]
async fn a_server_killed_under_load_loses_no_acknowledged_write() {
    let fleet = Fleet::running().await;
    let seen = under_load(&fleet, 8, async || {
        fleet.control(&["kill-api", "2"]).await;
        // The balancer notices within two failed checks; the load goes on meanwhile.
        tokio::time::sleep(Duration::from_secs(2)).await;
    })
    .await;
    fleet.control(&["start-api", "2"]).await;
    assert!(seen.acknowledged.len() > 20, "{seen:?}");
    assert_eq!(
        stored(&fleet, &seen.acknowledged).await,
        i64::try_from(seen.acknowledged.len()).unwrap(),
        "every acknowledged company is stored"
    );
    // Only requests the killed server held when it died may fail: at most one per writer.
    assert!(seen.failed.len() <= 8, "{:?}", seen.failed);
}

#[tokio::test]
#[ignore = "needs the local cluster: make cluster-test"]
async fn a_rolling_restart_of_both_servers_fails_no_request() {
    let fleet = Fleet::running().await;
    let seen = under_load(&fleet, 4, async || {
        fleet.control(&["restart-api", "1"]).await;
        fleet.control(&["restart-api", "2"]).await;
    })
    .await;
    assert!(seen.failed.is_empty(), "{:?}", seen.failed);
    assert!(seen.acknowledged.len() > 20, "{seen:?}");
    assert_eq!(
        stored(&fleet, &seen.acknowledged).await,
        i64::try_from(seen.acknowledged.len()).unwrap()
    );
}

#[tokio::test]
#[ignore = "needs the local cluster: make cluster-test"]
async fn reads_stay_correct_while_the_replica_lags_or_is_stopped() {
    let fleet = Fleet::running().await;
    let lb = &fleet.balancer;
    let admin = lb.admin_token().await;
    // A second admin who writes nothing: what the replica serves is theirs to read.
    let reader_email = format!("okur-{}@example.com", unique());
    create_admin(lb, &admin, &reader_email).await;
    let reader = lb.login(&reader_email, PASSWORD).await;
    let tag = unique();
    let search = format!("/api/v1/companies/search?q=Gecikme%20{tag}");
    let found = async |token: &str| {
        let reply = lb.call(Method::GET, &search, Some(token), None).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        reply.body["items"].as_array().map_or(0, Vec::len)
    };

    fleet
        .control(&["replica-sql", "SELECT pg_wal_replay_pause()"])
        .await;
    fleet.company(&admin, &format!("Gecikme {tag}")).await;
    // The writer reads their write at once (the primary answers them)...
    assert_eq!(found(&admin).await, 1);
    // ...and once the replica lags past the bound (1 s), so does every other reader.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(found(&reader).await, 1);

    fleet.control(&["stop-replica"]).await;
    for _ in 0..4 {
        assert_eq!(found(&reader).await, 1, "answered without the replica");
    }
    fleet.control(&["start-replica"]).await;
    fleet
        .control(&["replica-sql", "SELECT pg_wal_replay_resume()"])
        .await;
    // Back and caught up, the replica serves the reader again, with the right answer.
    let before = fleet.replica_reads().await;
    eventually(
        Duration::from_secs(10),
        "reads go to the replica again",
        async || {
            assert_eq!(found(&reader).await, 1);
            fleet.replica_reads().await > before
        },
    )
    .await;
}
