//! How many callers wait for a pooled connection right now: the pool's queue, which sqlx does not
//! expose. Every statement or transaction [`Db`](crate::unit_of_work::Db) starts on the pool is
//! counted from the call until the pool hands it a connection (the pool's hooks run on the
//! caller's task: [`handed_over`] for an idle connection it checked, or for one it just opened),
//! or until the call ends without one (a timeout, a cancelled request).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// Callers of this process waiting for a connection of a pool it opened.
static WAITING: AtomicUsize = AtomicUsize::new(0);

/// Connections the pools of this process handed out, since it started.
static HANDED_OUT: AtomicU64 = AtomicU64::new(0);

tokio::task_local! {
    /// Whether the call running on this task still waits for its connection.
    static AWAITING: Arc<AtomicBool>;
}

/// Callers of this process now waiting for a pooled connection (the server opens one pool).
#[must_use]
pub fn connection_waiters() -> usize {
    WAITING.load(Ordering::Relaxed)
}

/// Runs `call`, a statement or transaction start that takes a connection from the pool, counted
/// as waiting until the pool hands it one.
pub(crate) async fn counted<F: Future>(call: F) -> F::Output {
    let waiting = Waiting::start();
    AWAITING.scope(Arc::clone(&waiting.0), call).await
}

/// Connections the pools this process opened have handed out since it started (one per
/// statement or transaction on the pool; one per scope holding a connection): their checkouts,
/// each of which sqlx pays a round trip for when the connection comes back.
#[must_use]
pub fn connections_handed_out() -> u64 {
    HANDED_OUT.load(Ordering::Relaxed)
}

/// The pool handed the call on this task a connection: it no longer waits.
pub(crate) fn handed_over() {
    HANDED_OUT.fetch_add(1, Ordering::Relaxed);
    // A connection taken outside a counted call (a test's own pool use) has nothing to stop.
    let _ = AWAITING.try_with(|waiting| stop_waiting(waiting));
}

/// A counted call's wait, which whoever hands the call a connection stops (`crate::warm` hands
/// connections over from another task, before the call wakes).
#[derive(Debug, Clone)]
pub(crate) struct Wait(Arc<AtomicBool>);

impl Wait {
    /// The wait of the counted call running on this task, if any.
    pub(crate) fn current() -> Option<Self> {
        AWAITING.try_with(|waiting| Self(Arc::clone(waiting))).ok()
    }

    /// The call was handed a connection: it no longer waits.
    pub(crate) fn stop(&self) {
        stop_waiting(&self.0);
    }
}

fn stop_waiting(waiting: &AtomicBool) {
    if waiting.swap(false, Ordering::AcqRel) {
        WAITING.fetch_sub(1, Ordering::Relaxed);
    }
}

/// One counted call; dropping it (the call ended, or was cancelled) stops its wait.
struct Waiting(Arc<AtomicBool>);

impl Waiting {
    fn start() -> Self {
        WAITING.fetch_add(1, Ordering::Relaxed);
        Self(Arc::new(AtomicBool::new(true)))
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        stop_waiting(&self.0);
    }
}
