//! # prosektor-persistence
//!
//! The SeaORM adapter: opens the PostgreSQL pool, applies the migration history, and implements the
//! application's ports (repositories, readiness) on PostgreSQL, translating driver errors into
//! domain meaning so that nothing of sea-orm leaks upward.
//!
//! May depend on: `prosektor-domain`, `prosektor-application`, `prosektor-migration`, sea-orm. Never
//! on an HTTP crate.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod migrate;
mod pool;
mod readiness;

pub use migrate::migrate;
pub use pool::{PoolSettings, connect};
pub use readiness::PostgresReadiness;
pub use sea_orm::{DatabaseConnection, DbErr};
