//! [`Held`]: the connections a request keeps between its statements (`crate::request_scope`).
//!
//! A request holding its connections takes one per pool (the primary's, a replica's) at its first
//! statement there and keeps it; the statements after it reuse it. When the request ends, its
//! connections go to their pool's shelf (`crate::warm`), where the next request finds them, rather
//! than back to the pool, which would check each with a round trip. A transaction started inside
//! gives the held primary connection back to the pool first (it takes its own from the pool), so a
//! request never holds two connections of one pool, and a pool smaller than the number of
//! requests cannot deadlock on requests that each hold one and wait for another.
//!
//! A connection whose error shows a broken session (the server went away or terminated the
//! backend, a restart, a session left read-only), or that did not answer within its target's
//! bound, is dropped rather than kept: the next statement takes a fresh one, as it would on the
//! pool.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::sqlx::pool::PoolConnection;
use sea_orm::sqlx::postgres::PgPool;
use sea_orm::sqlx::{self, Executor, Postgres};
use sea_orm::{ConnAcquireErr, DbErr, ExecResult, QueryResult, RuntimeErr, Statement};
use tokio::sync::{Mutex, MutexGuard};

use crate::error::breaks_connection;
use crate::outgoing::Outgoing;
use crate::pools::Protocol;
use crate::warm::{self, WarmConnections};

/// Which pool a connection came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// The primary: every write, and every read that must see the latest state.
    Primary,
    /// A read replica: reads that tolerate bounded staleness.
    Replica,
}

/// Where a statement goes: a pool, how statements travel to it, and how long it may take.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'p> {
    /// The pool a connection is taken from.
    pub(crate) pool: &'p PgPool,
    /// How statements travel to it.
    pub(crate) protocol: &'p Protocol,
    /// Which pool it is.
    pub(crate) role: Role,
    /// The longest a statement may take before its connection is dropped and it fails (a
    /// replica's, so that a frozen one sends its reads to the primary in time); `None` leaves
    /// it to the statement timeout.
    pub(crate) bound: Option<Duration>,
    /// The pool's shelf of connections given back without a check (`crate::warm`); `None`: they
    /// go back to the pool.
    pub(crate) warm: Option<&'p Arc<WarmConnections>>,
}

/// A request's connections, one per pool, each taken at its first statement there. Outside a
/// request scope, a statement runs on a fresh `Held` of its own: it takes a connection and gives
/// it back when it is done, as the pool would.
#[derive(Debug, Default)]
pub(crate) struct Held {
    primary: Mutex<Option<Lease>>,
    replica: Mutex<Option<Lease>>,
    /// For work beside a request's own (`crate::request_scope`): the request's connections,
    /// which a statement shares when no connection of its own is idle at once.
    request: Option<Arc<Held>>,
}

type Slot<'a> = MutexGuard<'a, Option<Lease>>;

/// A held connection; dropped, it goes to its pool's shelf (or the pool, without one).
#[derive(Debug)]
struct Lease {
    connection: Option<PoolConnection<Postgres>>,
    warm: Option<Arc<WarmConnections>>,
}

impl Lease {
    /// Gives the connection to its pool, which checks it: before a transaction takes one from
    /// the pool, or when an error showed the connection broken (the pool then discards it).
    fn back_to_pool(mut self) {
        self.warm = None;
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let (Some(connection), Some(warm)) = (self.connection.take(), &self.warm) {
            warm.put(connection);
        }
    }
}

impl Held {
    /// The connections of work beside `request`'s own: each taken from its pool's shelf if one
    /// is there at once, else `request`'s shared, so that the work never waits for a second
    /// connection while `request` holds one.
    pub(crate) fn beside(request: Arc<Held>) -> Self {
        Self {
            request: Some(request),
            ..Self::default()
        }
    }

    /// Gives the held primary connection back to the pool (before a transaction takes its own).
    pub(crate) async fn give_back(&self) {
        if let Some(lease) = self.primary.lock().await.take() {
            lease.back_to_pool();
        }
    }

    /// Runs `stmt` and returns what it changed.
    pub(crate) async fn execute(
        &self,
        target: Target<'_>,
        stmt: &Statement,
    ) -> Result<ExecResult, DbErr> {
        let outgoing = Outgoing::of(stmt, target.protocol)?;
        let mut slot = self.taken(target).await?;
        let outcome = bounded(target.bound, connection(&mut slot)?.execute(outgoing)).await;
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
        let mut slot = self.taken(target).await?;
        let outcome = bounded(target.bound, connection(&mut slot)?.execute(outgoing)).await;
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
        let mut slot = self.taken(target).await?;
        let outcome = bounded(
            target.bound,
            connection(&mut slot)?.fetch_optional(outgoing),
        )
        .await;
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
        let mut slot = self.taken(target).await?;
        let outcome = bounded(target.bound, connection(&mut slot)?.fetch_all(outgoing)).await;
        keep_if_sound(&mut slot, outcome)
            .map(|rows| rows.into_iter().map(QueryResult::from).collect())
            .map_err(query_error)
    }

    /// The target's slot, with a connection in it: the held one, one from the pool's shelf, or
    /// one taken from its pool now (counted as a waiter until it has one, like any statement on
    /// the pool). Beside a request, the shelf's connection or else the request's slot.
    async fn taken(&self, target: Target<'_>) -> Result<Slot<'_>, DbErr> {
        let Some(request) = &self.request else {
            return self.own(target).await;
        };
        let mut slot = self.slot(target.role).await;
        if slot.is_none() {
            match target.warm.and_then(|warm| warm.take()) {
                Some(connection) => {
                    *slot = Some(Lease {
                        connection: Some(connection),
                        warm: target.warm.cloned(),
                    });
                }
                None => {
                    if let Some(warm) = target.warm {
                        warm.top_up(target.pool);
                    }
                    return request.own(target).await;
                }
            }
        }
        Ok(slot)
    }

    /// The slot of `role`'s connection, locked.
    async fn slot(&self, role: Role) -> Slot<'_> {
        match role {
            Role::Primary => self.primary.lock().await,
            Role::Replica => self.replica.lock().await,
        }
    }

    /// The target's slot, with a connection in it: the held one, one from the pool's shelf, or
    /// one taken from its pool now.
    async fn own(&self, target: Target<'_>) -> Result<Slot<'_>, DbErr> {
        let mut slot = self.slot(target.role).await;
        if slot.is_none() {
            let acquire = warm::acquire(target.warm.map(Arc::as_ref), target.pool);
            let connection = match target.bound {
                Some(bound) => tokio::time::timeout(bound, acquire)
                    .await
                    .unwrap_or(Err(sqlx::Error::PoolTimedOut)),
                None => acquire.await,
            }
            .map_err(acquire_error)?;
            *slot = Some(Lease {
                connection: Some(connection),
                warm: target.warm.cloned(),
            });
        }
        Ok(slot)
    }
}

/// `statement`, failing as a broken connection when it takes longer than `bound`.
async fn bounded<T>(
    bound: Option<Duration>,
    statement: impl Future<Output = Result<T, sqlx::Error>>,
) -> Result<T, sqlx::Error> {
    match bound {
        Some(bound) => tokio::time::timeout(bound, statement)
            .await
            .unwrap_or_else(|_| {
                Err(sqlx::Error::Io(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("no answer within {bound:?}"),
                )))
            }),
        None => statement.await,
    }
}

/// The connection in a slot [`Held::taken`] filled.
fn connection<'s>(slot: &'s mut Slot<'_>) -> Result<&'s mut sqlx::PgConnection, DbErr> {
    slot.as_mut()
        .and_then(|lease| lease.connection.as_deref_mut())
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
        && let Some(lease) = slot.take()
    {
        lease.back_to_pool();
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
