//! [`AuthService`]: logging in, issuing and verifying bearer tokens (through the [`TokenCodec`]
//! port, whose adapter owns the format and the signing), turning a token's claims back into an
//! [`Actor`], and the session-invalidating self-service actions (log out everywhere, change
//! password).

use std::net::IpAddr;
use std::sync::Arc;

use prosektor_domain::{ClientAccess, Email, PlainPassword, SessionVersion, User, UserId};

use super::actor::Actor;
use super::error::{ServiceError, ServiceResult};
use super::limits::{Limits, reserve};
use super::user::load_self;
use crate::ports::clock::Clock;
use crate::ports::error::RepositoryError;
use crate::ports::password::PasswordHasher;
use crate::ports::throttle::{Throttle, ThrottleKey, ThrottleRule};
use crate::ports::token::{TokenClaims, TokenCodec};
use crate::ports::user::UserRepository;

/// An authenticated request's user and the actor it acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The user, as read to check the token (endpoints about the caller need not read it again).
    pub user: User,
    /// Who is acting, with the access the user's company allows.
    pub actor: Actor,
}

/// Credentials and sessions.
#[derive(Clone)]
pub struct AuthService {
    users: Arc<dyn UserRepository>,
    hasher: Arc<dyn PasswordHasher>,
    tokens: Arc<dyn TokenCodec>,
    throttle: Arc<dyn Throttle>,
    clock: Arc<dyn Clock>,
    limits: Limits,
}

impl AuthService {
    /// A service over these ports, limiting failed attempts as `limits` says.
    pub fn new(
        users: Arc<dyn UserRepository>,
        hasher: Arc<dyn PasswordHasher>,
        tokens: Arc<dyn TokenCodec>,
        throttle: Arc<dyn Throttle>,
        clock: Arc<dyn Clock>,
        limits: Limits,
    ) -> Self {
        Self {
            users,
            hasher,
            tokens,
            throttle,
            clock,
            limits,
        }
    }

    /// The user with this email and password, logging in from `client`.
    ///
    /// Before any work, one attempt is reserved against the client address and the account
    /// ([`Limits`]); a correct password gives them back, so only failures count, and parallel
    /// guesses cannot pass the limit. The email is normalised (`Email::parse`). An unknown email
    /// (or a deleted user) is verified against the hasher's dummy hash, so it costs as much as a
    /// wrong password. Input that cannot be an email or a password is refused without hashing:
    /// that timing depends on the input alone, never on stored data.
    ///
    /// # Errors
    /// [`ServiceError::TooManyAttempts`] when the account or the client has used up its failures;
    /// [`ServiceError::InvalidCredentials`] for any wrong or malformed email or password, never
    /// saying which; [`ServiceError::CompanyClosed`] for the right password of a client whose
    /// company is `CHURNED`; `Internal` when storage or the hasher fails.
    pub async fn login(&self, email: &str, password: &str, client: IpAddr) -> ServiceResult<User> {
        let email = Email::parse(email).ok();
        let mut attempts = vec![(ThrottleKey::client(client), self.limits.per_client)];
        attempts.extend(email.as_ref().map(|email| self.account_attempt(email)));
        reserve(
            self.throttle.as_ref(),
            self.clock.as_ref(),
            "login",
            &attempts,
        )
        .await?;
        let (Some(email), Ok(password)) = (email, PlainPassword::new(password)) else {
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
        let Some(user) = user.filter(|_| matches) else {
            return Err(ServiceError::InvalidCredentials);
        };
        self.forgive(&attempts).await?;
        let session = self.users.get_session(user.id()).await?;
        if Actor::new(&session.user, session.company_status).access() == ClientAccess::Closed {
            return Err(ServiceError::CompanyClosed);
        }
        Ok(session.user)
    }

    /// A bearer token for `user`'s current session version, valid from now for the codec's
    /// lifetime.
    pub fn issue_token(&self, user: &User) -> String {
        self.tokens
            .issue(user.id(), user.session_version(), self.clock.now())
    }

    /// What `token` claims, if it is well formed, correctly signed and not expired now. The
    /// claims are not checked against the user row: [`Self::authenticate`] does that.
    ///
    /// # Errors
    /// [`ServiceError::Unauthenticated`] for any other token.
    pub fn verify_token(&self, token: &str) -> ServiceResult<TokenClaims> {
        self.tokens
            .verify(token, self.clock.now())
            .map_err(|_| ServiceError::Unauthenticated)
    }

    /// The session a token stands for, if it is still live: the user exists, is not deleted,
    /// `session_version` is its current one, and its company (for a client) is not `CHURNED`.
    ///
    /// # Errors
    /// [`ServiceError::Unauthenticated`] for a missing or deleted user or another session
    /// version; [`ServiceError::CompanyClosed`] for a client of a `CHURNED` company; `Internal`
    /// when storage fails.
    pub async fn authenticate(
        &self,
        user_id: UserId,
        session_version: SessionVersion,
    ) -> ServiceResult<Session> {
        let record = match self.users.get_session(user_id).await {
            Err(RepositoryError::NotFound) => return Err(ServiceError::Unauthenticated),
            found => found?,
        };
        if !record.user.accepts_session(session_version) {
            return Err(ServiceError::Unauthenticated);
        }
        let actor = Actor::new(&record.user, record.company_status);
        if actor.access() == ClientAccess::Closed {
            return Err(ServiceError::CompanyClosed);
        }
        Ok(Session {
            user: record.user,
            actor,
        })
    }

    /// Invalidates every token of user `user_id` issued up to now, for a request whose token
    /// carries `session_version`. Idempotent: a token already ended by an earlier logout (a
    /// concurrent call, or a retry) asked for what is already true, and succeeds without ending
    /// anything more, so an old token can never end newer sessions. Concurrent calls with a
    /// current token all succeed.
    ///
    /// # Errors
    /// [`ServiceError::Unauthenticated`] for a missing or deleted user or a version that was never
    /// issued; `Domain(Overflow)` at the last session version; `Internal`.
    pub async fn log_out_everywhere(
        &self,
        user_id: UserId,
        session_version: SessionVersion,
    ) -> ServiceResult<()> {
        let current = match self.users.get_session(user_id).await {
            Err(RepositoryError::NotFound) => return Err(ServiceError::Unauthenticated),
            found => found?.user.session_version(),
        };
        match session_version.cmp(&current) {
            std::cmp::Ordering::Less => Ok(()),
            std::cmp::Ordering::Greater => Err(ServiceError::Unauthenticated),
            std::cmp::Ordering::Equal => match self.users.log_out_everywhere(user_id).await {
                Err(RepositoryError::NotFound) => Err(ServiceError::Unauthenticated),
                other => other.map(drop).map_err(Into::into),
            },
        }
    }

    /// Replaces the actor's password after checking the current one from `client`, and
    /// invalidates every token. The check counts against the same limits as a login. Returns the
    /// updated user, so that the caller can issue a token for the new session version.
    ///
    /// # Errors
    /// `Domain(Validation)` on field `password` when `new` breaks the password policy (checked
    /// first, without counting an attempt); [`ServiceError::TooManyAttempts`];
    /// [`ServiceError::InvalidCredentials`] when `current` is wrong; `Conflict(StaleState)` when
    /// another session change won a race; `NotFound`; `Internal`.
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
        client: IpAddr,
    ) -> ServiceResult<User> {
        let new = PlainPassword::new(new)?;
        let mut user = load_self(self.users.as_ref(), actor).await?;
        let attempts = [
            (ThrottleKey::client(client), self.limits.per_client),
            self.account_attempt(user.email()),
        ];
        reserve(
            self.throttle.as_ref(),
            self.clock.as_ref(),
            "password",
            &attempts,
        )
        .await?;
        let current = PlainPassword::new(current).map_err(|_| ServiceError::InvalidCredentials)?;
        if !self.hasher.verify(&current, user.password_hash()).await? {
            return Err(ServiceError::InvalidCredentials);
        }
        self.forgive(&attempts).await?;
        let hash = self.hasher.hash(&new).await?;
        let expected = user.session_version();
        user.change_password(hash)?;
        self.users.save(&user, expected).await?;
        Ok(user)
    }

    /// The account's attempt: counted against its normalised email.
    fn account_attempt(&self, email: &Email) -> (ThrottleKey, ThrottleRule) {
        (ThrottleKey::account(email), self.limits.per_account)
    }

    /// After the right password: the account's failures are forgotten and the client's reserved
    /// attempt is given back, so only failures count.
    async fn forgive(&self, attempts: &[(ThrottleKey, ThrottleRule)]) -> ServiceResult<()> {
        let (client, account) = attempts.split_at(1);
        for (key, _) in account {
            self.throttle.clear(key).await?;
        }
        let client: Vec<ThrottleKey> = client.iter().map(|(key, _)| key.clone()).collect();
        self.throttle.release(&client, self.clock.now()).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
