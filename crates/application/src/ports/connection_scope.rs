//! [`ConnectionScope`]: how one request's statements reach the database.
//!
//! Taking a pooled connection for each statement costs a round trip per statement more than the
//! statement itself (the pool checks a connection it gets back); a request that reads three
//! times pays it three times. A read request's scope takes one connection at its first statement
//! and gives it back when the request ends. Where a read replica serves reads that tolerate
//! bounded staleness, the scope also keeps a caller's reads after their own writes: what a
//! client changed, that client's next requests see, on any server.

use std::future::Future;
use std::pin::Pin;

use async_trait::async_trait;

/// Work run inside a scope, polled to completion once.
pub type ScopedWork<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// What a request may do, which decides how its statements reach the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// Reads only (`GET`, `HEAD`): its statements outside a transaction share one connection
    /// per database, and the reads that tolerate bounded staleness (listings, searches,
    /// dashboards, analytics) may be served by a read replica, unless it has not yet replayed
    /// the caller's last write. Work that waits inside for anything but the database keeps its
    /// connection from other requests meanwhile.
    Read,
    /// May write: each statement or transaction takes its own connection (a login holds none
    /// while it hashes a password), every statement goes to the primary, and the caller's write
    /// is remembered so that their next reads see it.
    Write,
}

/// Runs a request's work with its statements routed by its [`Intent`].
#[async_trait]
pub trait ConnectionScope: Send + Sync {
    /// Runs `work` as a request of `intent` (see [`Intent`]). A transaction started inside a
    /// read scope gives the held connection back first and takes its own, so `work` never holds
    /// two connections of one pool.
    async fn run(&self, intent: Intent, work: ScopedWork<'_>);

    /// Whether [`Self::run_beside`] would now run work beside a read request's own. It would
    /// not where the session check decides which database the request's reads go to (a read
    /// replica, which must not serve a caller's reads before it has replayed their last write),
    /// so that the check must come first; and it would not while the request could not have a
    /// second connection beside its own without waiting, since the work would then only share
    /// the request's connection, one statement after the other, and gain nothing.
    fn runs_beside(&self) -> bool;

    /// Runs `work` inside the current read request, beside the request's own work (the session
    /// check while the request's first query runs): its statements take a connection of their
    /// own when one is ready at once without asking the pool (one just given back by another
    /// request), and otherwise share the request's, one statement after the other. Never
    /// waiting for a second connection while the request holds one, a request cannot deadlock a
    /// pool smaller than the number of requests. Outside a read request, `work` runs as
    /// statements outside any request do.
    async fn run_beside(&self, work: ScopedWork<'_>);
}
