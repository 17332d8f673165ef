//! The connection pool, bounded in time and healing after the database broke its connections.

use std::time::Duration;

use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

use crate::connection_health::opened_before_last_break;

/// A pooled connection idle at least this long is pinged before it is handed out, so that one
/// the server dropped while it was idle (a restart, which always takes longer than this) is
/// replaced, not used. Under load connections are never idle this long and pay nothing.
const PING_WHEN_IDLE_FOR: Duration = Duration::from_millis(100);

/// A session idle inside a transaction this long is ended by PostgreSQL (its locks released):
/// no request holds a transaction open while it waits for anything but the database.
const IDLE_IN_TRANSACTION_TIMEOUT: Duration = Duration::from_secs(10);

/// How the pool is sized and how long it waits; the defaults suit one server on a small machine.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    /// Most connections the pool opens.
    pub max_connections: u32,
    /// How long a caller waits for a free connection (opening one included) before failing.
    pub acquire_timeout: Duration,
    /// PostgreSQL's `statement_timeout` on every connection; `None` for tools whose bulk
    /// statements may run for minutes (the benchmark seed).
    pub statement_timeout: Option<Duration>,
    /// Open no connection until one is needed (tools that never query, such as spec generation).
    pub lazy: bool,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(2),
            statement_timeout: Some(Duration::from_secs(5)),
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
        // catches those the server dropped meanwhile.
        .test_before_acquire_if_idle_for(PING_WHEN_IDLE_FOR)
        // A connection opened before the database last broke one (a restart, a terminated
        // backend, a read-only session) is discarded, not tried.
        .map_sqlx_postgres_before_acquire(|_connection, metadata| {
            Box::pin(async move { Ok(!opened_before_last_break(metadata.age)) })
        })
        .map_sqlx_postgres_opts(|options| {
            options.options([(
                "idle_in_transaction_session_timeout",
                IDLE_IN_TRANSACTION_TIMEOUT.as_millis().to_string(),
            )])
        })
        .sqlx_logging(false);
    if let Some(timeout) = settings.statement_timeout {
        options.statement_timeout(timeout);
    }
    Database::connect(options).await
}
