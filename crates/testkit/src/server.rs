//! [`PostgresServer`]: a PostgreSQL server on which the test kit creates and drops test databases.

use std::sync::{Arc, Weak};

use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use tokio::sync::Mutex;
use url::Url;

use crate::database::TestDatabase;
use crate::error::TestkitError;
use crate::sources::{self, ServerGuard};
use crate::template;

/// Set to `1` to keep every test database (and a throwaway cluster's data directory) for inspection.
pub const KEEP_ENV: &str = "PROSEKTOR_TEST_KEEP_DB";

/// The server shared by every test of this process while at least one of its databases lives.
static SHARED: Mutex<Weak<PostgresServer>> = Mutex::const_new(Weak::new());

/// A PostgreSQL server the test kit may create databases on, with a superuser (or `CREATEDB`) URL.
///
/// Cloned cheaply through [`Arc`]; a server the test kit started itself stops when the last handle
/// (including those held by its [`TestDatabase`]s) is dropped.
#[derive(Debug)]
pub struct PostgresServer {
    admin_url: Url,
    keep_databases: bool,
    _guard: ServerGuard,
}

impl PostgresServer {
    /// A server that is already running, for example one started by your own testcontainers suite.
    ///
    /// # Errors
    /// [`TestkitError::InvalidUrl`] when `url` is not a URL.
    pub fn at(url: &str) -> Result<Arc<Self>, TestkitError> {
        Self::new(url, ServerGuard::External)
    }

    /// The process-wide server: `DATABASE_URL` if set, else a throwaway cluster from the installed
    /// PostgreSQL binaries, else a testcontainers container.
    ///
    /// # Errors
    /// [`TestkitError::NoServer`], naming what each of the three sources answered.
    pub async fn shared() -> Result<Arc<Self>, TestkitError> {
        let mut shared = SHARED.lock().await;
        if let Some(server) = shared.upgrade() {
            return Ok(server);
        }
        let server = Self::discover().await?;
        *shared = Arc::downgrade(&server);
        Ok(server)
    }

    async fn discover() -> Result<Arc<Self>, TestkitError> {
        let env = match std::env::var("DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => return Self::at(&url),
            _ => "not set".to_owned(),
        };
        let cluster = match sources::start_local_cluster(keep_requested()).await {
            Ok((url, guard)) => return Self::new(&url, guard),
            Err(reason) => reason,
        };
        let container = match sources::start_container().await {
            Ok((url, guard)) => return Self::new(&url, guard),
            Err(reason) => reason,
        };
        Err(TestkitError::NoServer {
            env,
            cluster,
            container,
        })
    }

    fn new(url: &str, guard: ServerGuard) -> Result<Arc<Self>, TestkitError> {
        let admin_url =
            Url::parse(url).map_err(|error| TestkitError::InvalidUrl(error.to_string()))?;
        Ok(Arc::new(Self {
            admin_url,
            keep_databases: keep_requested(),
            _guard: guard,
        }))
    }

    /// A new database holding the migrated schema (the whole history, or the expanded state when
    /// [`SCHEMA_ENV`](crate::SCHEMA_ENV) asks for it), copied from a template built once per
    /// schema version (see [`prosektor_migration::SCHEMA_FINGERPRINT`]) and state.
    ///
    /// # Errors
    /// [`TestkitError::Database`] when the server refuses to build the template or the copy;
    /// [`TestkitError::Setting`] for an unknown schema state.
    pub async fn migrated_database(self: &Arc<Self>) -> Result<TestDatabase, TestkitError> {
        let state = template::SchemaState::requested()?;
        let admin = self.admin_connection().await?;
        let template = template::ensure_template(&admin, self, state).await;
        self.copy_of(admin, template).await
    }

    /// As [`Self::migrated_database`], with `fixtures` (what every test of a suite starts from)
    /// already there: `prepare` runs once, given the URL of a migrated database that then becomes
    /// the template of every database asked for with the same `fixtures` and `version`. `fixtures`
    /// names them (1 to 12 lowercase letters or digits); `version` must change whenever what
    /// `prepare` writes does (the test binary's identity is a safe one, so that every build
    /// prepares afresh), and a template of an earlier version is replaced.
    ///
    /// # Errors
    /// As [`Self::migrated_database`]; [`TestkitError::Setting`] for an invalid `fixtures`, when
    /// `prepare` fails (naming its reason), or when a template of another version is still in
    /// use and cannot be replaced.
    pub async fn prepared_database(
        self: &Arc<Self>,
        fixtures: &str,
        version: &str,
        prepare: impl AsyncFnOnce(String) -> Result<(), String>,
    ) -> Result<TestDatabase, TestkitError> {
        let state = template::SchemaState::requested()?;
        let admin = self.admin_connection().await?;
        let template =
            template::ensure_prepared_template(&admin, self, state, fixtures, version, prepare)
                .await;
        self.copy_of(admin, template).await
    }

    /// A new database copied from `template` (once it was found or built) through `admin`, with
    /// today's log partitions ready.
    async fn copy_of(
        self: &Arc<Self>,
        admin: DatabaseConnection,
        template: Result<String, TestkitError>,
    ) -> Result<TestDatabase, TestkitError> {
        let database = match template {
            Ok(template) => self.create_database(&admin, Some(&template)).await,
            Err(error) => Err(error),
        };
        admin.close().await?;
        let database = database?;
        // The template may be days old: make today's log partitions (and the week's) ready.
        prosektor_migration::ensure_log_partitions(database.connection()).await?;
        Ok(database)
    }

    /// A new, empty database (no migration applied), for tests of the migrations themselves.
    ///
    /// # Errors
    /// [`TestkitError::Database`] when the server refuses to create it.
    pub async fn empty_database(self: &Arc<Self>) -> Result<TestDatabase, TestkitError> {
        let admin = self.admin_connection().await?;
        let database = self.create_database(&admin, None).await;
        admin.close().await?;
        database
    }

    async fn create_database(
        self: &Arc<Self>,
        admin: &DatabaseConnection,
        template: Option<&str>,
    ) -> Result<TestDatabase, TestkitError> {
        let name = format!("prosektor_test_{}", uuid::Uuid::new_v4().simple());
        template::create_database(admin, &name, template).await?;
        let url = self.database_url(&name);
        let connection = connect(&url, 16).await?;
        Ok(TestDatabase::new(self.clone(), name, url, connection))
    }

    /// The URL of database `name` on this server.
    pub fn database_url(&self, name: &str) -> String {
        let mut url = self.admin_url.clone();
        url.set_path(&format!("/{name}"));
        url.to_string()
    }

    /// Whether databases of this server are kept after the test (see [`KEEP_ENV`]).
    pub fn keeps_databases(&self) -> bool {
        self.keep_databases
    }

    pub(crate) async fn admin_connection(&self) -> Result<DatabaseConnection, TestkitError> {
        connect(self.admin_url.as_str(), 1).await
    }
}

/// Opens a quiet pool of at most `max_connections` to `url`.
pub(crate) async fn connect(
    url: &str,
    max_connections: u32,
) -> Result<DatabaseConnection, TestkitError> {
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(max_connections)
        .min_connections(0)
        .sqlx_logging(false);
    Ok(Database::connect(options).await?)
}

fn keep_requested() -> bool {
    std::env::var(KEEP_ENV).is_ok_and(|value| value == "1" || value.eq_ignore_ascii_case("true"))
}
