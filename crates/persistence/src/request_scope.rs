//! [`PgConnectionScope`]: a request's statements, held and routed by its [`Intent`].
//!
//! A read request holds its connections between statements (`crate::held_connection`), and its
//! reads that tolerate bounded staleness may go to the replica. The session check
//! (`PgUserRepository::get_session`) notes the caller and when they last wrote
//! (`users.wrote_at`); a write request, when it ends, records that its caller wrote now (only
//! where a replica is configured: without one every read is on the primary already). A read whose
//! caller wrote at or after the newest moment the replica is known to hold goes to the primary:
//! that is read-your-writes across every server of a fleet, since the moment is in the database.
//!
//! Work beside a read request's own (the API's session check, while the request's first query
//! runs: `ConnectionScope::run_beside`) runs in a scope of its own inside the request's, whose
//! statements take an idle connection from the shelf if there is one at once and otherwise share
//! the request's (`Held::beside`). Without a replica only: with one, the session check's note of
//! the caller's last write decides where the request's reads go, so it must come first.

use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use prosektor_application::{ConnectionScope, Intent, ScopedWork};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use uuid::Uuid;

use crate::held_connection::Held;
use crate::pools::DatabasePools;
use crate::unit_of_work::Db;

/// Records that a caller wrote: `$1` is the user.
const WROTE_SQL: &str = "UPDATE users SET wrote_at = now() WHERE id = $1";

tokio::task_local! {
    /// The scope of the request this task serves, if any.
    static SCOPE: Arc<RequestScope>;
}

/// One request's scope.
#[derive(Debug)]
pub(crate) struct RequestScope {
    intent: Intent,
    held: Arc<Held>,
    caller: Mutex<Option<Caller>>,
}

/// The authenticated caller of a request, as the session check read it.
#[derive(Debug, Clone, Copy)]
struct Caller {
    user: Uuid,
    wrote_at: Option<DateTime<Utc>>,
}

impl RequestScope {
    /// The connections a statement of this request uses: the request's own for a read, a
    /// statement's own for a write.
    pub(crate) fn held(&self) -> Option<Arc<Held>> {
        (self.intent == Intent::Read).then(|| Arc::clone(&self.held))
    }

    /// Whether this request may read from a replica at all (reads only).
    pub(crate) fn reads_only(&self) -> bool {
        self.intent == Intent::Read
    }

    /// When the caller last wrote, if known.
    pub(crate) fn caller_wrote_at(&self) -> Option<DateTime<Utc>> {
        self.caller
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .and_then(|caller| caller.wrote_at)
    }
}

/// The scope of the request this task serves, if any.
pub(crate) fn current() -> Option<Arc<RequestScope>> {
    SCOPE.try_with(Arc::clone).ok()
}

/// Notes the caller the session check found (the user, and when they last wrote).
pub(crate) fn note_caller(user: Uuid, wrote_at: Option<DateTime<Utc>>) {
    if let Some(scope) = current() {
        *scope.caller.lock().unwrap_or_else(PoisonError::into_inner) =
            Some(Caller { user, wrote_at });
    }
}

/// [`ConnectionScope`] on this crate's repositories (see the module's documentation). The
/// repositories a scope's work calls must share these pools, as the server builds them.
#[derive(Debug, Clone)]
pub struct PgConnectionScope {
    pools: DatabasePools,
}

impl PgConnectionScope {
    /// A scope over `pools`.
    pub fn new(pools: impl Into<DatabasePools>) -> Self {
        Self {
            pools: pools.into(),
        }
    }
}

#[async_trait]
impl ConnectionScope for PgConnectionScope {
    async fn run(&self, intent: Intent, work: ScopedWork<'_>) {
        let scope = Arc::new(RequestScope {
            intent,
            held: Arc::new(Held::default()),
            caller: Mutex::new(None),
        });
        SCOPE.scope(Arc::clone(&scope), work).await;
        let caller = *scope.caller.lock().unwrap_or_else(PoisonError::into_inner);
        if intent == Intent::Write
            && self.pools.replica.is_some()
            && let Some(caller) = caller
        {
            let wrote = Statement::from_sql_and_values(
                DbBackend::Postgres,
                WROTE_SQL,
                [caller.user.into()],
            );
            if let Err(error) = Db::new(self.pools.clone()).execute_raw(wrote).await {
                tracing::warn!(%error, "could not record the caller's write: their next reads may miss it on the replica");
            }
        }
    }

    fn runs_beside(&self) -> bool {
        self.pools.replica.is_none() && self.pools.spares_two_connections()
    }

    async fn run_beside(&self, work: ScopedWork<'_>) {
        match current().filter(|request| request.intent == Intent::Read) {
            Some(request) => {
                let beside = Arc::new(RequestScope {
                    intent: Intent::Read,
                    held: Arc::new(Held::beside(Arc::clone(&request.held))),
                    caller: Mutex::new(None),
                });
                SCOPE.scope(beside, work).await;
            }
            None => work.await,
        }
    }
}
