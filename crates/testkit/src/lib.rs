//! # prosektor-testkit
//!
//! Throwaway PostgreSQL databases for tests, each freshly migrated with ProSektor's whole schema
//! history, for our own suites and for other teams' integration suites.
//!
//! - [`TestDatabase::migrated`] gives a test its own database, copied in milliseconds from a template
//!   that is migrated once per schema version, and drops it when the value is dropped.
//! - The server comes from, in order: `DATABASE_URL` (any server where the user may create
//!   databases); else a throwaway cluster started with `pgtemp` from the installed PostgreSQL
//!   binaries (`PATH` or `/usr/lib/postgresql/*/bin`); else a testcontainers PostgreSQL when Docker
//!   is available; else [`TestkitError::NoServer`] naming what each answered.
//! - [`TestDatabase::prepared`] does the same for fixtures every test of a suite starts from:
//!   they are written once into a migrated copy, which becomes a template of its own.
//! - [`ControlledCluster`] is a throwaway cluster of a test's own that the test stops, restarts,
//!   freezes and thaws, for fault tests of a service whose database fails under it; it also
//!   gives streaming replicas of itself, for tests of reads routed to a replica.
//! - [`CapturedOutput`] keeps what a writer was given, for tests that read logs or printed
//!   progress back.
//! - Set `PROSEKTOR_TEST_SCHEMA=expanded` to have [`TestDatabase::migrated`] hold the expanded
//!   schema instead (every contract migration pending, as while servers of the previous release
//!   run), so that a suite proves the application works in both states.
//! - Set `PROSEKTOR_TEST_KEEP_DB=1` to keep every test database (its URL is printed) and a throwaway
//!   cluster's data directory, for inspection.
//!
//! May depend on: `prosektor-migration` and database/test-infrastructure crates; never on the
//! domain, application or API crates, so that any suite can use it.
//!
//! ```no_run
//! # async fn example() -> Result<(), prosektor_testkit::TestkitError> {
//! use sea_orm::ConnectionTrait;
//!
//! let db = prosektor_testkit::TestDatabase::migrated().await?;
//! db.connection()
//!     .execute_unprepared("INSERT INTO companies (name) VALUES ('Anadolu OSGB')")
//!     .await?;
//! // `db` is dropped here, and its database with it.
//! # Ok(()) }
//! ```
//!
//! ## In your own testcontainers suite
//! If your suite already starts PostgreSQL with testcontainers, hand that server to the kit with
//! [`PostgresServer::at`] and take databases from it:
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use prosektor_testkit::PostgresServer;
//! use testcontainers_modules::postgres::Postgres;
//! use testcontainers_modules::testcontainers::{ImageExt, runners::AsyncRunner};
//!
//! let container = Postgres::default().with_tag("15-alpine").start().await?;
//! let url = format!(
//!     "postgres://postgres:postgres@{}:{}/postgres",
//!     container.get_host().await?,
//!     container.get_host_port_ipv4(5432).await?,
//! );
//! let server = PostgresServer::at(&url)?;
//! let orders_db = server.migrated_database().await?; // one per test, as many as you like
//! let url_for_your_service = orders_db.url();
//! # let _ = url_for_your_service; Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod captured;
mod cluster;
mod database;
mod error;
mod server;
mod sources;
mod template;

pub use captured::CapturedOutput;
pub use cluster::ControlledCluster;
pub use database::TestDatabase;
pub use error::TestkitError;
pub use prosektor_local_postgres::find_bin_dir as find_postgres_bin_dir;
pub use server::{KEEP_ENV, PostgresServer};
pub use sources::CONTAINER_TAG;
pub use template::SCHEMA_ENV;
