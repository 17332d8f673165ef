//! [`RememberedSessions`]: the session each recent caller's last check confirmed, so that a read
//! can start on it while its check runs beside it (`crate::auth::beside`).
//!
//! What is remembered is never trusted alone: a read that started on it answers only once the
//! check of the same request has confirmed the same session, and is run again on the confirmed
//! one when they differ. Memory is bounded: a fixed number of places, a user's place picked by a
//! hash keyed at random per process, a newer session taking the place of the one there. A caller
//! whose place another took is checked first, as without this memory.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, PoisonError};

use prosektor_application::TokenClaims;
use prosektor_application::services::Session;
use prosektor_domain::UserId;

/// How many sessions a server remembers by default (a few MiB when all are taken).
pub const DEFAULT_REMEMBERED_SESSIONS: usize = 8_192;

/// The most sessions a server may be configured to remember: a million places take 16 MiB
/// empty, each remembered session a few hundred bytes more.
pub const MOST_REMEMBERED_SESSIONS: usize = 1 << 20;

/// The last confirmed session of recent callers, one per place.
pub struct RememberedSessions {
    places: Box<[Mutex<Option<Arc<Session>>>]>,
    hasher: RandomState,
}

impl std::fmt::Debug for RememberedSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RememberedSessions")
            .field("places", &self.places.len())
            .finish_non_exhaustive()
    }
}

impl RememberedSessions {
    /// A memory of up to `sessions` sessions (at most [`MOST_REMEMBERED_SESSIONS`]); with none,
    /// every check comes first.
    pub fn new(sessions: usize) -> Self {
        Self {
            places: (0..sessions.min(MOST_REMEMBERED_SESSIONS))
                .map(|_| Mutex::default())
                .collect(),
            hasher: RandomState::new(),
        }
    }

    /// The session last confirmed for the token that makes `claims`: its user's, if it has the
    /// session version the token carries.
    pub fn of(&self, claims: &TokenClaims) -> Option<Arc<Session>> {
        self.place(claims.user_id)?
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .filter(|session| {
                session.user.id() == claims.user_id
                    && session.user.session_version() == claims.session_version
            })
            .cloned()
    }

    /// Remembers `session`, just confirmed, in its user's place (copied only when it is not
    /// what the place holds already).
    pub fn keep(&self, session: &Session) {
        if let Some(place) = self.place(session.user.id()) {
            let mut kept = place.lock().unwrap_or_else(PoisonError::into_inner);
            if kept.as_deref() != Some(session) {
                *kept = Some(Arc::new(session.clone()));
            }
        }
    }

    /// Forgets `user`'s session, which a check just refused (so that their next reads are
    /// checked first instead of starting on it).
    pub fn forget(&self, user: UserId) {
        if let Some(place) = self.place(user) {
            let mut kept = place.lock().unwrap_or_else(PoisonError::into_inner);
            if kept
                .as_ref()
                .is_some_and(|session| session.user.id() == user)
            {
                *kept = None;
            }
        }
    }

    /// The place of `user`'s session; none in a memory of no places.
    fn place(&self, user: UserId) -> Option<&Mutex<Option<Arc<Session>>>> {
        let places = u64::try_from(self.places.len()).ok().filter(|&n| n > 0)?;
        // The remainder is below the number of places, which is a `usize`.
        let index = usize::try_from(self.hasher.hash_one(user) % places).ok()?;
        self.places.get(index)
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use prosektor_application::services::Actor;
    use prosektor_domain::{Email, PasswordHash, User};

    use super::*;

    #[test]
    fn a_memory_never_has_more_places_than_the_most_allowed() {
        let memory = RememberedSessions::new(MOST_REMEMBERED_SESSIONS + 1);
        assert_eq!(memory.places.len(), MOST_REMEMBERED_SESSIONS);
        assert_eq!(RememberedSessions::new(3).places.len(), 3);
    }

    fn session() -> Session {
        let user = User::new_admin(
            UserId::new_v7(),
            Email::parse("admin@prosektor.example.com").unwrap(),
            PasswordHash::parse("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA").unwrap(),
            Utc::now(),
        );
        let actor = Actor::from(&user);
        Session { user, actor }
    }

    fn claims_of(session: &Session) -> TokenClaims {
        TokenClaims {
            user_id: session.user.id(),
            session_version: session.user.session_version(),
            expires_at: Utc::now(),
        }
    }

    #[test]
    fn a_kept_session_is_found_for_its_users_token_of_its_version_only() {
        let memory = RememberedSessions::new(16);
        let kept = session();
        let claims = claims_of(&kept);
        assert!(memory.of(&claims).is_none());

        memory.keep(&kept);
        assert_eq!(memory.of(&claims).as_deref(), Some(&kept));

        let mut ended = kept.user.clone();
        ended.log_out_everywhere().unwrap();
        let newer = TokenClaims {
            session_version: ended.session_version(),
            ..claims
        };
        assert!(memory.of(&newer).is_none(), "another session version");
        let stranger = claims_of(&session());
        assert!(memory.of(&stranger).is_none(), "another user");
    }

    #[test]
    fn a_newer_session_takes_its_users_place() {
        let memory = RememberedSessions::new(1);
        let first = session();
        let second = session();
        memory.keep(&first);
        memory.keep(&second);
        assert!(memory.of(&claims_of(&first)).is_none());
        assert_eq!(memory.of(&claims_of(&second)).as_deref(), Some(&second));

        memory.forget(first.user.id());
        assert_eq!(
            memory.of(&claims_of(&second)).as_deref(),
            Some(&second),
            "another user's session stays"
        );
        memory.forget(second.user.id());
        assert!(memory.of(&claims_of(&second)).is_none());
    }

    #[test]
    fn a_memory_of_no_places_remembers_nothing() {
        let memory = RememberedSessions::new(0);
        let kept = session();
        memory.keep(&kept);
        assert!(memory.of(&claims_of(&kept)).is_none());
    }
}
