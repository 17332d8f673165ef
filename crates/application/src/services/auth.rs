//! [`AuthService`]: logging in, turning a token's claims back into an [`Actor`], and the
//! session-invalidating self-service actions (log out everywhere, change password).
//!
//! Tokens themselves (JWT encoding, expiry) are the API's business; this service only decides
//! whether a user id and session version still stand for a live session.

use std::sync::Arc;

use prosektor_domain::{Email, PlainPassword, SessionVersion, User, UserId};

use super::actor::Actor;
use super::error::{ServiceError, ServiceResult};
use super::user::load_self;
use crate::ports::error::RepositoryError;
use crate::ports::password::PasswordHasher;
use crate::ports::scope::TenantScope;
use crate::ports::user::UserRepository;

/// Credentials and sessions.
#[derive(Clone)]
pub struct AuthService {
    users: Arc<dyn UserRepository>,
    hasher: Arc<dyn PasswordHasher>,
}

impl AuthService {
    /// A service over these ports.
    pub fn new(users: Arc<dyn UserRepository>, hasher: Arc<dyn PasswordHasher>) -> Self {
        Self { users, hasher }
    }

    /// The user with this email and password.
    ///
    /// The email is normalised first (`Email::parse`). An unknown email (or a deleted user) is
    /// verified against the hasher's dummy hash, so it costs as much as a wrong password. Input
    /// that cannot be an email or a password is refused without hashing: that timing depends on
    /// the input alone, never on stored data.
    ///
    /// # Errors
    /// [`ServiceError::InvalidCredentials`] for any wrong or malformed email or password, never
    /// saying which; `Internal` when storage or the hasher fails.
    pub async fn login(&self, email: &str, password: &str) -> ServiceResult<User> {
        let (Ok(email), Ok(password)) = (Email::parse(email), PlainPassword::new(password)) else {
            return Err(ServiceError::InvalidCredentials);
        };
        let user = self
            .users
            .find_active_by_email(&email)
            .await?
            .filter(|user| !user.is_deleted());
        let hash = user.as_ref().map_or_else(
            || self.hasher.dummy_hash(),
            |user| user.password_hash().clone(),
        );
        let matches = self.hasher.verify(&password, &hash).await?;
        match user {
            Some(user) if matches => Ok(user),
            _ => Err(ServiceError::InvalidCredentials),
        }
    }

    /// The user a token stands for, if its session is still live: the user exists, is not
    /// deleted, and `session_version` is its current one. [`Actor::from`] makes it the actor.
    ///
    /// # Errors
    /// [`ServiceError::Unauthenticated`] otherwise; `Internal` when storage fails.
    pub async fn authenticate(
        &self,
        user_id: UserId,
        session_version: SessionVersion,
    ) -> ServiceResult<User> {
        let user = match self.users.get(TenantScope::All, user_id, false).await {
            Err(RepositoryError::NotFound) => return Err(ServiceError::Unauthenticated),
            found => found?,
        };
        if !user.accepts_session(session_version) {
            return Err(ServiceError::Unauthenticated);
        }
        Ok(user)
    }

    /// Invalidates every token of the actor, including the one in use.
    ///
    /// # Errors
    /// `Conflict(StaleState)` when another session change won a race; `Domain(Overflow)` at the
    /// last session version; `NotFound`; `Internal`.
    pub async fn log_out_everywhere(&self, actor: &Actor) -> ServiceResult<()> {
        let mut user = load_self(self.users.as_ref(), actor).await?;
        let expected = user.session_version();
        user.log_out_everywhere()?;
        self.users.save(&user, expected).await?;
        Ok(())
    }

    /// Replaces the actor's password after checking the current one, and invalidates every token.
    /// Returns the updated user, so that the caller can issue a token for the new session version.
    ///
    /// # Errors
    /// `Domain(Validation)` on field `password` when `new` breaks the password policy;
    /// [`ServiceError::InvalidCredentials`] when `current` is wrong; `Conflict(StaleState)` when
    /// another session change won a race; `NotFound`; `Internal`.
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
    ) -> ServiceResult<User> {
        let new = PlainPassword::new(new)?;
        let current = PlainPassword::new(current).map_err(|_| ServiceError::InvalidCredentials)?;
        let mut user = load_self(self.users.as_ref(), actor).await?;
        if !self.hasher.verify(&current, user.password_hash()).await? {
            return Err(ServiceError::InvalidCredentials);
        }
        let hash = self.hasher.hash(&new).await?;
        let expected = user.session_version();
        user.change_password(hash)?;
        self.users.save(&user, expected).await?;
        Ok(user)
    }
}

#[cfg(test)]
mod tests;
