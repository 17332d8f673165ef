//! The test kit's one error type.

/// Why the test kit could not provide a database.
#[derive(Debug, thiserror::Error)]
pub enum TestkitError {
    /// None of the three sources gave a PostgreSQL server; the message says what each one answered.
    #[error(
        "no PostgreSQL server for tests. Tried, in order:\n  1. DATABASE_URL: {env}\n  2. a throwaway cluster from the installed PostgreSQL binaries: {cluster}\n  3. a testcontainers PostgreSQL: {container}\nSet DATABASE_URL to a server you may create databases on, install PostgreSQL (e.g. `apt-get install postgresql`), or start Docker."
    )]
    NoServer {
        /// What the `DATABASE_URL` source answered.
        env: String,
        /// What the local-cluster source answered.
        cluster: String,
        /// What the container source answered.
        container: String,
    },
    /// A server URL could not be parsed.
    #[error("invalid PostgreSQL URL: {0}")]
    InvalidUrl(String),
    /// A [`ControlledCluster`](crate::ControlledCluster) could not be set up or driven.
    #[error("controlled cluster: {0}")]
    Cluster(String),
    /// A setting of the test kit has a value it cannot use, or the history cannot reach the state
    /// it names.
    #[error("test kit setting: {0}")]
    Setting(String),
    /// PostgreSQL refused a statement of the test kit (create, migrate or drop a database).
    #[error("database error: {0}")]
    Database(#[from] sea_orm::DbErr),
}
