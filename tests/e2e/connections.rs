//! A read request takes one connection however many statements it sends (the session check, then
//! its reads, with the check beside the reads turned off: `session_beside.rs` covers that); a
//! write keeps taking one per statement or transaction. Counted by
//! `db_pool_checkouts_total` (connections the pool hands out) plus `db_pool_reuses_total`
//! (connections taken again from the shelf of those just given back, without the pool's check).

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::TestServer;
use crate::tenants::demo_tenant;

/// Connections taken, as a scrape reports them: checkouts and reuses.
async fn connections_taken(server: &TestServer) -> f64 {
    let exposition = server.metrics().await;
    ["db_pool_checkouts_total ", "db_pool_reuses_total "]
        .iter()
        .map(|counter| {
            exposition
                .lines()
                .find_map(|line| line.strip_prefix(counter))
                .expect("the counter")
                .parse::<f64>()
                .expect("a number")
        })
        .sum()
}

/// Connections `request` takes: the counters' move across it, less their move across a scrape alone
/// (a scrape reads the run queue after it reports the counters, so each move includes that read).
/// The server's own background work (its heartbeat, housekeeping) can only add to a move, so the
/// fewest of a few tries is the true one, for each of the two moves.
async fn connections_taken_by(server: &TestServer, request: impl AsyncFn()) -> f64 {
    let mut scrape_alone = f64::MAX;
    let mut with_request = f64::MAX;
    for _ in 0..5 {
        let first = connections_taken(server).await;
        let second = connections_taken(server).await;
        request().await;
        let third = connections_taken(server).await;
        scrape_alone = scrape_alone.min(second - first);
        with_request = with_request.min(third - second);
    }
    with_request - scrape_alone
}

#[tokio::test]
async fn a_read_request_takes_one_connection_whatever_it_reads() {
    let server = TestServer::start_with(|config| {
        config.workers = 0;
        config.remembered_sessions = 0;
    })
    .await;
    let admin = server.admin_token().await;
    let tenant = demo_tenant(&server, &admin).await;
    let reads = [
        // The session check and the profile.
        "/api/v1/me".to_owned(),
        // The session check and the company's figures.
        format!("/api/v1/companies/{}/dashboard", tenant.company_id),
        // The session check and the project's days.
        format!(
            "/api/v1/projects/{}/stats?from=2026-01-01&to=2026-01-31",
            tenant.project_id
        ),
    ];
    for path in reads {
        let taken = connections_taken_by(&server, async || {
            let read = server.call(Method::GET, &path, Some(&admin), None).await;
            assert_eq!(read.status, StatusCode::OK, "{path}: {:?}", read.body);
        })
        .await;
        assert_eq!(taken, 1.0, "{path}");
    }

    // A write outside the scope: its session check, then its transaction.
    let taken = connections_taken_by(&server, async || {
        let created = server
            .call(
                Method::POST,
                "/api/v1/companies",
                Some(&admin),
                Some(json!({"name": "Bağlantı OSGB"})),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED);
    })
    .await;
    assert!(
        taken >= 2.0,
        "a write takes a connection per statement: {taken}"
    );
}
