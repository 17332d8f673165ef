//! The connection pool, bounded in time and healing after the database broke its connections.

use std::time::Duration;

use sea_orm::sqlx::{self, PgConnection, Row};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, Statement,
};

use crate::connection_health::{distrusted, note_writable, read_only_suspected};
use crate::pool_waiters::handed_over;

/// A pooled connection idle at least this long is pinged before it is handed out, so that one
/// the server dropped while it was idle (a restart, which always takes longer than this) is
/// replaced, not used. Under load connections are never idle this long and pay nothing.
pub(crate) const PING_WHEN_IDLE_FOR: Duration = Duration::from_millis(100);

/// A session idle inside a transaction this long is ended by PostgreSQL (its locks released):
/// no request holds a transaction open while it waits for anything but the database.
const IDLE_IN_TRANSACTION_TIMEOUT: Duration = Duration::from_secs(10);

/// Whether a new session's transactions are read-only (`on` on a standby, or while
/// `default_transaction_read_only` is set for the database).
const READ_ONLY_SQL: &str = "SELECT pg_catalog.current_setting('transaction_read_only')";

/// What stands between the pool and PostgreSQL.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Pooling {
    /// Nothing: each connection is a PostgreSQL session of its own (prepared statements are
    /// cached per connection; session settings travel as startup options).
    #[default]
    Direct,
    /// A pooler in transaction mode (PgBouncer before 1.21): a server session is ours only for
    /// one transaction. Statements outside a transaction travel in the simple protocol with
    /// their parameters as typed literals (`crate::outgoing`); no statement is cached; no
    /// startup option is sent: the timeouts are set with `SET LOCAL` in each statement's or
    /// transaction's own transaction, so nothing stays on the pooler's server connections; and
    /// the pooler must deallocate what a transaction prepared when it ends
    /// (`server_reset_query = DEALLOCATE ALL`, `server_reset_query_always = 1`).
    /// Migrations and [`cancel_statements`] need a session: give them a direct URL.
    Transaction,
}

impl Pooling {
    /// The name configuration uses: `direct` or `transaction`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::Transaction => "transaction",
        }
    }
}

impl std::fmt::Display for Pooling {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Pooling {
    type Err = UnknownPooling;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        [Self::Direct, Self::Transaction]
            .into_iter()
            .find(|pooling| pooling.name() == name)
            .ok_or_else(|| UnknownPooling(name.to_owned()))
    }
}

/// A name that is no [`Pooling`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown pooling {0:?}: direct or transaction")]
pub struct UnknownPooling(pub String);

/// How many connections a pool opens at most by default. More than PostgreSQL can run at once
/// only moves the queue into its CPU scheduler, which serves no one in turn: on the benchmark's
/// machine (`docs/benchmarks.md`, "A smaller pool") 8 connections answer as many requests as 16
/// at 32 concurrent ones, with a p99 10 to 20 % lower for the keyed reads and half for the mix,
/// whose searches no longer crowd out its key lookups; the rest wait for a connection first come,
/// first served. A larger database warrants a larger pool (`PROSEKTOR_DB_MAX_CONNECTIONS`).
pub const DEFAULT_MAX_CONNECTIONS: u32 = 8;

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
    /// PostgreSQL's `application_name` of every connection: naming one process's connections
    /// lets it cancel its own statements at shutdown ([`cancel_statements`]).
    pub application_name: Option<String>,
    /// What stands between the pool and PostgreSQL.
    pub pooling: Pooling,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            acquire_timeout: Duration::from_secs(2),
            statement_timeout: Some(Duration::from_secs(5)),
            lazy: false,
            application_name: None,
            pooling: Pooling::Direct,
        }
    }
}

impl PoolSettings {
    /// The `SET LOCAL` statements that give one transaction this pool's session settings (for
    /// [`Pooling::Transaction`], where no session is ours); empty when there is none to set.
    pub(crate) fn local_settings(&self) -> String {
        let mut settings = self
            .statement_timeout
            .map(|timeout| {
                format!(
                    "SET LOCAL statement_timeout = {}; ",
                    timeout.as_millis().max(1)
                )
            })
            .unwrap_or_default();
        settings.push_str(&format!(
            "SET LOCAL idle_in_transaction_session_timeout = {}; ",
            IDLE_IN_TRANSACTION_TIMEOUT.as_millis()
        ));
        settings
    }
}

/// Whether the new session `connection` may write (its transactions are not read-only). Asked
/// in the simple protocol, one message, which a transaction-mode pooler also carries.
async fn may_write(connection: &mut PgConnection) -> Result<bool, sqlx::Error> {
    let row = sqlx::raw_sql(READ_ONLY_SQL).fetch_one(connection).await?;
    let read_only: String = row.try_get(0)?;
    Ok(read_only == "off")
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
        // backend, a read-only session), or any while a read-only spell is suspected, is
        // discarded, not tried.
        .map_sqlx_postgres_before_acquire(|_connection, metadata| {
            Box::pin(async move {
                let usable = !distrusted(metadata.age);
                if usable {
                    handed_over();
                }
                Ok(usable)
            })
        })
        // A connection opened for a caller is handed over as soon as it is ready; while a
        // read-only spell is suspected, it first asks whether it may write (`connection_health`).
        .map_sqlx_postgres_pool_opts(|options| {
            options.after_connect(|connection, _metadata| {
                Box::pin(async move {
                    if read_only_suspected() && may_write(connection).await? {
                        note_writable();
                    }
                    handed_over();
                    Ok(())
                })
            })
        })
        .sqlx_logging(false);
    match settings.pooling {
        Pooling::Direct => {
            options.map_sqlx_postgres_opts(|options| {
                options.options([(
                    "idle_in_transaction_session_timeout",
                    IDLE_IN_TRANSACTION_TIMEOUT.as_millis().to_string(),
                )])
            });
            if let Some(timeout) = settings.statement_timeout {
                options.statement_timeout(timeout);
            }
        }
        Pooling::Transaction => {
            options.map_sqlx_postgres_opts(|options| options.statement_cache_capacity(0));
        }
    }
    if let Some(name) = &settings.application_name {
        options.set_application_name(name);
    }
    Database::connect(options).await
}

/// Cancels every statement running on a connection named `application_name` (a process's own,
/// left running when it shuts down), from a connection of its own to `url`, within `bound`;
/// returns how many were cancelled. Their transactions roll back; the connections stay open.
///
/// # Errors
/// The driver's error, or a timeout when PostgreSQL does not answer within `bound`.
pub async fn cancel_statements(
    url: &str,
    application_name: &str,
    bound: Duration,
) -> Result<u64, DbErr> {
    let cancel = async {
        let settings = PoolSettings {
            max_connections: 1,
            acquire_timeout: bound,
            statement_timeout: Some(bound),
            lazy: false,
            application_name: Some(format!("{application_name}-cancel")),
            pooling: Pooling::Direct,
        };
        let db = connect(url, &settings).await?;
        let cancelled = db
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT count(*) FILTER (WHERE pg_cancel_backend(pid)) FROM pg_stat_activity \
                 WHERE application_name = $1 AND state = 'active' AND pid <> pg_backend_pid()",
                [application_name.into()],
            ))
            .await?
            .map(|row| row.try_get_by_index::<i64>(0))
            .transpose()?
            .unwrap_or(0);
        db.close().await?;
        Ok(u64::try_from(cancelled).unwrap_or(0))
    };
    tokio::time::timeout(bound, cancel)
        .await
        .unwrap_or_else(|_| Err(DbErr::Custom(format!("no answer within {bound:?}"))))
}
