//! The migrated template database: built once per schema version and server, then copied by
//! `CREATE DATABASE ... TEMPLATE`, which takes milliseconds where migrating takes a second. A
//! prepared template is a copy of it with a suite's fixtures written once (named after them,
//! its version kept as the database's comment).
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
    let name = migrated_template(state);
    locked(admin, build_if_missing(admin, server, &name, state)).await?;
    Ok(name)
}

/// Returns the name of the template of `fixtures` at `version`: a copy of the migrated template
/// (for this schema version and `state`) that `prepare` changed once, given the copy's URL; builds
/// both first if needed. A template of the same fixtures at another version (an earlier build's)
/// is replaced.
pub(crate) async fn ensure_prepared_template(
    admin: &DatabaseConnection,
    server: &PostgresServer,
    state: SchemaState,
    fixtures: &str,
    version: &str,
    prepare: impl AsyncFnOnce(String) -> Result<(), String>,
) -> Result<String, TestkitError> {
    let valid = !fixtures.is_empty()
        && fixtures.len() <= MAX_FIXTURES_LEN
        && fixtures
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit());
    if !valid {
        return Err(TestkitError::Setting(format!(
            "fixtures {fixtures:?}: expected 1 to {MAX_FIXTURES_LEN} lowercase letters or digits"
        )));
    }
    let base = migrated_template(state);
    let name = format!("{base}__{fixtures}");
    locked(admin, async {
        build_if_missing(admin, server, &base, state).await?;
        build_prepared_unless_current(admin, server, &base, &name, version, prepare).await
    })
    .await?;
    Ok(name)
}

/// The longest name of prepared fixtures (PostgreSQL names have at most 63 bytes, and the
/// expanded template's copy while it is built is named
/// `prosektor_template_{16 hex}_expanded__{fixtures}_next`).
const MAX_FIXTURES_LEN: usize = 12;

/// The migrated template's name for this schema version and `state`.
fn migrated_template(state: SchemaState) -> String {
    format!("prosektor_template_{SCHEMA_FINGERPRINT}{}", state.suffix())
}

/// Runs `work` holding the advisory lock under which templates are built.
async fn locked(
    admin: &DatabaseConnection,
    work: impl Future<Output = Result<(), TestkitError>>,
) -> Result<(), TestkitError> {
    admin
        .execute_unprepared(&format!("SELECT pg_advisory_lock({TEMPLATE_LOCK_KEY})"))
        .await?;
    let done = work.await;
    admin
        .execute_unprepared(&format!("SELECT pg_advisory_unlock({TEMPLATE_LOCK_KEY})"))
        .await?;
    done
}

/// Builds template `name` from `base` with `prepare`, unless it exists at `version` (kept as the
/// database's comment).
async fn build_prepared_unless_current(
    admin: &DatabaseConnection,
    server: &PostgresServer,
    base: &str,
    name: &str,
    version: &str,
    prepare: impl AsyncFnOnce(String) -> Result<(), String>,
) -> Result<(), TestkitError> {
    let built = admin
        .query_one_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1",
            [name.into()],
        ))
        .await?;
    if let Some(row) = built {
        if row.try_get_by_index::<Option<String>>(0)?.as_deref() == Some(version) {
            return Ok(());
        }
        // Not FORCE: a suite of another build copying from it right now keeps it.
        admin
            .execute_unprepared(&format!("DROP DATABASE \"{name}\""))
            .await
            .map_err(|error| {
                TestkitError::Setting(format!(
                    "template {name} is of another build and could not be replaced: {error}"
                ))
            })?;
    }
    let building = start_building(admin, name, Some(base)).await?;
    prepare(server.database_url(&building))
        .await
        .map_err(|reason| TestkitError::Setting(format!("preparing template {name}: {reason}")))?;
    admin
        .execute_unprepared(&format!(
            "COMMENT ON DATABASE \"{building}\" IS '{}'",
            version.replace('\'', "''")
        ))
        .await?;
    finish_building(admin, &building, name).await
}

async fn build_if_missing(
    admin: &DatabaseConnection,
    server: &PostgresServer,
    name: &str,
    state: SchemaState,
) -> Result<(), TestkitError> {
    if exists(admin, name).await? {
        return Ok(());
    }
    let building = start_building(admin, name, None).await?;
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
    finish_building(admin, &building, name).await
}

/// Whether database `name` exists.
async fn exists(admin: &DatabaseConnection, name: &str) -> Result<bool, TestkitError> {
    Ok(admin
        .query_one_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT 1 FROM pg_database WHERE datname = $1",
            [name.into()],
        ))
        .await?
        .is_some())
}

/// Creates the database template `name` is built in (empty, or a copy of `from`), dropping what a
/// build that died half-way left; its name.
async fn start_building(
    admin: &DatabaseConnection,
    name: &str,
    from: Option<&str>,
) -> Result<String, TestkitError> {
    let building = format!("{name}_next");
    admin
        .execute_unprepared(&format!(
            "DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"
        ))
        .await?;
    create_database(admin, &building, from).await?;
    Ok(building)
}

/// Creates database `name`, empty or as a copy of `template`.
pub(crate) async fn create_database(
    admin: &DatabaseConnection,
    name: &str,
    template: Option<&str>,
) -> Result<(), TestkitError> {
    let template_clause = template
        .map(|template| format!(" TEMPLATE \"{template}\""))
        .unwrap_or_default();
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\"{template_clause}"))
        .await?;
    Ok(())
}

/// Gives the finished template its name, once no session (a pool closing late) is left in it.
async fn finish_building(
    admin: &DatabaseConnection,
    building: &str,
    name: &str,
) -> Result<(), TestkitError> {
    admin
        .execute_unprepared(&format!(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = '{building}'"
        ))
        .await?;
    admin
        .execute_unprepared(&format!(
            "ALTER DATABASE \"{building}\" RENAME TO \"{name}\""
        ))
        .await?;
    Ok(())
}
