//! [`WarmConnections`]: connections a statement or request just finished with, kept for the next
//! one instead of going back to the pool.
//!
//! sqlx checks every connection given back to its pool with a round trip (`return_to_pool` sends
//! a `Sync` and waits for PostgreSQL's answer, unconditionally), and under steady load the next
//! request takes the same connection a moment later. Connections are therefore shelved here when
//! their holder ends (`crate::held_connection`), and the next statement takes the most recently
//! shelved one before it asks the pool: no round trip on either side. When there are more
//! requests than connections, a caller that finds the shelf empty and the pool exhausted queues
//! on it (while it also waits for the pool), and a connection given back goes straight to the
//! caller that has queued longest: still no round trip. (While the pool may open a connection, a
//! caller takes that one and queues nowhere: a session being opened is never abandoned for a
//! connection handed over.) To the pool a shelved or handed-over connection is still checked
//! out, so the shelf gives its connections back whenever someone else may need them:
//! - a connection given back while a caller of this process waits for a pool without being
//!   queued on this shelf (a transaction, a caller of another shelf) goes back to the pool at
//!   once, whose own queue serves callers in the order they came;
//! - a caller that finds its shelf empty and the pool exhausted first empties every shelf of the
//!   process (several shelves can share one pool: a test builds repositories over one pool, each
//!   with a shelf of its own), and so does a transaction about to start, which takes its
//!   connection from the pool itself;
//! - a connection shelved for longer than the pool's own idle check ([`PING_WHEN_IDLE_FOR`]), or
//!   before the database last broke a connection (`crate::connection_health`), goes back to the
//!   pool, which checks or discards it, instead of being used; while a read-only spell is
//!   suspected no connection is handed over either;
//! - closing the pools empties the shelves first, and a connection given back after that goes
//!   to its pool ([`DatabasePools::close`]);
//! - work beside a request (`crate::held_connection`) takes a shelved connection only if one is
//!   there at once; finding none, it asks the pool for one more in the background
//!   ([`WarmConnections::top_up`]), which the next such work finds on the shelf.
//!
//! [`PING_WHEN_IDLE_FOR`]: crate::pool
//! [`DatabasePools::close`]: crate::DatabasePools::close

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Duration, Instant};

use sea_orm::sqlx::Postgres;
use sea_orm::sqlx::pool::PoolConnection;
use sea_orm::sqlx::postgres::PgPool;
use tokio::sync::oneshot;

use crate::connection_health::distrusted;
use crate::pool::PING_WHEN_IDLE_FOR;
use crate::pool_waiters::{Wait, connection_waiters, counted};

/// Every shelf of this process, so that a caller about to wait for a pool can empty them all.
static SHELVES: LazyLock<Mutex<Vec<Weak<WarmConnections>>>> = LazyLock::new(Mutex::default);

/// Connections taken from a shelf or handed over by one since this process started.
static REUSED: AtomicU64 = AtomicU64::new(0);

/// Connections the shelves of this process handed out again, since it started: with
/// [`connections_handed_out`](crate::connections_handed_out), every connection a statement,
/// transaction or read request took (only a checkout costs sqlx's round trip when it ends).
#[must_use]
pub fn connections_reused() -> u64 {
    REUSED.load(Ordering::Relaxed)
}

/// The connections of one pool that their last holders gave back here, and the callers waiting
/// for one (see the module's documentation).
#[derive(Debug, Default)]
pub(crate) struct WarmConnections {
    shelf: Mutex<Shelf>,
    /// Whether a connection asked for by [`WarmConnections::top_up`] is on its way.
    topping_up: AtomicBool,
}

#[derive(Debug, Default)]
struct Shelf {
    /// Whether its pool is closing: a connection given back goes straight to the pool.
    closed: bool,
    /// The shelved connections, the most recent last.
    connections: Vec<Shelved>,
    /// The callers queued for a connection, the longest-waiting first.
    queue: VecDeque<Queued>,
    /// The number the next queued caller gets.
    next_ticket: u64,
}

#[derive(Debug)]
struct Shelved {
    connection: PoolConnection<Postgres>,
    since: Instant,
}

#[derive(Debug)]
struct Queued {
    ticket: u64,
    hand_over: oneshot::Sender<PoolConnection<Postgres>>,
    /// The caller's wait, stopped as soon as it is handed a connection, before it wakes.
    wait: Option<Wait>,
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

    /// The most recently shelved connection, if it is fit to use without a check.
    pub(crate) fn take(&self) -> Option<PoolConnection<Postgres>> {
        lock(&self.shelf).take_fit()
    }

    /// The most recently shelved connection if it is fit to use, or else a place in the queue.
    fn take_or_queue(&self) -> Result<PoolConnection<Postgres>, Turn<'_>> {
        let mut shelf = lock(&self.shelf);
        if let Some(connection) = shelf.take_fit() {
            return Ok(connection);
        }
        let (hand_over, handed) = oneshot::channel();
        let ticket = shelf.next_ticket;
        shelf.next_ticket += 1;
        shelf.queue.push_back(Queued {
            ticket,
            hand_over,
            wait: Wait::current(),
        });
        Err(Turn {
            warm: self,
            ticket,
            handed,
        })
    }

    /// Gives `connection` to the caller queued longest, or shelves it; it goes back to the pool
    /// at once if a caller waits for one without being queued here.
    pub(crate) fn put(&self, connection: PoolConnection<Postgres>) {
        let mut shelf = lock(&self.shelf);
        if shelf.closed {
            drop(shelf);
            drop(connection);
            return;
        }
        let mut connection = connection;
        // Handed over only while every caller of the process that waits for a connection is
        // queued here: one that waits for a pool otherwise (a transaction, a caller of another
        // shelf or pool) is served by the pool's own queue, in the order callers came.
        if connection_waiters() <= shelf.queue.len() && !distrusted(Duration::ZERO) {
            while let Some(queued) = shelf.queue.pop_front() {
                match queued.hand_over.send(connection) {
                    Ok(()) => {
                        if let Some(wait) = queued.wait {
                            wait.stop();
                        }
                        REUSED.fetch_add(1, Ordering::Relaxed);
                        return;
                    }
                    // That caller stopped waiting (it got a connection from the pool, or gave up).
                    Err(returned) => connection = returned,
                }
            }
        }
        shelf.connections.push(Shelved {
            connection,
            since: Instant::now(),
        });
        // A caller counts itself as waiting before it looks at its shelf again (`acquire`):
        // either it finds this connection there, or it is counted by now and gets one back.
        let released = (connection_waiters() > 0)
            .then(|| shelf.connections.pop())
            .flatten();
        drop(shelf);
        drop(released);
    }

    /// How many connections are on the shelf.
    pub(crate) fn len(&self) -> usize {
        lock(&self.shelf).connections.len()
    }

    /// Gives every shelved connection back to the pool.
    pub(crate) fn release_all(&self) {
        let released = std::mem::take(&mut lock(&self.shelf).connections);
        drop(released);
    }

    /// Gives every shelved connection back to the pool, and every connection given back from
    /// now on: its pool is closing, and waits for them.
    pub(crate) fn close(&self) {
        lock(&self.shelf).closed = true;
        self.release_all();
    }

    /// Asks `pool` for one more connection to shelve, in the background: for work beside a
    /// request that found the shelf empty, so that the next such work finds one. Not while one
    /// is on its way already, nor while the pool has none to spare and may open none (then
    /// every connection is in use, and work beside a request shares the request's).
    pub(crate) fn top_up(self: &Arc<Self>, pool: &PgPool) {
        if exhausted(pool) || self.topping_up.swap(true, Ordering::AcqRel) {
            return;
        }
        let warm = Arc::clone(self);
        let pool = pool.clone();
        tokio::spawn(async move {
            // Counted as a waiter, as any caller of the pool: connections given back meanwhile
            // go to the pool, whose queue serves callers in turn.
            let acquired = counted(pool.acquire()).await;
            warm.topping_up.store(false, Ordering::Release);
            if let Ok(connection) = acquired {
                warm.put(connection);
            }
        });
    }
}

impl Shelf {
    /// The most recently shelved connection, if it is fit to use without a check. When it is not
    /// (shelved too long, or before a break), neither is any below it: all go back to the pool.
    fn take_fit(&mut self) -> Option<PoolConnection<Postgres>> {
        let top = self.connections.pop()?;
        let idle = top.since.elapsed();
        if idle < PING_WHEN_IDLE_FOR && !distrusted(idle) {
            REUSED.fetch_add(1, Ordering::Relaxed);
            return Some(top.connection);
        }
        let stale = std::mem::take(&mut self.connections);
        drop((top, stale));
        None
    }
}

impl Drop for WarmConnections {
    fn drop(&mut self) {
        let shelf = self.shelf.get_mut().unwrap_or_else(PoisonError::into_inner);
        let shelved = std::mem::take(&mut shelf.connections);
        if tokio::runtime::Handle::try_current().is_err() {
            // Giving a connection back to the pool needs a runtime; without one (the process is
            // ending) each is closed where it is.
            for entry in shelved {
                drop(entry.connection.leak());
            }
        }
    }
}

/// A caller's place in a shelf's queue; dropped, it leaves the queue, and a connection handed
/// over to it that it did not take goes on to the next caller (or the shelf).
struct Turn<'w> {
    warm: &'w WarmConnections,
    ticket: u64,
    handed: oneshot::Receiver<PoolConnection<Postgres>>,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        lock(&self.warm.shelf)
            .queue
            .retain(|queued| queued.ticket != self.ticket);
        self.handed.close();
        if let Ok(connection) = self.handed.try_recv() {
            self.warm.put(connection);
        }
    }
}

/// A connection for a statement: the most recently shelved one on `warm`, or else one from `pool`
/// when it has one to spare or may open one, or else (after emptying every shelf of the process)
/// the first of one handed over by `warm` and one from `pool`; counted as a waiter until it has
/// one (`crate::pool_waiters`).
///
/// The way to the pool is boxed: its futures (sqlx's acquire, the queue's turn) are large, and a
/// request's every statement future would otherwise carry their size, copied at each boxing on
/// the way down, for a path that a warm shelf seldom takes.
pub(crate) async fn acquire(
    warm: Option<&WarmConnections>,
    pool: &PgPool,
) -> Result<PoolConnection<Postgres>, sea_orm::sqlx::Error> {
    if let Some(connection) = warm.and_then(WarmConnections::take) {
        return Ok(connection);
    }
    Box::pin(counted(async {
        // Counted first, then the shelf again: a connection shelved meanwhile is either found
        // here, or handed to this caller or given back to the pool by `put`.
        if !exhausted(pool) {
            // The pool has a connection to spare or may open one: nothing to queue for (and a
            // connection being opened must not be abandoned for one handed over meanwhile).
            if let Some(connection) = warm.and_then(WarmConnections::take) {
                return Ok(connection);
            }
            return pool.acquire().await;
        }
        let turn = match warm.map(WarmConnections::take_or_queue) {
            Some(Ok(connection)) => return Ok(connection),
            Some(Err(turn)) => Some(turn),
            None => None,
        };
        release_everywhere();
        match turn {
            Some(mut turn) => tokio::select! {
                biased;
                Ok(connection) = &mut turn.handed => Ok(connection),
                acquired = pool.acquire() => acquired,
            },
            None => pool.acquire().await,
        }
    }))
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
