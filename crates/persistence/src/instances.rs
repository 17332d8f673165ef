//! The registry of running servers and workers (`service_instances`) that contract migrations
//! consult: an instance registers with the newest migration its build knows, renews a heartbeat
//! every [`HEARTBEAT_EVERY`], and removes itself when it stops; one whose heartbeat is older than
//! [`INSTANCE_EXPIRES_AFTER`](prosektor_migration::INSTANCE_EXPIRES_AFTER) (it crashed) no longer counts.

use std::time::Duration;

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

use prosektor_migration::latest_migration;

use crate::pools::DatabasePools;
use crate::unit_of_work::Db;

/// How often a live instance renews its registration.
pub const HEARTBEAT_EVERY: Duration = Duration::from_secs(10);

/// Registrations expired this long are removed when another instance registers.
const FORGOTTEN_AFTER: &str = "1 day";

/// What kind of process an instance is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceKind {
    /// `serve`: the HTTP API (with its background workers).
    Server,
    /// `worker`: pipeline workers only.
    Worker,
}

impl InstanceKind {
    const fn as_str(self) -> &'static str {
        match self {
            Self::Server => "server",
            Self::Worker => "worker",
        }
    }
}

/// Registers instance `id` of `kind`, running this build, as live now; called again, renews its
/// heartbeat (and registers it again if its row was removed meanwhile).
///
/// # Errors
/// The driver's error.
pub async fn register(pools: &DatabasePools, id: &str, kind: InstanceKind) -> Result<(), DbErr> {
    Db::new(pools.clone())
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "WITH forgotten AS (DELETE FROM service_instances \
             WHERE heartbeat_at < now() - interval '{FORGOTTEN_AFTER}') \
             INSERT INTO service_instances (id, kind, version, knows_through) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()"
            ),
            [
                id.into(),
                kind.as_str().into(),
                env!("CARGO_PKG_VERSION").into(),
                latest_migration().into(),
            ],
        ))
        .await
        .map(drop)
}

/// Removes instance `id`: it stops now.
///
/// # Errors
/// The driver's error.
pub async fn deregister(pools: &DatabasePools, id: &str) -> Result<(), DbErr> {
    Db::new(pools.clone())
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "DELETE FROM service_instances WHERE id = $1",
            [id.into()],
        ))
        .await
        .map(drop)
}
