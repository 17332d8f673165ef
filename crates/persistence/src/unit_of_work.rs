//! [`Db`]: the handle every repository works through. Outside a unit of work it is the pool;
//! inside one ([`within`]) every statement of every repository, on this task, runs in the unit's
//! one transaction, and a repository's own transaction becomes a savepoint of it. That is how an
//! idempotent request stores its response in the same transaction as its effect
//! (`crate::idempotency`): the effect and the record commit together, or neither does. Outside a
//! unit of work but inside a read request's scope (`crate::request_scope`), statements share the
//! request's held connections, and a transaction gives the primary's back before it starts; the
//! reads of a [`Db::stale_ok`] handle may go to the replica. On the pool, each call counts as a
//! waiter until it has its connection (`crate::pool_waiters`).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_trait::async_trait;
use sea_orm::sqlx::postgres::PgPool;
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    ExecResult, IsolationLevel, QueryResult, Statement, TransactionError, TransactionOptions,
    TransactionTrait,
};

use crate::error::server_unavailable;
use crate::held_connection::{Held, Role, Target};
use crate::pool_waiters::counted;
use crate::pools::{DatabasePools, Protocol};
use crate::replica::{Replica, Verdict};
use crate::request_scope;
use crate::warm::{exhausted, release_everywhere};

tokio::task_local! {
    /// The transaction of the unit of work this task runs in, if any.
    static AMBIENT: Arc<DatabaseTransaction>;
}

/// Runs `work` with `transaction` as the unit of work of every repository it calls on this task.
pub(crate) async fn within<F: Future>(transaction: Arc<DatabaseTransaction>, work: F) -> F::Output {
    AMBIENT.scope(transaction, work).await
}

/// The unit of work of the current task, if any.
fn ambient() -> Option<Arc<DatabaseTransaction>> {
    AMBIENT.try_with(Arc::clone).ok()
}

/// Runs `start`, a transaction's start on the pool, after the held connection of the scope the
/// task runs in (if any) went back to the pool: a scope never holds two connections.
async fn counted_after_give_back<F: Future>(pool: &PgPool, start: F) -> F::Output {
    if let Some(held) = request_scope::current().and_then(|scope| scope.held()) {
        held.give_back().await;
    }
    counted(async {
        // The transaction takes its connection from the pool itself, never from a shelf.
        if exhausted(pool) {
            release_everywhere();
        }
        start.await
    })
    .await
}

/// The pool, or the current unit of work's transaction (see the module's documentation).
#[derive(Debug, Clone)]
pub(crate) struct Db {
    pools: DatabasePools,
    /// Whether this handle's reads tolerate bounded staleness ([`Db::stale_ok`]).
    stale_ok: bool,
}

impl Db {
    /// A handle over `pools`.
    pub(crate) fn new(pools: impl Into<DatabasePools>) -> Self {
        Self {
            pools: pools.into(),
            stale_ok: false,
        }
    }

    /// This handle for reads that tolerate bounded staleness (listings, searches, dashboards,
    /// analytics): inside a read request, while the replica is fresh enough and holds the
    /// caller's last write, they go to the replica (`crate::request_scope`).
    pub(crate) fn stale_ok(&self) -> Self {
        Self {
            pools: self.pools.clone(),
            stale_ok: true,
        }
    }

    /// The replica this read may go to now, if any, counting where it went and why.
    fn replica_for_read(&self) -> Option<&Replica> {
        if !self.stale_ok {
            return None;
        }
        let replica = self.pools.replica.as_ref()?;
        let scope = request_scope::current().filter(|scope| scope.reads_only())?;
        let verdict = replica.verdict(scope.caller_wrote_at());
        let served_by = if verdict == Verdict::Fresh {
            "replica"
        } else {
            "primary"
        };
        metrics::counter!("db_stale_reads_total", "served_by" => served_by, "reason" => verdict.as_str())
            .increment(1);
        (verdict == Verdict::Fresh).then_some(replica)
    }

    /// After a read on `replica` failed with `error`: a replica that cannot answer is taken out
    /// until the sampler reaches it again; the read is retried on the primary either way.
    fn fell_back(replica: &Replica, error: &DbErr) {
        if server_unavailable(error) {
            replica.mark_down();
        }
        tracing::warn!(%error, "a read on the replica failed: read from the primary");
        metrics::counter!("db_stale_reads_total", "served_by" => "primary", "reason" => "failed")
            .increment(1);
    }

    /// The primary's pool (transactions start there).
    const fn pool(&self) -> &DatabaseConnection {
        &self.pools.primary
    }

    /// Where a statement outside a unit of work goes.
    fn target(&self) -> Target<'_> {
        Target {
            pool: self.pools.primary.get_postgres_connection_pool(),
            protocol: &self.pools.protocol,
            role: Role::Primary,
            bound: None,
            warm: Some(&self.pools.warm),
        }
    }

    /// The transaction `begin` starts on the pool (after giving back the scope's held
    /// connection), with the pool's settings set for it when no session is ours.
    async fn begun(
        &self,
        begin: impl Future<Output = Result<DatabaseTransaction, DbErr>>,
    ) -> Result<DatabaseTransaction, DbErr> {
        let transaction =
            counted_after_give_back(self.pool().get_postgres_connection_pool(), begin).await?;
        if let Protocol::Simple { local_settings } = &self.pools.protocol {
            transaction.execute_unprepared(local_settings).await?;
        }
        Ok(transaction)
    }
}

/// The held connections of the read request this task serves, or else a slot of the
/// statement's own (it takes a connection and gives it back when done).
fn slot() -> Arc<Held> {
    request_scope::current()
        .and_then(|scope| scope.held())
        .unwrap_or_default()
}

#[async_trait]
impl ConnectionTrait for Db {
    fn get_database_backend(&self) -> DbBackend {
        self.pool().get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        match ambient() {
            Some(unit) => unit.execute_raw(stmt).await,
            None => slot().execute(self.target(), &stmt).await,
        }
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        match ambient() {
            Some(unit) => unit.execute_unprepared(sql).await,
            None => slot().execute_unprepared(self.target(), sql).await,
        }
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        match ambient() {
            Some(unit) => unit.query_one_raw(stmt).await,
            None => {
                let held = slot();
                if let Some(replica) = self.replica_for_read() {
                    match held.query_one(replica.target(), &stmt).await {
                        Ok(row) => return Ok(row),
                        Err(error) => Self::fell_back(replica, &error),
                    }
                }
                held.query_one(self.target(), &stmt).await
            }
        }
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        match ambient() {
            Some(unit) => unit.query_all_raw(stmt).await,
            None => {
                let held = slot();
                if let Some(replica) = self.replica_for_read() {
                    match held.query_all(replica.target(), &stmt).await {
                        Ok(rows) => return Ok(rows),
                        Err(error) => Self::fell_back(replica, &error),
                    }
                }
                held.query_all(self.target(), &stmt).await
            }
        }
    }
}

#[async_trait]
impl TransactionTrait for Db {
    type Transaction = DatabaseTransaction;

    async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        match ambient() {
            Some(unit) => unit.begin().await,
            None => self.begun(self.pool().begin()).await,
        }
    }

    async fn begin_with_config(
        &self,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<DatabaseTransaction, DbErr> {
        match ambient() {
            Some(unit) => unit.begin_with_config(isolation_level, access_mode).await,
            None => {
                self.begun(self.pool().begin_with_config(isolation_level, access_mode))
                    .await
            }
        }
    }

    async fn begin_with_options(
        &self,
        options: TransactionOptions,
    ) -> Result<DatabaseTransaction, DbErr> {
        match ambient() {
            Some(unit) => unit.begin_with_options(options).await,
            None => self.begun(self.pool().begin_with_options(options)).await,
        }
    }

    async fn transaction<F, T, E>(&self, callback: F) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(
                &'c DatabaseTransaction,
            ) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
            + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        self.transaction_with_config(callback, None, None).await
    }

    async fn transaction_with_config<F, T, E>(
        &self,
        callback: F,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(
                &'c DatabaseTransaction,
            ) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
            + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        let transaction = self
            .begin_with_config(isolation_level, access_mode)
            .await
            .map_err(TransactionError::Connection)?;
        match callback(&transaction).await {
            Ok(value) => {
                transaction
                    .commit()
                    .await
                    .map_err(TransactionError::Connection)?;
                Ok(value)
            }
            Err(error) => {
                // Dropped, an uncommitted transaction rolls back; saying so ends it now.
                transaction
                    .rollback()
                    .await
                    .map_err(TransactionError::Connection)?;
                Err(TransactionError::Transaction(error))
            }
        }
    }
}
