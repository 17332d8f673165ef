//! [`ApiContext`]: what every endpoint group holds: the use-case services, the authenticator, the
//! client-address resolver, the clock, the request time bound and the idempotency store. Built once by the server's composition root.

use std::sync::Arc;
use std::time::Duration;

use prosektor_application::services::Services;
use prosektor_application::{Clock, ConnectionScope, IdempotencyStore, ReadinessProbe};

use crate::auth::bearer::Authenticator;
use crate::auth::client::ClientAddresses;

/// Shared state of the endpoints (cheap to clone: everything is behind `Arc`s).
#[derive(Clone)]
pub struct ApiContext {
    /// The use cases.
    pub services: Services,
    /// Checks bearer tokens and issues new ones.
    pub authenticator: Authenticator,
    /// Tells which address a request comes from (for the limits on failed logins).
    pub clients: ClientAddresses,
    /// Answers `/readyz`.
    pub readiness: Arc<dyn ReadinessProbe>,
    /// The time, for token expiry.
    pub clock: Arc<dyn Clock>,
    /// The longest a request may take before it answers `503` (`PROSEKTOR_REQUEST_TIMEOUT_MS`).
    pub request_timeout: Duration,
    /// Runs requests sent with an `Idempotency-Key` at most once.
    pub idempotency: Arc<dyn IdempotencyStore>,
    /// Routes each request's statements by its intent: a read's share a connection and may go to
    /// a replica, a write's go to the primary (`prosektor_application::Intent`).
    pub connections: Arc<dyn ConnectionScope>,
}

impl std::fmt::Debug for ApiContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiContext").finish_non_exhaustive()
    }
}
