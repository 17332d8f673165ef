//! The database stopped, restarted, frozen, and read-only, under a running server.

use std::time::{Duration, Instant};

use futures::future::join_all;
use prosektor_testkit::ControlledCluster;
use reqwest::Method;
use sea_orm::{ConnectionTrait, Database, TransactionTrait};

use super::{assert_all_succeeded, assert_unavailable_within, send_probes, server_on};
use crate::fixtures::{assert_problem, start_run};
use crate::tenants::demo_tenant;

/// How long a request may wait for a connection (the pool's acquire timeout), with slack.
const ACQUIRE_BOUND: Duration = Duration::from_secs(3);

#[tokio::test]
async fn a_stopped_database_answers_503_within_bounds_and_nothing_fails_once_it_is_back() {
    let cluster = ControlledCluster::start().await.expect("a cluster");
    let server = server_on(&cluster, |_| {}).await;
    let admin = server.admin_token().await;

    cluster.stop().await.expect("stop");
    for round in 0..2 {
        for (reply, took) in send_probes(&server, &admin, round).await {
            assert_unavailable_within(&reply, took, ACQUIRE_BOUND);
        }
    }
    cluster.start_again().await.expect("start");
    for round in 2..10 {
        assert_all_succeeded(&send_probes(&server, &admin, round).await);
    }
}

#[tokio::test]
async fn after_a_restart_in_a_quiet_spell_no_request_fails() {
    let cluster = ControlledCluster::start().await.expect("a cluster");
    let server = server_on(&cluster, |_| {}).await;
    let admin = server.admin_token().await;
    // Sixteen requests at once leave the pool holding many connections.
    let warm = join_all(
        (0..16).map(|_| server.call(Method::GET, "/api/v1/companies", Some(&admin), None)),
    )
    .await;
    assert!(warm.iter().all(|reply| reply.status.is_success()));

    // A quiet spell, then the restart breaks every pooled connection.
    tokio::time::sleep(Duration::from_secs(1)).await;
    cluster.restart().await.expect("restart");
    for _ in 0..3 {
        let replies =
            join_all((0..8).map(|_| server.call(Method::GET, "/api/v1/me", Some(&admin), None)))
                .await;
        for reply in replies {
            assert!(
                reply.status.is_success(),
                "{} {:?}",
                reply.status,
                reply.body
            );
        }
    }
}

#[tokio::test]
async fn a_frozen_database_answers_503_within_the_request_bound_and_nothing_fails_once_thawed() {
    let cluster = ControlledCluster::start().await.expect("a cluster");
    let server = server_on(&cluster, |config| config.request_timeout_ms = 3_000).await;
    let admin = server.admin_token().await;

    cluster.freeze().await.expect("freeze");
    for (reply, took) in send_probes(&server, &admin, 0).await {
        assert_unavailable_within(&reply, took, Duration::from_secs(4));
    }
    cluster.thaw().await.expect("thaw");
    for round in 1..6 {
        assert_all_succeeded(&send_probes(&server, &admin, round).await);
    }
}

#[tokio::test]
async fn after_a_read_only_spell_writes_succeed_at_once() {
    let cluster = ControlledCluster::start().await.expect("a cluster");
    let server = server_on(&cluster, |_| {}).await;
    let admin = server.admin_token().await;
    let operator = Database::connect(cluster.url("postgres"))
        .await
        .expect("an operator's connection");
    let name = server.database().name().to_owned();

    // Read-only for every new session of the database; its current sessions are ended, so the
    // pool reconnects read-only.
    operator
        .execute_unprepared(&format!(
            "ALTER DATABASE \"{name}\" SET default_transaction_read_only = on; \
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        ))
        .await
        .expect("read-only");
    for round in 0..3 {
        let (write, took) = send_probes(&server, &admin, round)
            .await
            .pop()
            .expect("the write probe");
        assert_unavailable_within(&write, took, ACQUIRE_BOUND);
    }
    let read = server
        .call(Method::GET, "/api/v1/me", Some(&admin), None)
        .await;
    assert!(read.status.is_success(), "reads go on: {:?}", read.body);
    let (write, _) = send_probes(&server, &admin, 3)
        .await
        .pop()
        .expect("the write probe");
    assert_problem(&write, 503, "unavailable");
    // Sessions opened during the spell are read-only too, and stay so after it: reads at once
    // make the pool open some after the last refused write.
    let reads =
        join_all((0..8).map(|_| server.call(Method::GET, "/api/v1/me", Some(&admin), None))).await;
    assert!(reads.iter().all(|reply| reply.status.is_success()));

    operator
        .execute_unprepared(&format!(
            "ALTER DATABASE \"{name}\" RESET default_transaction_read_only"
        ))
        .await
        .expect("writable again");
    for round in 4..10 {
        assert_all_succeeded(&send_probes(&server, &admin, round).await);
    }
}

#[tokio::test]
async fn a_run_caught_by_a_database_outage_is_retried_within_seconds_with_the_reason_in_its_log() {
    let cluster = ControlledCluster::start().await.expect("a cluster");
    let server = server_on(&cluster, |config| config.workers = 1).await;
    let admin = server.admin_token().await;
    let project = demo_tenant(&server, &admin).await.project_id;
    // The worker's first log line waits on this lock, so the outage catches the run mid-way.
    let operator = Database::connect(cluster.url(server.database().name()))
        .await
        .expect("an operator's connection");
    let blocker = operator.begin().await.expect("a transaction");
    blocker
        .execute_unprepared("LOCK TABLE pipeline_run_logs IN EXCLUSIVE MODE")
        .await
        .expect("the lock");
    let run = start_run(&server, &admin, &project).await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    cluster.stop().await.expect("stop");
    drop(blocker);
    tokio::time::sleep(Duration::from_secs(2)).await;
    cluster.start_again().await.expect("start");
    let back = Instant::now();

    let finished = loop {
        let reply = server
            .call(
                Method::GET,
                &format!("/api/v1/runs/{run}"),
                Some(&admin),
                None,
            )
            .await;
        if reply.status.is_success() && reply.body["status"] == "SUCCEEDED" {
            break reply.body;
        }
        assert!(
            back.elapsed() < Duration::from_secs(20),
            "still {:?}",
            reply.body
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(finished["attempt"], 2, "{finished:?}");
    assert!(
        back.elapsed() < Duration::from_secs(12),
        "retried {:?} after the database came back",
        back.elapsed()
    );
    let logs = server
        .call(
            Method::GET,
            &format!("/api/v1/runs/{run}/logs?after_seq=0&limit=100"),
            Some(&admin),
            None,
        )
        .await;
    // The reason is written with the attempt's last batch when storage answers again in time
    // for it, else later as "attempt 1 failed: ... (logged once storage answered again)".
    let said_why = logs.body["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .any(|line| {
            line["level"] == "ERROR"
                && line["message"]
                    .as_str()
                    .is_some_and(|message| message.contains("storage unavailable"))
        });
    assert!(said_why, "{:?}", logs.body);
}
