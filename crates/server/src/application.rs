//! The composition root: PostgreSQL (given or embedded), migrations, adapters, services, HTTP.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use poem::listener::{Acceptor, Listener, TcpAcceptor, TcpListener};
use prosektor_api::{ApiContext, DOCS_PATH};
use prosektor_application::services::Ports;
use prosektor_persistence::instances::InstanceKind;
use prosektor_persistence::{DatabasePools, PoolSettings, ReplicaSettings, Rollout};

use crate::background::{Background, BackgroundSettings};
use crate::config::Config;
use crate::embedded_postgres::EmbeddedPostgres;
use crate::registration::Registration;
use crate::{composition, demo};

/// How long each of the three steps after the grace period may take at most (handing back the
/// runs this process's workers hold, cancelling its statements, closing the pool): shutdown
/// ends within grace + 2 s whatever PostgreSQL does.
pub(crate) const CLEAN_UP_STEP: Duration = Duration::from_millis(600);

/// A server that has migrated its database and bound its ports, ready to serve.
pub struct Application {
    acceptor: TcpAcceptor,
    local_addr: SocketAddr,
    metrics_acceptor: TcpAcceptor,
    metrics_addr: SocketAddr,
    database: OpenDatabase,
    context: ApiContext,
    ports: Ports,
    background: BackgroundSettings,
    grace: Duration,
}

impl Application {
    /// Resolves the database (starting the embedded one when `DATABASE_URL` is unset), applies
    /// pending migrations, opens the pool and binds the listener.
    ///
    /// # Errors
    /// Any step that fails, with its context.
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        // First: each repository method keeps the histogram its first call registers
        // (`prosektor_persistence`'s timings), and the demo data's calls must find our recorder.
        crate::metrics::install();
        let database = open_database(config, Purpose::Serve).await?;
        let ports = composition::ports(config, &database.pools)?;
        let context =
            composition::api_context(config, &database.url, &database.pools, &ports).await?;
        if config.demo_seed.unwrap_or(database.embedded.is_some()) {
            demo::seed(&ports, &context.services)
                .await
                .context("seeding the demo data")?;
        }
        let (acceptor, local_addr) = bind(config.listen).await?;
        let (metrics_acceptor, metrics_addr) = bind(config.metrics_listen).await?;
        Ok(Self {
            acceptor,
            local_addr,
            metrics_acceptor,
            metrics_addr,
            database,
            context,
            ports,
            background: background_settings(config),
            grace: Duration::from_secs(config.shutdown_grace_secs),
        })
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The address `GET /metrics` listens on.
    pub fn metrics_addr(&self) -> SocketAddr {
        self.metrics_addr
    }

    /// Serves, with the pipeline's background tasks (`PROSEKTOR_WORKERS` worker loops and
    /// housekeeping), until `shutdown` completes; then stops accepting and claiming at once, gives
    /// in-flight requests and running steps the grace period (together), and
    /// shuts down what remains (leaves the registry, cancels statements, closes the pools).
    ///
    /// # Errors
    /// An I/O error of the listener, or a failure to stop the embedded PostgreSQL.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send) -> anyhow::Result<()> {
        tracing::info!(
            "ready: http://{addr} (Swagger UI at http://{addr}{DOCS_PATH}; metrics at http://{metrics}/metrics)",
            addr = self.local_addr,
            metrics = self.metrics_addr
        );
        let background = Background::spawn(&self.ports, self.background, &self.database.instance);
        let stop = background.stop_handle();
        let (signalled, on_signal) = tokio::sync::oneshot::channel::<()>();
        let (metrics_stop, metrics_stopped) = tokio::sync::oneshot::channel::<()>();
        let shutdown = async move {
            shutdown.await;
            stop.stop();
            let _ = signalled.send(());
            let _ = metrics_stop.send(());
        };
        let metrics = poem::Server::new_with_acceptor(self.metrics_acceptor)
            .run_with_graceful_shutdown(
                crate::metrics::endpoint(crate::metrics::State {
                    pools: self.database.pools.clone(),
                    runs: self.ports.runs.clone(),
                    clock: self.ports.clock.clone(),
                }),
                async move {
                    let _ = metrics_stopped.await;
                },
                Some(CLEAN_UP_STEP),
            );
        let metrics = tokio::spawn(metrics);
        let upkeep = tokio::spawn(crate::metrics::upkeep());
        let grace = self.grace;
        let http = poem::Server::new_with_acceptor(self.acceptor).run_with_graceful_shutdown(
            prosektor_api::app(&self.context),
            shutdown,
            Some(grace),
        );
        // The workers drain while HTTP does (the signal, or the server failing, starts both).
        let workers = async move {
            let _ = on_signal.await;
            background.shutdown(grace).await;
        };
        let (served, ()) = tokio::join!(http, workers);
        upkeep.abort();
        if let Ok(Err(error)) = metrics.await {
            tracing::warn!(%error, "the metrics listener failed");
        }
        self.database.shut_down().await?;
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
    let database = open_database(config, Purpose::Work).await?;
    let ports = composition::ports(config, &database.pools)?;
    let background = Background::spawn(&ports, background_settings(config), &database.instance);
    shutdown.await;
    background
        .shutdown(Duration::from_secs(config.shutdown_grace_secs))
        .await;
    database.shut_down().await
}

/// Binds `address` and reports the address it got (port 0 picks a free one).
async fn bind(address: SocketAddr) -> anyhow::Result<(TcpAcceptor, SocketAddr)> {
    let acceptor = TcpListener::bind(address.to_string())
        .into_acceptor()
        .await
        .with_context(|| format!("binding {address}"))?;
    let local = acceptor
        .local_addr()
        .first()
        .and_then(|addr| addr.as_socket_addr().copied())
        .context("the listener has no socket address")?;
    Ok((acceptor, local))
}

/// What a process opens the database for, which decides its statement timeout and whether it
/// registers as a live instance (`prosektor_persistence::instances`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// Requests and pipeline runs (`serve`): statements bounded by
    /// `PROSEKTOR_STATEMENT_TIMEOUT_MS`; registered as a server.
    Serve,
    /// Pipeline runs only (`worker`): bounded as `Serve`; registered as a worker.
    Work,
}

impl Purpose {
    const fn instance_kind(self) -> InstanceKind {
        match self {
            Self::Serve => InstanceKind::Server,
            Self::Work => InstanceKind::Worker,
        }
    }
}

/// The database a process works on.
pub(crate) struct OpenDatabase {
    /// The pools of its requests and runs.
    pub(crate) pools: DatabasePools,
    /// Its URL (for connections of their own, such as the readiness probe's).
    pub(crate) url: String,
    /// The URL that bypasses a pooler (migrations, cancelling statements).
    pub(crate) direct_url: String,
    /// This process's name among the database's clients: its connections' `application_name`
    /// and its workers' name prefix (`prosektor-<pid>-<random>`).
    pub(crate) instance: String,
    /// Its entry in the registry of live instances, renewed until it shuts down.
    registration: Registration,
    /// The embedded PostgreSQL, when this process started it.
    pub(crate) embedded: Option<EmbeddedPostgres>,
}

impl OpenDatabase {
    /// After the grace period: leaves the registry of live instances, cancels the statements this
    /// process still runs (a request blocked on a lock, say), closes the pool, then stops the embedded PostgreSQL if there is one. Each
    /// database step is bounded by [`CLEAN_UP_STEP`], whatever PostgreSQL does.
    ///
    /// # Errors
    /// A failure to stop the embedded PostgreSQL.
    pub(crate) async fn shut_down(self) -> anyhow::Result<()> {
        self.registration.end(&self.pools, &self.instance).await;
        match prosektor_persistence::cancel_statements(
            &self.direct_url,
            &self.instance,
            CLEAN_UP_STEP,
        )
        .await
        {
            Ok(0) => {}
            Ok(cancelled) => tracing::warn!(cancelled, "cancelled statements still running"),
            Err(error) => tracing::warn!(%error, "could not cancel the statements still running"),
        }
        if tokio::time::timeout(CLEAN_UP_STEP, self.pools.close())
            .await
            .is_err()
        {
            tracing::warn!("connections still busy at shutdown: left to close with the process");
        }
        if let Some(embedded) = self.embedded {
            embedded
                .stop()
                .await
                .context("stopping the embedded PostgreSQL")?;
        }
        tracing::info!("stopped");
        Ok(())
    }
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
    let direct_url = match (config.direct_url(), &embedded) {
        (Some(url), None) => url.to_owned(),
        _ => database_url.clone(),
    };
    prosektor_persistence::migrate(&direct_url, Rollout::StartUp, config.backfills())
        .await
        .context("applying migrations")?;
    let instance = format!(
        "prosektor-{}-{}",
        std::process::id(),
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );
    let settings = PoolSettings {
        max_connections: config.db_max_connections,
        application_name: Some(instance.clone()),
        statement_timeout: Some(Duration::from_millis(config.statement_timeout_ms)),
        pooling: config.db_pooling,
        ..PoolSettings::default()
    };
    let pool = prosektor_persistence::connect(&database_url, &settings)
        .await
        .context("opening the database pool")?;
    let mut pools = DatabasePools::new(pool, &settings);
    if let Some(read_url) = &config.database_read_url {
        // Opened lazily: a replica that is down at start-up only sends reads to the primary.
        let replica_settings = PoolSettings {
            lazy: true,
            application_name: Some(format!("{instance}-reads")),
            ..settings.clone()
        };
        let replica = prosektor_persistence::connect(read_url, &replica_settings)
            .await
            .context("opening the read replica's pool")?;
        pools = pools.with_replica(
            replica,
            &replica_settings,
            ReplicaSettings {
                max_lag: Duration::from_millis(config.read_max_lag_ms),
            },
        );
    }
    let registration = Registration::start(&pools, &instance, purpose.instance_kind()).await?;
    Ok(OpenDatabase {
        pools,
        url: database_url,
        direct_url,
        instance,
        registration,
        embedded,
    })
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
            .field("metrics_addr", &self.metrics_addr)
            .field("instance", &self.database.instance)
            .field("embedded", &self.database.embedded)
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
    let url = "postgres://spec@127.0.0.1/spec";
    let pool = prosektor_persistence::connect(url, &settings).await?;
    let pools = DatabasePools::from(pool);
    let config = Config::for_database(url);
    let ports = composition::ports(&config, &pools)?;
    let context = composition::api_context(&config, url, &pools, &ports).await?;
    Ok(prosektor_api::openapi_json(&context))
}
