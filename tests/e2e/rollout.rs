//! A rolling upgrade seen from outside: this build starts on the expanded schema (a contract
//! migration pending) and registers itself; `migrate --contract` refuses while an instance of the
//! previous release is registered and alive, succeeds once it stops, and this build keeps serving
//! across the contract without a restart. Stopping deregisters.

use prosektor_persistence::{BackfillSettings, Rollout, RolloutError, migrate};
use prosektor_testkit::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::fixtures::create_company;
use crate::support::TestServer;

/// Creates a company, fills its details (with the `ETag` read) and reads them back.
async fn company_with_details(server: &TestServer, admin: &str, name: &str) {
    let company = create_company(server, admin, name, None).await;
    let path = format!(
        "/api/v1/companies/{}/details",
        company["id"].as_str().unwrap()
    );
    let read = server.call(Method::GET, &path, Some(admin), None).await;
    assert_eq!(read.status, StatusCode::OK, "{:?}", read.body);
    let etag = read.etag.expect("an ETag");
    let changed = server
        .call_with(
            Method::PATCH,
            &path,
            Some(admin),
            Some(json!({"city": "Bursa", "contact_phone": "+905321234567"})),
            &[("If-Match", &etag)],
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    let again = server.call(Method::GET, &path, Some(admin), None).await;
    assert_eq!(again.body["city"], "Bursa");
}

#[tokio::test]
async fn a_contract_waits_for_the_previous_release_and_this_build_serves_on_both_sides_of_it() {
    let database = TestDatabase::empty().await.expect("test database");
    migrate(database.url(), Rollout::Expand, BackfillSettings::default())
        .await
        .expect("the expanded schema");
    let url = database.url().to_owned();
    let server = TestServer::start_on(database, |_| {}).await;
    assert_eq!(
        server
            .count("SELECT count(*) FROM service_instances WHERE kind = 'server' AND heartbeat_at > now() - interval '30 seconds'")
            .await,
        1,
        "the server registered itself"
    );
    assert_eq!(
        server
            .count("SELECT count(*) FROM information_schema.columns WHERE table_name = 'companies' AND column_name = 'city'")
            .await,
        1,
        "start-up left the contract pending"
    );
    let admin = server.admin_token().await;
    company_with_details(&server, &admin, "Genişlemiş OSGB").await;

    // A server of the previous release (it knows the history up to the expand step) still runs.
    server
        .count(
            "WITH registered AS (INSERT INTO service_instances (id, kind, version, knows_through) \
             VALUES ('previous-release', 'server', '0.0.9', 'm20261124_000009_expand_company_details') \
             RETURNING 1) SELECT count(*) FROM registered",
        )
        .await;
    match migrate(&url, Rollout::Contract, BackfillSettings::default()).await {
        Err(RolloutError::StillNeeded { instances, .. }) => {
            assert_eq!(instances, "previous-release server 0.0.9");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }

    // It stops (deregisters); the contract applies while this build keeps serving.
    server
        .count(
            "WITH gone AS (DELETE FROM service_instances WHERE id = 'previous-release' RETURNING 1) \
             SELECT count(*) FROM gone",
        )
        .await;
    let contracted = migrate(&url, Rollout::Contract, BackfillSettings::default())
        .await
        .expect("the contract");
    assert!(
        contracted
            .applied
            .iter()
            .any(|name| name.contains("_contract_"))
    );
    company_with_details(&server, &admin, "Daraltılmış OSGB").await;

    let watcher = server.beside().await;
    server.stop().await.expect("a clean stop");
    assert_eq!(
        watcher
            .count("SELECT count(*) FROM service_instances")
            .await,
        1,
        "stopping deregisters (the server beside it remains)"
    );
}

#[tokio::test]
async fn a_worker_registers_while_it_runs_and_leaves_when_it_stops() {
    let database = TestDatabase::migrated().await.expect("test database");
    let config = prosektor_server::Config::for_database(database.url());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(async move {
        prosektor_server::application::run_workers_until(&config, async {
            let _ = stopped.await;
        })
        .await
        .map_err(|error| format!("{error:#}"))
    });
    let workers = "SELECT count(*) FROM service_instances WHERE kind = 'worker'";
    let count = async || -> i64 {
        sea_orm::ConnectionTrait::query_one_raw(
            database.connection(),
            sea_orm::Statement::from_string(sea_orm::DbBackend::Postgres, workers),
        )
        .await
        .expect("the count")
        .and_then(|row| row.try_get_by_index(0).ok())
        .expect("a count")
    };
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while count().await == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the worker never registered"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let _ = stop.send(());
    worker
        .await
        .expect("the worker ends")
        .expect("a clean stop");
    assert_eq!(count().await, 0, "stopping deregisters");
}

#[tokio::test]
async fn a_server_refuses_a_schema_a_newer_release_contracted() {
    let database = TestDatabase::migrated().await.expect("test database");
    sea_orm::ConnectionTrait::execute_unprepared(
        database.connection(),
        "INSERT INTO seaql_migrations (version, applied_at) \
         VALUES ('m20991231_000001_contract_future_columns', 0)",
    )
    .await
    .expect("a newer release's contract");
    let config = prosektor_server::Config::for_database(database.url());
    let refused = prosektor_server::Application::build(&config)
        .await
        .expect_err("the server refuses to start");
    let message = format!("{refused:#}");
    assert!(
        message
            .contains("contracted by a newer release (m20991231_000001_contract_future_columns)"),
        "{message}"
    );
}
