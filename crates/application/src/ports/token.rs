//! [`TokenCodec`]: bearer tokens that carry a user id and the session version they were issued for.

use chrono::{DateTime, Utc};
use prosektor_domain::{SessionVersion, UserId};

/// What a valid token says. The session version is checked against the user row on every request,
/// so logging out everywhere (or a password or role change, or deletion) invalidates old tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenClaims {
    /// The user the token was issued to.
    pub user_id: UserId,
    /// The user's session version when the token was issued.
    pub session_version: SessionVersion,
    /// When the token stops being accepted.
    pub expires_at: DateTime<Utc>,
}

impl TokenClaims {
    /// Whether the token is still accepted at `now`: until the second it expires, exclusive.
    pub fn live_at(&self, now: DateTime<Utc>) -> bool {
        now.timestamp() < self.expires_at.timestamp()
    }
}

/// A token was refused: malformed, badly signed, or expired. Deliberately carries no detail that a
/// client could use to probe the signing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("invalid or expired token")]
pub struct InvalidToken;

/// Issues and verifies bearer tokens.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait TokenCodec: Send + Sync {
    /// A token for `user_id` at `session_version`, valid from `now` for the codec's lifetime.
    fn issue(&self, user_id: UserId, session_version: SessionVersion, now: DateTime<Utc>)
    -> String;

    /// The claims of `token`, if it is well formed, correctly signed and not expired at `now`.
    ///
    /// # Errors
    /// [`InvalidToken`] otherwise.
    fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<TokenClaims, InvalidToken>;
}
