//! [`ConnectionScope`]: a request's statements on one database connection.
//!
//! Taking a pooled connection for each statement costs a round trip per statement more than the
//! statement itself (the pool checks a connection it gets back); a request that reads three
//! times pays it three times. A scope takes one connection at the request's first statement and
//! gives it back when the request ends.

use std::future::Future;
use std::pin::Pin;

use async_trait::async_trait;

/// Work run inside a scope, polled to completion once.
pub type ScopedWork<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Runs work with its statements on one connection.
#[async_trait]
pub trait ConnectionScope: Send + Sync {
    /// Runs `work` so that every statement it sends outside a transaction goes over one
    /// connection, taken at its first statement and given back when `work` ends. A transaction
    /// started inside gives that connection back first and takes its own, so `work` never holds
    /// two. Meant for reads: work that waits inside the scope for anything but the database (a
    /// password hash, another service) keeps its connection from other requests meanwhile.
    async fn run(&self, work: ScopedWork<'_>);
}
