//! [`DatabasePools`]: what the repositories work on.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::{DatabaseConnection, DbErr};

use crate::pool::{PoolSettings, Pooling};
use crate::replica::{Replica, ReplicaSettings};
use crate::warm::WarmConnections;

/// The pool of the primary, optionally a read replica's, and how statements travel to them.
/// Every repository is built over one; a plain pool converts into one with nothing between it
/// and PostgreSQL (`Pooling::Direct`) and no replica.
#[derive(Debug, Clone)]
pub struct DatabasePools {
    pub(crate) primary: DatabaseConnection,
    pub(crate) protocol: Protocol,
    /// The primary's connections given back without a check (`crate::warm`).
    pub(crate) warm: Arc<WarmConnections>,
    /// The read replica, if one is configured.
    pub(crate) replica: Option<Replica>,
}

/// How statements travel to a pool (see `crate::outgoing`).
#[derive(Debug, Clone)]
pub(crate) enum Protocol {
    /// Prepared and cached per connection; the session's settings were set when it opened.
    Prepared,
    /// One simple-protocol message per statement outside a transaction, parameters inlined,
    /// every statement and transaction preceded by `local_settings` (`SET LOCAL ...`, which
    /// ends with its transaction, so nothing stays on the pooler's server connection).
    Simple {
        /// The settings' statements, or empty.
        local_settings: Arc<str>,
    },
}

impl DatabasePools {
    /// The pools over `primary`, opened with `settings`.
    pub fn new(primary: DatabaseConnection, settings: &PoolSettings) -> Self {
        let protocol = match settings.pooling {
            Pooling::Direct => Protocol::Prepared,
            Pooling::Transaction => Protocol::Simple {
                local_settings: settings.local_settings().into(),
            },
        };
        Self {
            primary,
            protocol,
            warm: WarmConnections::new(),
            replica: None,
        }
    }

    /// These pools with `replica`, opened with `settings`, serving the reads that tolerate
    /// staleness while it holds everything older than `replica_settings.max_lag`
    /// (`crate::replica`). Starts sampling its freshness: call it inside a Tokio runtime.
    #[must_use]
    pub fn with_replica(
        mut self,
        replica: DatabaseConnection,
        settings: &PoolSettings,
        replica_settings: ReplicaSettings,
    ) -> Self {
        let protocol = Self::new(replica.clone(), settings).protocol;
        let primary = (
            self.primary.get_postgres_connection_pool().clone(),
            self.protocol.clone(),
        );
        self.replica = Some(Replica::new(replica, protocol, replica_settings, primary));
        self
    }

    /// The primary's pool.
    pub const fn primary(&self) -> &DatabaseConnection {
        &self.primary
    }

    /// The primary pool's connections on its shelf (`crate::warm`): checked out as far as the
    /// pool knows, but in no one's use.
    pub fn shelved_connections(&self) -> usize {
        self.warm.len()
    }

    /// Whether a read request starting now could have its own connection and one more beside
    /// it without waiting: two among the shelved connections, the pool's idle ones and those it
    /// may still open. The read takes the first (the shelf first); work beside it takes a
    /// shelved one, or shares the read's while the pool tops the shelf up for the next read.
    /// When two cannot be had, the work could only share the read's connection, one statement
    /// after the other, gaining nothing.
    pub(crate) fn spares_two_connections(&self) -> bool {
        let pool = self.primary.get_postgres_connection_pool();
        let openable = pool
            .options()
            .get_max_connections()
            .saturating_sub(pool.size());
        let ready = self.warm.len() + pool.num_idle() + openable as usize;
        ready >= 2
    }

    /// Gives the shelved connections back (and from now on every connection given back) and
    /// closes the pools, waiting until the connections in use come back.
    ///
    /// # Errors
    /// The driver's, when closing a pool fails.
    pub async fn close(&self) -> Result<(), DbErr> {
        self.warm.close();
        if let Some(replica) = &self.replica {
            replica.warm.close();
            replica.pool.clone().close().await?;
        }
        self.primary.clone().close().await
    }

    /// How far behind the primary the read replica is known to be: `None` without a replica,
    /// while it is down, or before it has replayed any of the primary's samples.
    pub fn replica_staleness(&self) -> Option<Duration> {
        self.replica.as_ref()?.staleness()
    }
}

impl From<DatabaseConnection> for DatabasePools {
    fn from(primary: DatabaseConnection) -> Self {
        Self {
            primary,
            protocol: Protocol::Prepared,
            warm: WarmConnections::new(),
            replica: None,
        }
    }
}
