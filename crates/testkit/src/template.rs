//! The migrated template database: built once per schema version and server, then copied by
//! `CREATE DATABASE ... TEMPLATE`, which takes milliseconds where migrating takes a second.
//!
//! Test processes run in parallel (nextest runs one per test), so building is serialised with a
//! PostgreSQL advisory lock, and a template only gets its final name once it is complete.

use prosektor_migration::{Migrator, MigratorTrait, SCHEMA_FINGERPRINT};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};

use crate::error::TestkitError;
use crate::server::{PostgresServer, connect};

/// Advisory lock key under which templates are built (any constant unlikely to clash).
const TEMPLATE_LOCK_KEY: i64 = 0x7072_6f73_656b_746f;

/// Returns the name of the template for this schema version, building it first if needed.
pub(crate) async fn ensure_template(
    admin: &DatabaseConnection,
    server: &PostgresServer,
) -> Result<String, TestkitError> {
    let name = format!("prosektor_template_{SCHEMA_FINGERPRINT}");
    admin
        .execute_unprepared(&format!("SELECT pg_advisory_lock({TEMPLATE_LOCK_KEY})"))
        .await?;
    let built = build_if_missing(admin, server, &name).await;
    admin
        .execute_unprepared(&format!("SELECT pg_advisory_unlock({TEMPLATE_LOCK_KEY})"))
        .await?;
    built.map(|()| name)
}

async fn build_if_missing(
    admin: &DatabaseConnection,
    server: &PostgresServer,
    name: &str,
) -> Result<(), TestkitError> {
    let exists = admin
        .query_one_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT 1 FROM pg_database WHERE datname = $1",
            [name.into()],
        ))
        .await?
        .is_some();
    if exists {
        return Ok(());
    }
    let building = format!("{name}_building");
    admin
        .execute_unprepared(&format!(
            "DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"
        ))
        .await?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{building}\""))
        .await?;
    let connection = connect(&server.database_url(&building), 1).await?;
    Migrator::up(&connection, None).await?;
    connection.close().await?;
    admin
        .execute_unprepared(&format!(
            "ALTER DATABASE \"{building}\" RENAME TO \"{name}\""
        ))
        .await?;
    Ok(())
}
