//! The migrated template database: built once per schema version and server, then copied by
//! `CREATE DATABASE ... TEMPLATE`, which takes milliseconds where migrating takes a second.
//!
//! Test processes run in parallel (nextest runs one per test), so building is serialised with a
//! PostgreSQL advisory lock, and a template only gets its final name once it is complete.

use prosektor_migration::{
    BackfillSettings, Migrator, MigratorTrait, Rollout, SCHEMA_FINGERPRINT, roll_out,
};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};

use crate::error::TestkitError;
use crate::server::{PostgresServer, connect};

/// Advisory lock key under which templates are built (any constant unlikely to clash).
const TEMPLATE_LOCK_KEY: i64 = 0x7072_6f73_656b_746f;

/// Which state of the schema history test databases hold (see [`SCHEMA_ENV`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SchemaState {
    /// Every migration applied.
    Final,
    /// Every expand migration applied, every contract migration pending: the schema a release
    /// meets while servers of the previous release still run.
    Expanded,
}

/// The environment variable choosing the schema state of [`TestDatabase::migrated`]
/// (`final`, the default, or `expanded`), so that a whole suite can run against either.
///
/// [`TestDatabase::migrated`]: crate::TestDatabase::migrated
pub const SCHEMA_ENV: &str = "PROSEKTOR_TEST_SCHEMA";

impl SchemaState {
    /// The state [`SCHEMA_ENV`] asks for.
    ///
    /// # Errors
    /// [`TestkitError::Setting`] for a value other than `final` or `expanded`.
    pub(crate) fn requested() -> Result<Self, TestkitError> {
        match std::env::var(SCHEMA_ENV).as_deref() {
            Err(_) | Ok("" | "final") => Ok(Self::Final),
            Ok("expanded") => Ok(Self::Expanded),
            Ok(other) => Err(TestkitError::Setting(format!(
                "{SCHEMA_ENV}={other}: expected `final` or `expanded`"
            ))),
        }
    }

    const fn suffix(self) -> &'static str {
        match self {
            Self::Final => "",
            Self::Expanded => "_expanded",
        }
    }
}

/// Returns the name of the template for this schema version and `state`, building it first if
/// needed.
pub(crate) async fn ensure_template(
    admin: &DatabaseConnection,
    server: &PostgresServer,
    state: SchemaState,
) -> Result<String, TestkitError> {
    let name = format!("prosektor_template_{SCHEMA_FINGERPRINT}{}", state.suffix());
    admin
        .execute_unprepared(&format!("SELECT pg_advisory_lock({TEMPLATE_LOCK_KEY})"))
        .await?;
    let built = build_if_missing(admin, server, &name, state).await;
    admin
        .execute_unprepared(&format!("SELECT pg_advisory_unlock({TEMPLATE_LOCK_KEY})"))
        .await?;
    built.map(|()| name)
}

async fn build_if_missing(
    admin: &DatabaseConnection,
    server: &PostgresServer,
    name: &str,
    state: SchemaState,
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
    match state {
        SchemaState::Final => Migrator::up(&connection, None).await?,
        SchemaState::Expanded => {
            roll_out(
                &connection,
                Rollout::Expand,
                BackfillSettings::default(),
                &mut |_| {},
            )
            .await
            .map_err(|error| TestkitError::Setting(error.to_string()))?;
        }
    }
    connection.close().await?;
    admin
        .execute_unprepared(&format!(
            "ALTER DATABASE \"{building}\" RENAME TO \"{name}\""
        ))
        .await?;
    Ok(())
}
