//! The rollout rules of `roll_out`: start-up expands, contracts wait for `Rollout::Contract` and
//! for every live instance to know them, and a build refuses a schema a newer release contracted.

use prosektor_migration::{
    BackfillSettings, Migrator, MigratorTrait, Rollout, RolloutError, roll_out,
};
use prosektor_testkit::TestDatabase;
use sea_orm::DatabaseConnection;

use crate::support::{exec, has_column};

const CONTRACT: &str = "m20261124_000010_contract_company_details";

/// Every contract migration of the history.
const CONTRACTS: [&str; 3] = [
    CONTRACT,
    "m20261201_000023_contract_invoice_buyer_fill",
    "m20261201_000024_contract_invoice_buyer_not_null",
];

async fn pending(db: &DatabaseConnection) -> Vec<String> {
    Migrator::get_pending_migrations(db)
        .await
        .expect("pending migrations")
        .iter()
        .map(|m| m.name().to_owned())
        .collect()
}

/// Registers a live instance whose build knows migrations through `knows_through`.
async fn register(db: &DatabaseConnection, id: &str, knows_through: &str) {
    exec(
        db,
        &format!(
            "INSERT INTO service_instances (id, kind, version, knows_through) \
             VALUES ('{id}', 'server', '0.0.9', '{knows_through}')"
        ),
    )
    .await;
}

#[tokio::test]
async fn expanding_applies_everything_but_the_contracts_and_start_up_on_a_new_database_everything()
{
    let expanded = TestDatabase::empty().await.expect("test database");
    let migrated = roll_out(
        expanded.connection(),
        Rollout::Expand,
        BackfillSettings::default(),
        &mut |_| {},
    )
    .await
    .expect("expand");
    assert_eq!(migrated.contracts_pending, CONTRACTS);
    assert_eq!(
        migrated.applied.len(),
        Migrator::migrations().len() - CONTRACTS.len()
    );
    assert_eq!(pending(expanded.connection()).await, CONTRACTS);
    assert!(has_column(expanded.connection(), "companies", "city").await);
    // Starting again on the expanded database leaves the contract for `migrate --contract`.
    let again = roll_out(
        expanded.connection(),
        Rollout::StartUp,
        BackfillSettings::default(),
        &mut |_| {},
    )
    .await
    .expect("start-up");
    assert!(again.applied.is_empty());
    assert_eq!(again.contracts_pending, CONTRACTS);

    let new = TestDatabase::empty().await.expect("test database");
    let migrated = roll_out(
        new.connection(),
        Rollout::StartUp,
        BackfillSettings::default(),
        &mut |_| {},
    )
    .await
    .expect("start-up");
    assert!(migrated.contracts_pending.is_empty());
    assert!(pending(new.connection()).await.is_empty());
}

#[tokio::test]
async fn a_contract_waits_until_no_live_instance_of_an_older_build_remains() {
    let database = TestDatabase::empty().await.expect("test database");
    let db = database.connection();
    roll_out(
        db,
        Rollout::Expand,
        BackfillSettings::default(),
        &mut |_| {},
    )
    .await
    .expect("expand");
    register(db, "old-server", "m20261124_000009_expand_company_details").await;
    register(
        db,
        "new-server",
        Migrator::migrations().last().unwrap().name(),
    )
    .await;

    match roll_out(
        db,
        Rollout::Contract,
        BackfillSettings::default(),
        &mut |_| {},
    )
    .await
    {
        Err(RolloutError::StillNeeded {
            contract,
            instances,
        }) => {
            assert_eq!(contract, CONTRACT);
            assert_eq!(instances, "old-server server 0.0.9");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(pending(db).await, CONTRACTS);

    // The old server crashed: once its heartbeat expires it no longer counts.
    exec(
        db,
        "UPDATE service_instances SET heartbeat_at = now() - interval '31 seconds' WHERE id = 'old-server'",
    )
    .await;
    let migrated = roll_out(
        db,
        Rollout::Contract,
        BackfillSettings::default(),
        &mut |_| {},
    )
    .await
    .expect("contract");
    assert_eq!(migrated.applied, CONTRACTS);
    assert!(!has_column(db, "companies", "city").await);
}

#[tokio::test]
async fn a_build_refuses_a_schema_a_newer_release_contracted_but_runs_beside_its_expansions() {
    let database = TestDatabase::empty().await.expect("test database");
    let db = database.connection();
    roll_out(
        db,
        Rollout::StartUp,
        BackfillSettings::default(),
        &mut |_| {},
    )
    .await
    .expect("start-up");
    let newer = "INSERT INTO seaql_migrations (version, applied_at) VALUES";
    exec(
        db,
        &format!("{newer} ('m20991231_000001_add_future_column', 0)"),
    )
    .await;
    let migrated = roll_out(
        db,
        Rollout::StartUp,
        BackfillSettings::default(),
        &mut |_| {},
    )
    .await
    .expect("a newer expansion is compatible");
    assert!(migrated.applied.is_empty());

    exec(
        db,
        &format!("{newer} ('m20991231_000002_contract_future_column', 0)"),
    )
    .await;
    match roll_out(
        db,
        Rollout::StartUp,
        BackfillSettings::default(),
        &mut |_| {},
    )
    .await
    {
        Err(RolloutError::Incompatible { contract, known }) => {
            assert_eq!(contract, "m20991231_000002_contract_future_column");
            assert_eq!(known, Migrator::migrations().last().unwrap().name());
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}
