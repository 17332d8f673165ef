//! The connection pool.

use std::time::Duration;

use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

/// How the pool is sized and how long it waits; the defaults suit one server on a small machine.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    /// Most connections the pool opens.
    pub max_connections: u32,
    /// How long a request waits for a free connection before failing.
    pub acquire_timeout: Duration,
    /// Open no connection until one is needed (tools that never query, such as spec generation).
    pub lazy: bool,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(5),
            lazy: false,
        }
    }
}

/// Opens a pool to `url`.
///
/// # Errors
/// The driver's error when the URL is invalid or (unless `lazy`) the server does not answer.
pub async fn connect(url: &str, settings: &PoolSettings) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(settings.max_connections)
        .min_connections(0)
        .acquire_timeout(settings.acquire_timeout)
        .connect_lazy(settings.lazy)
        .sqlx_logging(false);
    Database::connect(options).await
}
