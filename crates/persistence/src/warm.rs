//! [`WarmConnections`]: connections a statement or request just finished with, kept for the next
//! one instead of going back to the pool.
//!
//! sqlx checks every connection given back to its pool with a round trip (`return_to_pool` sends
//! a `Sync` and waits for PostgreSQL's answer, unconditionally), and under steady load the next
//! request takes the same connection a moment later. Connections are therefore shelved here when
//! their holder ends (`crate::held_connection`), and the next statement takes the most recently
//! shelved one before it asks the pool: no round trip on either side. A caller of the shelf that
//! finds it empty waits for both the pool and the shelf, and a connection shelved while such
//! callers wait is handed to the first of them (so under a load that keeps every connection busy,
//! connections still pass from one request to the next without the check). To the pool a shelved
//! connection is still checked out, so the shelf gives its connections back whenever someone else
//! may need them:
//! - a connection shelved while a caller that waits for the pool alone (a transaction, a caller of
//!   another shelf) waits goes back to the pool at once;
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

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Instant;

use sea_orm::sqlx::Postgres;
use sea_orm::sqlx::pool::PoolConnection;
use sea_orm::sqlx::postgres::PgPool;
use tokio::sync::Notify;

use crate::connection_health::opened_before_last_break;
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
    /// Callers of this shelf waiting for a connection (from it or from the pool).
    waiting: AtomicUsize,
    /// Wakes one of them per connection shelved while they wait.
    shelved: Notify,
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
        if idle < PING_WHEN_IDLE_FOR && !opened_before_last_break(idle) {
            REUSED.fetch_add(1, Ordering::Relaxed);
            return Some(top.connection);
        }
        let stale = std::mem::take(&mut *shelf);
        drop(shelf);
        drop((top, stale));
        None
    }

    /// Shelves `connection` for the first caller of this shelf waiting for one; it goes back to
    /// the pool at once if a caller that waits for the pool alone is waiting.
    pub(crate) fn put(&self, connection: PoolConnection<Postgres>) {
        lock(&self.shelf).push(Shelved {
            connection,
            since: Instant::now(),
        });
        // A caller counts itself as waiting before it looks at the shelf (`acquire`): either it
        // finds this connection there, or it is counted by now and is woken or served below.
        let ours = self.waiting.load(Ordering::SeqCst);
        if connection_waiters().saturating_sub(ours) > 0 {
            let released = lock(&self.shelf).pop();
            drop(released);
        } else if ours > 0 {
            self.shelved.notify_one();
        }
    }

    /// A connection for a statement: a shelved one, or else the first of one shelved while it
    /// waits and one from `pool` (after emptying every shelf of the process when the pool has
    /// none to spare). Counted as a waiter meanwhile (`crate::pool_waiters`).
    pub(crate) async fn acquire(
        &self,
        pool: &PgPool,
    ) -> Result<PoolConnection<Postgres>, sea_orm::sqlx::Error> {
        // Callers already waiting come first.
        if self.waiting.load(Ordering::SeqCst) == 0
            && let Some(connection) = self.take()
        {
            return Ok(connection);
        }
        counted(async {
            let _waiting = Waiting::on(self);
            if exhausted(pool) && lock(&self.shelf).is_empty() {
                release_everywhere();
            }
            let from_pool = pool.acquire();
            tokio::pin!(from_pool);
            loop {
                // Listening before looking: a connection shelved after the look wakes this caller.
                let shelved = self.shelved.notified();
                tokio::pin!(shelved);
                shelved.as_mut().enable();
                if let Some(connection) = self.take() {
                    return Ok(connection);
                }
                tokio::select! {
                    () = &mut shelved => {}
                    connection = &mut from_pool => return connection,
                }
            }
        })
        .await
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

/// A caller counted in [`WarmConnections::waiting`] while it lives.
struct Waiting<'w>(&'w WarmConnections);

impl<'w> Waiting<'w> {
    fn on(warm: &'w WarmConnections) -> Self {
        warm.waiting.fetch_add(1, Ordering::SeqCst);
        Self(warm)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.waiting.fetch_sub(1, Ordering::SeqCst);
    }
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
