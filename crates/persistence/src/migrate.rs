//! Applying the migration history at start-up, safely when several servers start at once.

use std::time::Duration;

use prosektor_migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DbErr};

use crate::pool::{PoolSettings, connect};

/// Advisory lock key held while migrating ("prosektor" in ASCII, truncated).
const MIGRATION_LOCK_KEY: i64 = 0x7072_6f73_656b_7472;

/// Applies every pending migration to the database at `url`, holding a PostgreSQL advisory lock so
/// that servers starting together migrate one after another instead of racing.
///
/// # Errors
/// The driver's error when the database is unreachable or a migration fails (that migration's
/// transaction is rolled back; earlier ones stay applied).
pub async fn migrate(url: &str) -> Result<(), DbErr> {
    // One connection, so that the lock, the migrations and the unlock share a session; no
    // statement timeout (a backfill, or waiting for another server's migrations, may take long).
    let settings = PoolSettings {
        max_connections: 1,
        acquire_timeout: Duration::from_secs(10),
        statement_timeout: None,
        lazy: false,
        application_name: None,
    };
    let db = connect(url, &settings).await?;
    db.execute_unprepared(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))
        .await?;
    let migrated = Migrator::up(&db, None).await;
    let unlocked = db
        .execute_unprepared(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))
        .await;
    db.close().await?;
    migrated.and(unlocked.map(drop))
}

/// The name of the newest migration this build knows (the schema version it is built for).
pub fn latest_migration() -> String {
    Migrator::migrations()
        .last()
        .map(|migration| migration.name().to_owned())
        .unwrap_or_default()
}
