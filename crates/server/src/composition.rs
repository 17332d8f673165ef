//! Wiring: the PostgreSQL adapters, the security adapters (argon2 hasher, JWT codec), the template
//! site generator, the clock and the id generator, plugged into the ports of the use-case services
//! and the HTTP API.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use prosektor_api::ApiContext;
use prosektor_api::auth::bearer::Authenticator;
use prosektor_api::auth::client::ClientAddresses;
use prosektor_application::ThrottleRule;
use prosektor_application::services::{Limits, Ports, Services};
use prosektor_application::{SystemClock, UuidV7Generator};
use prosektor_persistence::{
    DatabasePools, PgActivityFeed, PgCompanyRepository, PgConnectionScope, PgDailyStatsRepository,
    PgDashboardFigures, PgIdempotencyStore, PgInvoiceRepository, PgPageRepository,
    PgPipelineRunRepository, PgThrottle, PgUserRepository, PgWebProjectRepository,
    PostgresReadiness,
};

use prosektor_security::{Argon2Hasher, DEFAULT_REMEMBERED_TOKENS, JwtCodec, VerifiedTokenCache};
use prosektor_site_generator::TemplateSiteGenerator;

use crate::config::Config;

/// Every port implemented on `pools` (and the system's clock and ids, argon2, the tokens signed
/// with the configured secret and each verified once, the template generator).
///
/// # Errors
/// When the argon2 parameters or the token secret are refused.
pub fn ports(config: &Config, pools: &DatabasePools) -> anyhow::Result<Ports> {
    let secret = config
        .jwt_secret
        .as_ref()
        .map_or_else(random_secret, |secret| secret.as_bytes().to_vec());
    let tokens = JwtCodec::new(&secret, Duration::from_secs(config.token_ttl_secs))
        .context("PROSEKTOR_JWT_SECRET")?;
    let tokens = VerifiedTokenCache::new(tokens, DEFAULT_REMEMBERED_TOKENS);
    Ok(Ports {
        users: Arc::new(PgUserRepository::new(pools.clone())),
        companies: Arc::new(PgCompanyRepository::new(pools.clone())),
        invoices: Arc::new(PgInvoiceRepository::new(pools.clone())),
        projects: Arc::new(PgWebProjectRepository::new(pools.clone())),
        stats: Arc::new(PgDailyStatsRepository::new(pools.clone())),
        dashboards: Arc::new(PgDashboardFigures::new(pools.clone())),
        activity: Arc::new(PgActivityFeed::new(pools.clone())),
        runs: Arc::new(PgPipelineRunRepository::new(pools.clone())),
        pages: Arc::new(PgPageRepository::new(pools.clone())),
        generator: Arc::new(TemplateSiteGenerator),
        hasher: Arc::new(Argon2Hasher::new().context("configuring argon2")?),
        tokens: Arc::new(tokens),
        throttle: Arc::new(PgThrottle::new(pools.clone())),
        idempotency: Arc::new(PgIdempotencyStore::new(pools.clone())),
        clock: Arc::new(SystemClock),
        ids: Arc::new(UuidV7Generator),
    })
}

/// The API's context over `ports` (built on `pools`), with a readiness probe on its own
/// connection to `database_url`.
///
/// # Errors
/// When `database_url` cannot be read.
pub async fn api_context(
    config: &Config,
    database_url: &str,
    pools: &DatabasePools,
    ports: &Ports,
) -> anyhow::Result<ApiContext> {
    let defaults = Limits::default();
    let limits = Limits {
        ingestion: ThrottleRule {
            max_attempts: config.ingest_per_minute,
            ..defaults.ingestion
        },
        ..defaults
    };
    let services = Services::with_limits(ports, limits);
    if config.jwt_secret.is_none() {
        tracing::warn!(
            "PROSEKTOR_JWT_SECRET is not set: using a random secret, so tokens end with this process"
        );
    }
    Ok(ApiContext {
        authenticator: Authenticator::new(services.auth.clone(), config.remembered_sessions),
        services,
        clients: ClientAddresses::new(config.trusted_proxies.clone()),
        readiness: Arc::new(
            PostgresReadiness::connect(database_url, config.db_pooling)
                .await
                .context("the readiness probe's connection")?,
        ),
        clock: ports.clock.clone(),
        request_timeout: Duration::from_millis(config.request_timeout_ms),
        idempotency: ports.idempotency.clone(),
        connections: Arc::new(PgConnectionScope::new(pools.clone())),
    })
}

/// 256 random bits from the operating system (two v4 UUIDs carry 244 of them).
fn random_secret() -> Vec<u8> {
    [
        uuid::Uuid::new_v4(),
        uuid::Uuid::new_v4(),
        uuid::Uuid::new_v4(),
    ]
    .iter()
    .flat_map(|uuid| uuid.as_bytes().to_vec())
    .collect()
}
