//! # prosektor-persistence
//!
//! The SeaORM adapter: opens the PostgreSQL pools (the primary's and optionally a read replica's,
//! directly or through a transaction-mode pooler: [`DatabasePools`]), applies the migration
//! history, and implements the application's ports (repositories, readiness, the request scope)
//! on PostgreSQL, translating driver errors into domain meaning so that nothing
//! of sea-orm leaks upward.
//!
//! May depend on: `prosektor-domain`, `prosektor-application`, `prosektor-migration`, sea-orm.
//! Never on an HTTP crate or another adapter.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod connection_health;
mod cursor;
mod entities;
mod error;
#[cfg(test)]
mod explain;
mod held_connection;
pub mod instances;
mod migrate;
mod outgoing;
mod pool;
mod pool_waiters;
mod pools;
mod readiness;
#[cfg(feature = "replay")]
pub mod replay;
mod replica;
mod repositories;
mod request_scope;
mod timing;
mod unit_of_work;
mod warm;

pub use migrate::migrate;
pub use pool::{
    DEFAULT_MAX_CONNECTIONS, PoolSettings, Pooling, UnknownPooling, cancel_statements, connect,
};
pub use pool_waiters::{connection_waiters, connections_handed_out};
pub use pools::DatabasePools;
pub use prosektor_migration::{
    BackfillSettings, Migrated, Rollout, RolloutError, latest_migration,
};
pub use readiness::PostgresReadiness;
pub use replica::ReplicaSettings;
pub use repositories::activity::PgActivityFeed;
pub use repositories::company::PgCompanyRepository;
pub use repositories::dashboard::PgDashboardFigures;
pub use repositories::idempotency::PgIdempotencyStore;
pub use repositories::invoice::PgInvoiceRepository;
pub use repositories::pages::PgPageRepository;
pub use repositories::pipeline::PgPipelineRunRepository;
pub use repositories::project::PgWebProjectRepository;
pub use repositories::stats::PgDailyStatsRepository;
pub use repositories::throttle::PgThrottle;
pub use repositories::user::PgUserRepository;
pub use request_scope::PgConnectionScope;
pub use sea_orm::{DatabaseConnection, DbErr};
pub use warm::connections_reused;
