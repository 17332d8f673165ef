//! [`PasswordHasher`]: argon2id hashing and verification, off the async runtime.

use async_trait::async_trait;
use prosektor_domain::{PasswordHash, PlainPassword};

/// The hasher failed (not: the password was wrong). The message is for logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HasherError(pub String);

/// Hashes and verifies passwords. Implementations must not block the async runtime.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    /// Hashes `password` with a fresh salt.
    ///
    /// # Errors
    /// [`HasherError`] when the hasher fails.
    async fn hash(&self, password: &PlainPassword) -> Result<PasswordHash, HasherError>;

    /// Whether `password` matches `hash`. Takes as long for a wrong password as for a right one.
    ///
    /// # Errors
    /// [`HasherError`] when `hash` cannot be read or the hasher fails; a wrong password is `Ok(false)`.
    async fn verify(
        &self,
        password: &PlainPassword,
        hash: &PasswordHash,
    ) -> Result<bool, HasherError>;

    /// A hash with the same parameters as real ones, for verifying against when the email is
    /// unknown, so that an unknown email costs as much time as a wrong password.
    fn dummy_hash(&self) -> PasswordHash;
}
