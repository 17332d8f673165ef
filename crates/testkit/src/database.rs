//! [`TestDatabase`]: one test's own database, dropped when the test ends.

use std::sync::Arc;

use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::error::TestkitError;
use crate::server::{KEEP_ENV, PostgresServer};

/// A database of its own for one test, on a [`PostgresServer`]; dropped (with `WITH (FORCE)`) when
/// this value is dropped, unless [`KEEP_ENV`] is set, in which case its URL is printed instead.
#[derive(Debug)]
pub struct TestDatabase {
    server: Arc<PostgresServer>,
    name: String,
    url: String,
    connection: DatabaseConnection,
}

impl TestDatabase {
    pub(crate) fn new(
        server: Arc<PostgresServer>,
        name: String,
        url: String,
        connection: DatabaseConnection,
    ) -> Self {
        Self {
            server,
            name,
            url,
            connection,
        }
    }

    /// A freshly migrated database on the process-wide server ([`PostgresServer::shared`]).
    ///
    /// # Errors
    /// [`TestkitError::NoServer`] when no source gives a server; [`TestkitError::Database`] when the
    /// server refuses the database.
    pub async fn migrated() -> Result<Self, TestkitError> {
        PostgresServer::shared().await?.migrated_database().await
    }

    /// A migrated database holding `fixtures`, on the process-wide server
    /// ([`PostgresServer::prepared_database`]).
    ///
    /// # Errors
    /// As [`PostgresServer::prepared_database`]; [`TestkitError::NoServer`] when no source gives
    /// a server.
    pub async fn prepared(
        fixtures: &str,
        version: &str,
        prepare: impl AsyncFnOnce(String) -> Result<(), String>,
    ) -> Result<Self, TestkitError> {
        PostgresServer::shared()
            .await?
            .prepared_database(fixtures, version, prepare)
            .await
    }

    /// An empty database (no migrations applied) on the process-wide server.
    ///
    /// # Errors
    /// As for [`TestDatabase::migrated`].
    pub async fn empty() -> Result<Self, TestkitError> {
        PostgresServer::shared().await?.empty_database().await
    }

    /// A pool connected to this database (at most 16 connections).
    pub fn connection(&self) -> &DatabaseConnection {
        &self.connection
    }

    /// This database's URL, for code that opens its own pool (a server under test, say).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// This database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The server this database lives on.
    pub fn server(&self) -> &Arc<PostgresServer> {
        &self.server
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if self.server.keeps_databases() {
            eprintln!("{KEEP_ENV}: kept test database {}", self.url);
            return;
        }
        // Drop runs inside the test's runtime, which must not be blocked on itself: the statement
        // runs on a thread with a runtime of its own.
        let server = self.server.clone();
        let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|error| error.to_string())?;
            runtime.block_on(async {
                let admin = server.admin_connection().await.map_err(|e| e.to_string())?;
                admin
                    .execute_unprepared(&sql)
                    .await
                    .map_err(|e| e.to_string())?;
                admin.close().await.map_err(|e| e.to_string())
            })
        })
        .join()
        .unwrap_or_else(|_| Err("the dropping thread panicked".to_owned()));
        if let Err(error) = dropped {
            eprintln!(
                "prosektor-testkit: could not drop test database {}: {error}",
                self.name
            );
        }
    }
}
