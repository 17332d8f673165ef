//! [`WarmConnections`]: connections a statement or request just finished with, kept for the next
//! one instead of going back to the pool.
//!
//! sqlx checks every connection given back to its pool with a round trip (`return_to_pool` sends
//! a `Sync` and waits for PostgreSQL's answer, unconditionally), and under steady load the next
//! request takes the same connection a moment later. Connections are therefore shelved here when
//! their holder ends (`crate::held_connection`), and the next statement takes the most recently
//! shelved one before it asks the pool: no round trip on either side. To the pool a shelved
//! connection is still checked out, so the shelf gives its connections back whenever someone else
//! may need them:
//! - a connection shelved while a caller of this process waits for a pool goes back at once;
//! - a caller that finds its shelf empty and the pool exhausted first empties every shelf of the
//!   process (several shelves can share one pool: a test builds repositories over one pool, each
//!   with a shelf of its own), and so does a transaction about to start, which takes its
//!   connection from the pool itself;
//! - a connection shelved for longer than the pool's own idle check ([`PING_WHEN_IDLE_FOR`]), or
//!   before the database last broke a connection (`crate::connection_health`), goes back to the
//!   pool, which checks or discards it, instead of being used;
//! - closing the pools empties the shelves first ([`DatabasePools::close`]).
//!
//! [`PING_WHEN_IDLE_FOR`]: crate::pool
//! [`DatabasePools::close`]: crate::DatabasePools::close

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Instant;

use sea_orm::sqlx::Postgres;
use sea_orm::sqlx::pool::PoolConnection;
use sea_orm::sqlx::postgres::PgPool;

use crate::connection_health::distrusted;
use crate::pool::PING_WHEN_IDLE_FOR;
use crate::pool_waiters::{connection_waiters, counted};

/// Every shelf of this process, so that a caller about to wait for a pool can empty them all.
static SHELVES: LazyLock<Mutex<Vec<Weak<WarmConnections>>>> = LazyLock::new(Mutex::default);

/// Connections taken from a shelf since this process started.
static REUSED: AtomicU64 = AtomicU64::new(0);

/// Connections the shelves of this process handed out again, since it started: with
/// [`connections_handed_out`](crate::connections_handed_out), every connection a statement,
/// transaction or read request took (only a checkout costs sqlx's round trip when it ends).
#[must_use]
pub fn connections_reused() -> u64 {
    REUSED.load(Ordering::Relaxed)
}

/// The connections of one pool that their last holders gave back here (see the module's
/// documentation), the most recent last.
#[derive(Debug, Default)]
pub(crate) struct WarmConnections {
    shelf: Mutex<Vec<Shelved>>,
}

#[derive(Debug)]
struct Shelved {
    connection: PoolConnection<Postgres>,
    since: Instant,
}

impl WarmConnections {
    /// An empty shelf, known to [`release_everywhere`].
    pub(crate) fn new() -> Arc<Self> {
        let warm = Arc::new(Self::default());
        let mut shelves = lock(&SHELVES);
        shelves.retain(|shelf| shelf.strong_count() > 0);
        shelves.push(Arc::downgrade(&warm));
        warm
    }

    /// The most recently shelved connection, if it is fit to use without a check. When it is not
    /// (shelved too long, or before a break), neither is any below it: all go back to the pool.
    pub(crate) fn take(&self) -> Option<PoolConnection<Postgres>> {
        let mut shelf = lock(&self.shelf);
        let top = shelf.pop()?;
        let idle = top.since.elapsed();
        if idle < PING_WHEN_IDLE_FOR && !distrusted(idle) {
            REUSED.fetch_add(1, Ordering::Relaxed);
            return Some(top.connection);
        }
        let stale = std::mem::take(&mut *shelf);
        drop(shelf);
        drop((top, stale));
        None
    }

    /// Shelves `connection`; it goes back to the pool at once if a caller waits for one.
    pub(crate) fn put(&self, connection: PoolConnection<Postgres>) {
        let mut shelf = lock(&self.shelf);
        shelf.push(Shelved {
            connection,
            since: Instant::now(),
        });
        // A caller counts itself as waiting before it looks at its shelf again (`acquire`):
        // either it finds this connection there, or it is counted by now and gets one back.
        let released = (connection_waiters() > 0).then(|| shelf.pop()).flatten();
        drop(shelf);
        drop(released);
    }

    /// How many connections are on the shelf.
    pub(crate) fn len(&self) -> usize {
        lock(&self.shelf).len()
    }

    /// Gives every shelved connection back to the pool.
    pub(crate) fn release_all(&self) {
        let released = std::mem::take(&mut *lock(&self.shelf));
        drop(released);
    }
}

impl Drop for WarmConnections {
    fn drop(&mut self) {
        let shelved = std::mem::take(self.shelf.get_mut().unwrap_or_else(PoisonError::into_inner));
        if tokio::runtime::Handle::try_current().is_err() {
            // Giving a connection back to the pool needs a runtime; without one (the process is
            // ending) each is closed where it is.
            for entry in shelved {
                drop(entry.connection.leak());
            }
        }
    }
}

/// A connection for a statement: the most recently shelved one on `warm`, or else one from
/// `pool` (after emptying every shelf of the process when the pool has none to spare), counted as
/// a waiter until it has one (`crate::pool_waiters`).
pub(crate) async fn acquire(
    warm: Option<&WarmConnections>,
    pool: &PgPool,
) -> Result<PoolConnection<Postgres>, sea_orm::sqlx::Error> {
    if let Some(connection) = warm.and_then(WarmConnections::take) {
        return Ok(connection);
    }
    counted(async {
        // Counted first, then the shelf again: a connection shelved meanwhile is either found
        // here or given back to the pool by `put`.
        if let Some(connection) = warm.and_then(WarmConnections::take) {
            return Ok(connection);
        }
        if exhausted(pool) {
            release_everywhere();
        }
        pool.acquire().await
    })
    .await
}

/// Whether `pool` has no idle connection and may open no other.
pub(crate) fn exhausted(pool: &PgPool) -> bool {
    pool.num_idle() == 0 && pool.size() >= pool.options().get_max_connections()
}

/// Gives the connections of every shelf of this process back to their pools.
pub(crate) fn release_everywhere() {
    let shelves: Vec<Arc<WarmConnections>> =
        lock(&SHELVES).iter().filter_map(Weak::upgrade).collect();
    for shelf in shelves {
        shelf.release_all();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
