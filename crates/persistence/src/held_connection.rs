//! One connection for a whole request ([`holding`]).
//!
//! On the pool, every statement takes a connection and gives it back, and sqlx pings a connection
//! it is given back (an empty query: a second round trip per statement, which PostgreSQL answers
//! like any other). Inside [`holding`], the first statement outside a transaction takes a
//! connection and keeps it; the statements after it reuse it, and the ping is paid once, when the
//! scope ends. A transaction started inside gives the held connection back first (it takes its
//! own from the pool), so work in a scope never holds two connections, and a pool smaller than
//! the number of requests cannot deadlock on requests that each hold one and wait for another.
//!
//! A connection whose error shows a broken session (the server went away or terminated the
//! backend, a restart, a session left read-only) is dropped rather than kept: the next statement
//! takes a fresh one, as it would on the pool.

use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;
use prosektor_application::{ConnectionScope, ScopedWork};
use sea_orm::sqlx::pool::PoolConnection;
use sea_orm::sqlx::postgres::PgPool;
use sea_orm::sqlx::{self, Executor, Postgres};
use sea_orm::{ConnAcquireErr, DbErr, ExecResult, QueryResult, RuntimeErr, Statement};
use tokio::sync::{Mutex, MutexGuard};

use crate::error::breaks_connection;
use crate::outgoing::Outgoing;
use crate::pool_waiters::counted;
use crate::pools::Protocol;

tokio::task_local! {
    /// The connection slot of the scope this task runs in, if any.
    static HELD: Arc<Held>;
}

/// Runs `work` so that its statements outside a transaction share one connection (see the
/// module's documentation).
pub(crate) async fn holding<F: Future>(work: F) -> F::Output {
    HELD.scope(Arc::new(Held::default()), work).await
}

/// The current scope's connection slot, if the task runs in one.
pub(crate) fn held() -> Option<Arc<Held>> {
    HELD.try_with(Arc::clone).ok()
}

/// Where a statement goes: a pool, and what stands between it and PostgreSQL.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'p> {
    /// The pool a connection is taken from.
    pub(crate) pool: &'p PgPool,
    /// How statements travel to it.
    pub(crate) protocol: &'p Protocol,
}

/// A scope's connection, taken at its first statement. Outside a scope, a statement runs on a
/// fresh `Held` of its own: it takes a connection and gives it back when it is done, as the
/// pool would.
#[derive(Debug, Default)]
pub(crate) struct Held {
    connection: Mutex<Option<PoolConnection<Postgres>>>,
}

type Slot<'a> = MutexGuard<'a, Option<PoolConnection<Postgres>>>;

impl Held {
    /// Gives the held connection back to the pool (before a transaction takes its own).
    pub(crate) async fn give_back(&self) {
        self.connection.lock().await.take();
    }

    /// Runs `stmt` and returns what it changed.
    pub(crate) async fn execute(
        &self,
        target: Target<'_>,
        stmt: &Statement,
    ) -> Result<ExecResult, DbErr> {
        let outgoing = Outgoing::of(stmt, target.protocol)?;
        let mut slot = self.taken(target.pool).await?;
        let outcome = connection(&mut slot)?.execute(outgoing).await;
        keep_if_sound(&mut slot, outcome)
            .map(ExecResult::from)
            .map_err(exec_error)
    }

    /// Runs `sql` as a simple query (no parameters, several statements allowed).
    pub(crate) async fn execute_unprepared(
        &self,
        target: Target<'_>,
        sql: &str,
    ) -> Result<ExecResult, DbErr> {
        let outgoing = Outgoing::unprepared(sql, target.protocol);
        let mut slot = self.taken(target.pool).await?;
        let outcome = connection(&mut slot)?.execute(outgoing).await;
        keep_if_sound(&mut slot, outcome)
            .map(ExecResult::from)
            .map_err(exec_error)
    }

    /// Runs `stmt` and returns its first row, if any.
    pub(crate) async fn query_one(
        &self,
        target: Target<'_>,
        stmt: &Statement,
    ) -> Result<Option<QueryResult>, DbErr> {
        let outgoing = Outgoing::of(stmt, target.protocol)?;
        let mut slot = self.taken(target.pool).await?;
        let outcome = connection(&mut slot)?.fetch_optional(outgoing).await;
        keep_if_sound(&mut slot, outcome)
            .map(|row| row.map(QueryResult::from))
            .map_err(query_error)
    }

    /// Runs `stmt` and returns its rows.
    pub(crate) async fn query_all(
        &self,
        target: Target<'_>,
        stmt: &Statement,
    ) -> Result<Vec<QueryResult>, DbErr> {
        let outgoing = Outgoing::of(stmt, target.protocol)?;
        let mut slot = self.taken(target.pool).await?;
        let outcome = connection(&mut slot)?.fetch_all(outgoing).await;
        keep_if_sound(&mut slot, outcome)
            .map(|rows| rows.into_iter().map(QueryResult::from).collect())
            .map_err(query_error)
    }

    /// The slot, with a connection in it: the held one, or one taken from `pool` now (counted
    /// as a waiter until the pool hands it over, like any statement on the pool).
    async fn taken(&self, pool: &PgPool) -> Result<Slot<'_>, DbErr> {
        let mut slot = self.connection.lock().await;
        if slot.is_none() {
            *slot = Some(counted(pool.acquire()).await.map_err(acquire_error)?);
        }
        Ok(slot)
    }
}

/// The connection in a slot [`Held::taken`] filled.
fn connection<'s>(slot: &'s mut Slot<'_>) -> Result<&'s mut sqlx::PgConnection, DbErr> {
    slot.as_deref_mut()
        .ok_or(DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed))
}

/// `outcome`, dropping the held connection when the error says the session is broken (an I/O
/// or protocol error, a terminated backend, a session left read-only: the errors after which
/// the pool discards connections too); any other error leaves it ready for the next statement.
fn keep_if_sound<T>(
    slot: &mut Slot<'_>,
    outcome: Result<T, sqlx::Error>,
) -> Result<T, sqlx::Error> {
    if let Err(error) = &outcome
        && breaks_connection(error)
    {
        slot.take();
    }
    outcome
}

/// The error sea-orm gives for a failed execution, so that error translation reads one kind.
fn exec_error(error: sqlx::Error) -> DbErr {
    DbErr::Exec(RuntimeErr::SqlxError(Arc::new(error)))
}

/// The error sea-orm gives for a failed query, so that error translation reads one kind.
fn query_error(error: sqlx::Error) -> DbErr {
    DbErr::Query(RuntimeErr::SqlxError(Arc::new(error)))
}

/// The error sea-orm gives when the pool hands out no connection.
fn acquire_error(error: sqlx::Error) -> DbErr {
    match error {
        sqlx::Error::PoolTimedOut => DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
        sqlx::Error::PoolClosed => DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed),
        other => DbErr::Conn(RuntimeErr::SqlxError(Arc::new(other))),
    }
}

/// [`ConnectionScope`] on this crate's repositories: work run in it sends its statements over
/// one connection, taken from the pool of the repository that sends the first one (see the
/// module's documentation). The repositories a scope's work calls must therefore share one pool,
/// as the server builds them.
#[derive(Debug, Clone, Copy, Default)]
pub struct PgConnectionScope;

#[async_trait]
impl ConnectionScope for PgConnectionScope {
    async fn run(&self, work: ScopedWork<'_>) {
        holding(work).await;
    }
}
