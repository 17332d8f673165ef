//! The composition root: PostgreSQL (given or embedded), migrations, adapters, services, HTTP.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use poem::listener::{Acceptor, Listener, TcpAcceptor, TcpListener};
use prosektor_api::{ApiContext, DOCS_PATH};
use prosektor_application::services::Ports;
use prosektor_persistence::{DatabaseConnection, PoolSettings};

use crate::background::{Background, BackgroundSettings};
use crate::config::Config;
use crate::embedded_postgres::EmbeddedPostgres;
use crate::{composition, demo};

/// How long in-flight requests may run after a shutdown signal.
const GRACE_PERIOD: Duration = Duration::from_secs(10);

/// A server that has migrated its database and bound its port, ready to serve.
pub struct Application {
    acceptor: TcpAcceptor,
    local_addr: SocketAddr,
    pool: DatabaseConnection,
    context: ApiContext,
    ports: Ports,
    background: BackgroundSettings,
    embedded: Option<EmbeddedPostgres>,
}

impl Application {
    /// Resolves the database (starting the embedded one when `DATABASE_URL` is unset), applies
    /// pending migrations, opens the pool and binds the listener.
    ///
    /// # Errors
    /// Any step that fails, with its context.
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        let database = open_database(config, Purpose::Serve).await?;
        let ports = composition::ports(&database.pool)?;
        let context = composition::api_context(config, &database.url, &ports).await?;
        if config.demo_seed.unwrap_or(database.embedded.is_some()) {
            demo::seed(&ports, &context.services)
                .await
                .context("seeding the demo data")?;
        }
        let acceptor = TcpListener::bind(config.listen.to_string())
            .into_acceptor()
            .await
            .with_context(|| format!("binding {}", config.listen))?;
        let local_addr = acceptor
            .local_addr()
            .first()
            .and_then(|addr| addr.as_socket_addr().copied())
            .context("the listener has no socket address")?;
        Ok(Self {
            acceptor,
            local_addr,
            pool: database.pool,
            context,
            ports,
            background: background_settings(config),
            embedded: database.embedded,
        })
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serves, with the pipeline's background tasks (`PROSEKTOR_WORKERS` worker loops and
    /// housekeeping), until `shutdown` completes; then stops the workers claiming, drains requests
    /// and running runs (each up to a grace period), closes the pool and stops the embedded
    /// PostgreSQL if this process started it.
    ///
    /// # Errors
    /// An I/O error of the listener, or a failure to stop the embedded PostgreSQL.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send) -> anyhow::Result<()> {
        tracing::info!(
            "ready: http://{addr} (Swagger UI at http://{addr}{DOCS_PATH})",
            addr = self.local_addr
        );
        let background = Background::spawn(&self.ports, self.background);
        let stop = background.stop_handle();
        // The signal stops the workers claiming at once, while HTTP drains.
        let shutdown = async move {
            shutdown.await;
            stop.stop();
        };
        let served = poem::Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(
                prosektor_api::app(&self.context),
                shutdown,
                Some(GRACE_PERIOD),
            )
            .await;
        background.shutdown(GRACE_PERIOD).await;
        close(self.pool, self.embedded).await?;
        served.context("serving HTTP")
    }
}

/// Runs the pipeline's background tasks alone (no HTTP) until `shutdown` completes, then stops
/// them gracefully (`prosektor-server worker`).
///
/// # Errors
/// Opening the database or stopping the embedded PostgreSQL.
pub async fn run_workers_until(
    config: &Config,
    shutdown: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let database = open_database(config, Purpose::Serve).await?;
    let ports = composition::ports(&database.pool)?;
    let background = Background::spawn(&ports, background_settings(config));
    shutdown.await;
    background.shutdown(GRACE_PERIOD).await;
    close(database.pool, database.embedded).await
}

/// What a process opens the database for, which decides its statement timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// Requests and pipeline runs: statements bounded by `PROSEKTOR_STATEMENT_TIMEOUT_MS`.
    Serve,
    /// Bulk loading (`seed`): statements may run for minutes.
    Load,
}

/// The database a process works on.
pub(crate) struct OpenDatabase {
    /// The pool of its requests and runs.
    pub(crate) pool: DatabaseConnection,
    /// Its URL (for connections of their own, such as the readiness probe's).
    pub(crate) url: String,
    /// The embedded PostgreSQL, when this process started it.
    pub(crate) embedded: Option<EmbeddedPostgres>,
}

/// Resolves the database (starting the embedded one when `DATABASE_URL` is unset), applies
/// pending migrations and opens the pool.
pub(crate) async fn open_database(
    config: &Config,
    purpose: Purpose,
) -> anyhow::Result<OpenDatabase> {
    let (database_url, embedded) = match &config.database_url {
        Some(url) => (url.clone(), None),
        None => {
            let embedded = EmbeddedPostgres::start(&config.data_dir, config.embedded_pg_port)
                .await
                .context("starting the embedded PostgreSQL")?;
            (embedded.url(), Some(embedded))
        }
    };
    prosektor_persistence::migrate(&database_url)
        .await
        .context("applying migrations")?;
    let settings = PoolSettings {
        max_connections: config.db_max_connections,
        statement_timeout: match purpose {
            Purpose::Serve => Some(Duration::from_millis(config.statement_timeout_ms)),
            Purpose::Load => None,
        },
        ..PoolSettings::default()
    };
    let pool = prosektor_persistence::connect(&database_url, &settings)
        .await
        .context("opening the database pool")?;
    Ok(OpenDatabase {
        pool,
        url: database_url,
        embedded,
    })
}

/// Closes the pool, then stops the embedded PostgreSQL if there is one.
pub(crate) async fn close(
    pool: DatabaseConnection,
    embedded: Option<EmbeddedPostgres>,
) -> anyhow::Result<()> {
    pool.close().await.context("closing the pool")?;
    if let Some(embedded) = embedded {
        embedded
            .stop()
            .await
            .context("stopping the embedded PostgreSQL")?;
    }
    Ok(())
}

/// The background tasks' settings from the configuration.
const fn background_settings(config: &Config) -> BackgroundSettings {
    BackgroundSettings {
        workers: config.workers,
        retention_days: config.run_retention_days,
    }
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("local_addr", &self.local_addr)
            .field("embedded", &self.embedded)
            .finish_non_exhaustive()
    }
}

/// The OpenAPI document the server serves, generated without touching a database.
///
/// # Errors
/// When the lazy pool cannot be configured (an unparsable URL).
pub async fn openapi_json() -> anyhow::Result<String> {
    let settings = PoolSettings {
        lazy: true,
        ..PoolSettings::default()
    };
    // The URL is never dialled: a lazy pool connects on first use, and generating the spec
    // uses none of the services.
    let pool = prosektor_persistence::connect("postgres://spec@127.0.0.1/spec", &settings).await?;
    let ports = composition::ports(&pool)?;
    let context = composition::api_context(
        &Config::for_database("postgres://spec@127.0.0.1/spec"),
        "postgres://spec@127.0.0.1/spec",
        &ports,
    )
    .await?;
    Ok(prosektor_api::openapi_json(&context))
}
