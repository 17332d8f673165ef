//! The connection pool.

use std::time::Duration;

use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

/// A pooled connection idle at least this long is pinged before it is handed out.
const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(30);

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
        // A ping before every use is a second round trip per statement (a fifth of the server's
        // CPU under load, `docs/benchmarks.md`); pinging only connections idle for a while still
        // catches those the server dropped in a quiet spell.
        .test_before_acquire_if_idle_for(PING_WHEN_IDLE_FOR)
        .sqlx_logging(false);
    Database::connect(options).await
}
