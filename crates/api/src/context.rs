//! [`ApiContext`]: what every endpoint group holds: the use-case services, the authenticator, the
//! login rate limiters and the clock. Built once by the server's composition root.

use std::sync::Arc;

use prosektor_application::services::Services;
use prosektor_application::{Clock, ReadinessProbe};

use crate::auth::bearer::{Authenticator, BearerAuth};
use crate::auth::rate_limit::LoginRateLimiter;
use crate::error::ApiResult;
use prosektor_application::services::Actor;

/// Shared state of the endpoints (cheap to clone: everything is behind `Arc`s).
#[derive(Clone)]
pub struct ApiContext {
    /// The use cases.
    pub services: Services,
    /// Checks bearer tokens and issues new ones.
    pub authenticator: Authenticator,
    /// Failed logins per email.
    pub email_limiter: Arc<LoginRateLimiter>,
    /// Failed logins per client address.
    pub address_limiter: Arc<LoginRateLimiter>,
    /// Answers `/readyz`.
    pub readiness: Arc<dyn ReadinessProbe>,
    /// The time, for token expiry.
    pub clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for ApiContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiContext").finish_non_exhaustive()
    }
}

impl ApiContext {
    /// The acting user of a request (see [`Authenticator::actor`]).
    ///
    /// # Errors
    /// `401` for a bad token or outdated session.
    pub async fn actor(&self, bearer: &BearerAuth) -> ApiResult<Actor> {
        self.authenticator.actor(bearer).await
    }

    /// The user of a request (see [`Authenticator::user`]).
    ///
    /// # Errors
    /// `401` for a bad token or outdated session.
    pub async fn user(&self, bearer: &BearerAuth) -> ApiResult<prosektor_domain::User> {
        self.authenticator.user(bearer).await
    }
}
