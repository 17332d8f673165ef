//! A fixed set of connections, each used by one request at a time and given back when it ends:
//! none of sqlx's pool's round trip on the way back, which the real server also avoids
//! (`prosektor_persistence`'s shelf of warm connections). A connection the database broke is not
//! replaced: the floor is for a benchmark's few minutes against a database that stays up.

use std::sync::{Mutex, PoisonError};

use prosektor_persistence::replay::user::{PROFILE_SQL, SESSION_SQL};
use sea_orm::sqlx::{self, Connection, PgConnection, Row};
use tokio::sync::{Semaphore, SemaphorePermit};
use uuid::Uuid;

/// The profile's first and last name.
pub type Names = (Option<String>, Option<String>);

/// Connections to one database, at most one request on each.
pub struct Connections {
    free: Semaphore,
    idle: Mutex<Vec<PgConnection>>,
}

impl Connections {
    /// Opens `count` connections to `url`.
    ///
    /// # Errors
    /// When a connection cannot be opened.
    pub async fn open(url: &str, count: usize) -> Result<Self, sqlx::Error> {
        let mut idle = Vec::with_capacity(count);
        for _ in 0..count {
            idle.push(PgConnection::connect(url).await?);
        }
        Ok(Self {
            free: Semaphore::new(count),
            idle: Mutex::new(idle),
        })
    }

    /// `/me`'s statements for `user` on one connection: the session check, then the profile.
    /// `None` when the user does not exist (or is deleted) or their sessions are now past
    /// `session_version` (they logged out or were demoted since the token was issued).
    ///
    /// # Errors
    /// The driver's.
    pub async fn profile(
        &self,
        user: Uuid,
        session_version: i32,
    ) -> Result<Option<Names>, sqlx::Error> {
        let free = self
            .free
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let mut lease = Lease {
            connection: self.lock().pop(),
            connections: self,
            _free: free,
        };
        let connection = lease
            .connection
            .as_mut()
            .expect("a permit always finds an idle connection");
        let session = sqlx::query(SESSION_SQL)
            .bind(user)
            .fetch_optional(&mut *connection)
            .await?;
        let current = session
            .map(|row| row.try_get::<i32, _>("curr_session_version"))
            .transpose()?;
        if current != Some(session_version) {
            return Ok(None);
        }
        let profile = sqlx::query(PROFILE_SQL)
            .bind(user)
            .fetch_optional(&mut *connection)
            .await?;
        profile
            .map(|row| Ok((row.try_get("first_name")?, row.try_get("last_name")?)))
            .transpose()
            .map(|names| Some(names.unwrap_or_default()))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<PgConnection>> {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A connection taken for one request, given back however the request ends (a client that
/// hangs up drops its request mid-statement; sqlx finishes reading the answer at the next use).
/// The connection goes back before the permit that let the request take it: a permit always
/// finds one idle.
struct Lease<'a> {
    connection: Option<PgConnection>,
    connections: &'a Connections,
    _free: SemaphorePermit<'a>,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(connection) = self.connection.take() {
            self.connections.lock().push(connection);
        }
    }
}
