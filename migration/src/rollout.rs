//! Applying the history as a rolling upgrade: expand migrations whenever a server or worker
//! starts, contract migrations only on request and only once no live instance of an older build
//! needs what they remove (the `service_instances` registry of migration 20). The persistence
//! adapter's `migrate` runs it under an advisory lock; test kits run it to build a database at the
//! expanded state.

use std::collections::HashSet;
use std::time::Duration;

use sea_orm_migration::sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement, TransactionTrait,
};
use sea_orm_migration::{MigrationTrait, MigratorTrait, SchemaManager};

use crate::backfill::{BackfillObserver, BackfillSettings, run_backfills};
use crate::{Migrator, Phase};

/// How long after its last heartbeat a registered instance stops counting as live (it crashed).
pub const INSTANCE_EXPIRES_AFTER: Duration = Duration::from_secs(30);

/// Which pending migrations a run applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rollout {
    /// What a starting server or worker applies: the pending expand migrations, or the whole
    /// history on a new database (no migration applied: nothing can be running against it).
    StartUp,
    /// The pending expand migrations only, even on a new database (tests of the expanded schema).
    Expand,
    /// Every pending migration, contracts included (`migrate --contract`); refused while a live
    /// instance's build does not know a pending contract migration.
    Contract,
}

/// What a run did, and what it left for `migrate --contract`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Migrated {
    /// The migrations it applied, in order.
    pub applied: Vec<String>,
    /// The contract migrations still pending.
    pub contracts_pending: Vec<String>,
}

/// Why a run did not bring the schema where it was asked to.
#[derive(Debug, thiserror::Error)]
pub enum RolloutError {
    /// The database failed, or a migration did (its transaction rolled back; earlier ones stay).
    #[error(transparent)]
    Database(#[from] DbErr),
    /// A contract migration would remove what live instances still use.
    #[error(
        "{contract} is not applied: live instances of older builds still need the schema it \
         removes ({instances}); stop or upgrade them, then run `migrate --contract` again"
    )]
    StillNeeded {
        /// The contract migration refused.
        contract: String,
        /// The instances that need the schema as it is (`id` kind version).
        instances: String,
    },
    /// The database was contracted by a release newer than this build.
    #[error(
        "the database was contracted by a newer release ({contract}), which removed what this \
         build (schema through {known}) reads and writes: run the newer release instead"
    )]
    Incompatible {
        /// The applied contract migration this build does not know.
        contract: String,
        /// The newest migration this build knows.
        known: String,
    },
}

/// Applies what `rollout` asks of the database behind `db`, one migration per transaction (as
/// sea-orm-migration does, recording each in `seaql_migrations`), then runs the backfills of the
/// applied migrations to completion (`crate::backfill`, paced by `backfills`, reported to
/// `observer`); a contract migration applies only once the backfills it relies on are complete.
/// The caller makes sure that no other process migrates at the same time.
///
/// # Errors
/// [`RolloutError::Incompatible`] before anything is applied when a newer release contracted the
/// schema; [`RolloutError::StillNeeded`] at the first contract migration live instances still
/// need (the migrations before it stay applied); the driver's error otherwise.
///
/// Last, it makes the log partitions of the days ahead ready (`ensure_log_partitions`).
pub async fn roll_out(
    db: &DatabaseConnection,
    rollout: Rollout,
    backfills: BackfillSettings,
    observer: &mut BackfillObserver<'_>,
) -> Result<Migrated, RolloutError> {
    Migrator::install(db).await?;
    let mut applied = applied_migrations(db).await?;
    let known = Migrator::migrations();
    refuse_unknown_contracts(&applied, &known)?;
    let contract = match rollout {
        Rollout::StartUp => applied.is_empty(),
        Rollout::Expand => false,
        Rollout::Contract => true,
    };
    let mut migrated = Migrated::default();
    for migration in &known {
        let name = migration.name();
        if applied.contains(name) {
            continue;
        }
        if Phase::of(name) == Phase::Contract {
            if !contract {
                migrated.contracts_pending.push(name.to_owned());
                continue;
            }
            let instances = older_live_instances(db, name).await?;
            if !instances.is_empty() {
                return Err(RolloutError::StillNeeded {
                    contract: name.to_owned(),
                    instances: instances.join(", "),
                });
            }
            // What the contract relies on is complete before it applies.
            run_backfills(db, &|m| applied.contains(m), backfills, observer).await?;
        }
        apply(db, migration.as_ref()).await?;
        applied.insert(name.to_owned());
        migrated.applied.push(name.to_owned());
    }
    run_backfills(db, &|m| applied.contains(m), backfills, observer).await?;
    // Every process starts through here: today's log partitions (and the week's) are ready.
    crate::log_partitions::ensure_log_partitions(db).await?;
    Ok(migrated)
}

/// The names of the migrations applied to the database, this build's or not.
async fn applied_migrations(db: &impl ConnectionTrait) -> Result<HashSet<String>, DbErr> {
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT version FROM seaql_migrations",
        ))
        .await?;
    rows.iter()
        .map(|row| row.try_get_by_index::<String>(0))
        .collect()
}

/// Fails when a contract migration this build does not know was applied: a newer release
/// removed what this build uses. Unknown expand migrations only add, so this build runs beside
/// them (an older server restarting in the middle of a rolling upgrade).
fn refuse_unknown_contracts(
    applied: &HashSet<String>,
    known: &[Box<dyn MigrationTrait>],
) -> Result<(), RolloutError> {
    let known_names: HashSet<&str> = known.iter().map(|m| m.name()).collect();
    let mut unknown_contracts: Vec<&String> = applied
        .iter()
        .filter(|name| !known_names.contains(name.as_str()) && Phase::of(name) == Phase::Contract)
        .collect();
    unknown_contracts.sort();
    match unknown_contracts.first() {
        Some(contract) => Err(RolloutError::Incompatible {
            contract: (*contract).clone(),
            known: latest_migration(),
        }),
        None => Ok(()),
    }
}

/// Applies `migration` and records it, in one transaction unless the migration runs outside one
/// (`CREATE INDEX CONCURRENTLY`).
async fn apply(db: &DatabaseConnection, migration: &dyn MigrationTrait) -> Result<(), DbErr> {
    if migration.use_transaction() == Some(false) {
        migration.up(&SchemaManager::new(db)).await?;
        return record(db, migration.name()).await;
    }
    let transaction = db.begin().await?;
    migration.up(&SchemaManager::new(&transaction)).await?;
    record(&transaction, migration.name()).await?;
    transaction.commit().await
}

/// Records `name` as applied, as sea-orm-migration does (its CLI reads the same table).
async fn record(db: &impl ConnectionTrait, name: &str) -> Result<(), DbErr> {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO seaql_migrations (version, applied_at) \
         VALUES ($1, extract(epoch FROM now())::bigint)",
        [name.into()],
    ))
    .await
    .map(drop)
}

/// The name of the newest migration this build knows (the schema version it is built for).
#[must_use]
pub fn latest_migration() -> String {
    Migrator::migrations()
        .last()
        .map(|migration| migration.name().to_owned())
        .unwrap_or_default()
}

/// The live instances whose build does not know migration `name` (`id kind version` each):
/// names sort in the order of the history, so a build knows `name` when its newest migration
/// sorts at or after it. None before the registry exists.
async fn older_live_instances(db: &impl ConnectionTrait, name: &str) -> Result<Vec<String>, DbErr> {
    let registry = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT to_regclass('service_instances') IS NOT NULL",
        ))
        .await?
        .map(|row| row.try_get_by_index::<bool>(0))
        .transpose()?;
    if registry != Some(true) {
        return Ok(vec![]);
    }
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT id || ' ' || kind || ' ' || version FROM service_instances \
                 WHERE knows_through < $1 \
                   AND heartbeat_at > now() - interval '{} seconds' \
                 ORDER BY started_at",
                INSTANCE_EXPIRES_AFTER.as_secs()
            ),
            [name.into()],
        ))
        .await?;
    rows.iter().map(|row| row.try_get_by_index(0)).collect()
}
