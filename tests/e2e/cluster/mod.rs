//! The fleet of `scripts/cluster.sh` (two API servers behind HAProxy, two worker processes,
//! PgBouncer in transaction mode, a primary and its streaming replica), driven from outside as
//! its users and operators would. Opt-in: these tests are ignored unless `make cluster-test`
//! runs them, one at a time (they stop and start parts of the one fleet), after bringing the
//! fleet up; it tears it down after.

mod failures;
mod scenario;

use std::time::Duration;

use prosektor_persistence::PoolSettings;
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde_json::json;

use crate::support::Api;

/// The running fleet: the balancer, each API server on its own (and its metrics), the primary
/// for assertions.
struct Fleet {
    balancer: Api,
    servers: [Api; 2],
    metrics: Vec<String>,
    primary: DatabaseConnection,
}

impl Fleet {
    /// The fleet `scripts/cluster.sh env` describes, made whole first (`heal`) whatever an
    /// earlier test that failed half-way left stopped.
    async fn running() -> Self {
        script(&["heal"]).await;
        let described = script(&["env"]).await;
        let value = |name: &str| {
            described
                .lines()
                .find_map(|line| line.strip_prefix(&format!("{name}=")))
                .unwrap_or_else(|| panic!("`cluster.sh env` names no {name}"))
                .to_owned()
        };
        let servers = value("PROSEKTOR_CLUSTER_API_URLS");
        let (first, second) = servers.split_once(',').expect("two API servers");
        let primary = prosektor_persistence::connect(
            &value("PROSEKTOR_CLUSTER_PRIMARY_URL"),
            &PoolSettings {
                max_connections: 2,
                ..PoolSettings::default()
            },
        )
        .await
        .expect("the primary answers: is the cluster up (make cluster-test)?");
        Self {
            balancer: Api::at(&value("PROSEKTOR_CLUSTER_URL")),
            servers: [Api::at(first), Api::at(second)],
            metrics: value("PROSEKTOR_CLUSTER_METRICS_URLS")
                .split(',')
                .map(str::to_owned)
                .collect(),
            primary,
        }
    }

    /// The reads both servers sent to the replica so far (`db_stale_reads_total`).
    async fn replica_reads(&self) -> u64 {
        let mut total = 0;
        for url in &self.metrics {
            let exposition = reqwest::get(url)
                .await
                .expect("the metrics listener answers")
                .text()
                .await
                .expect("the exposition");
            total += exposition
                .lines()
                .filter(|line| {
                    line.starts_with("db_stale_reads_total{")
                        && line.contains("served_by=\"replica\"")
                })
                .filter_map(|line| line.rsplit(' ').next()?.parse::<u64>().ok())
                .sum::<u64>();
        }
        total
    }

    /// Runs `scripts/cluster.sh args` (stop a server, pause the replica...).
    async fn control(&self, args: &[&str]) -> String {
        script(args).await
    }

    /// The first column of the one row `sql` returns on the primary.
    async fn count(&self, sql: &str) -> i64 {
        self.primary
            .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
            .await
            .expect("the primary answers")
            .expect("a row")
            .try_get_by_index(0)
            .expect("a count")
    }

    /// A fresh company created through the balancer as `admin`; its id.
    async fn company(&self, admin: &str, name: &str) -> String {
        self.create(admin, "/api/v1/companies", json!({ "name": name }))
            .await
    }

    /// What `POST path` with `body` created through the balancer as `admin`; its id.
    async fn create(&self, admin: &str, path: &str, body: serde_json::Value) -> String {
        let reply = self
            .balancer
            .call(Method::POST, path, Some(admin), Some(body))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::CREATED,
            "{path}: {:?}",
            reply.body
        );
        reply.body["id"].as_str().expect("an id").to_owned()
    }
}

/// The output of `scripts/cluster.sh args`, which must succeed.
async fn script(args: &[&str]) -> String {
    let output = tokio::process::Command::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scripts/cluster.sh"
    ))
    .args(args)
    .output()
    .await
    .expect("scripts/cluster.sh runs");
    assert!(
        output.status.success(),
        "cluster.sh {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A unique suffix for names, so that reruns on one fleet do not collide.
fn unique() -> String {
    uuid::Uuid::now_v7().simple().to_string()[20..].to_owned()
}

/// Waits until `check` holds, for at most `bound`.
async fn eventually(bound: Duration, what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + bound;
    while !check().await {
        assert!(tokio::time::Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
