//! [`Limits`]: how many attempts the services allow before they answer
//! [`ServiceError::TooManyAttempts`], and the one helper that asks the [`Throttle`] port.
//!
//! SPEC §5: repeated failed logins are rate limited. Failures are counted per account and per
//! client address (so that neither one account nor one address can be brute-forced, and spraying
//! one password over many accounts is bounded too); a password check inside a session (changing
//! one's password) counts against the same account. Ingestion with a project's public key is
//! limited per project, since the key ships inside the customer's website.

use std::time::Duration;

use super::error::{ServiceError, ServiceResult};
use crate::ports::clock::Clock;
use crate::ports::throttle::{Throttle, ThrottleDecision, ThrottleKey, ThrottleRule};

/// Failed logins and password checks allowed per account (email) in a window.
pub const ACCOUNT_FAILURES: u32 = 5;
/// Failed logins allowed per client address in a window.
pub const CLIENT_FAILURES: u32 = 50;
/// The window of both login limits.
pub const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Ingestions with a project's key allowed per minute, by default.
pub const INGESTIONS_PER_MINUTE: u32 = 600;

/// Every attempt limit of the services.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Failed logins and password checks per account.
    pub per_account: ThrottleRule,
    /// Failed logins per client address.
    pub per_client: ThrottleRule,
    /// Ingestions with a project's key, per project.
    pub ingestion: ThrottleRule,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            per_account: ThrottleRule {
                max_attempts: ACCOUNT_FAILURES,
                window: LOGIN_WINDOW,
            },
            per_client: ThrottleRule {
                max_attempts: CLIENT_FAILURES,
                window: LOGIN_WINDOW,
            },
            ingestion: ThrottleRule {
                max_attempts: INGESTIONS_PER_MINUTE,
                window: Duration::from_secs(60),
            },
        }
    }
}

/// Reserves one attempt against each key (see [`Throttle::reserve`]), counting the decision in
/// `throttle_decisions_total{limit, decision}` (`limit`: `login`, `password`, `ingestion`).
///
/// # Errors
/// [`ServiceError::TooManyAttempts`] when a key is over its rule; `Internal` when storage fails.
pub(crate) async fn reserve(
    throttle: &dyn Throttle,
    clock: &dyn Clock,
    limit: &'static str,
    attempts: &[(ThrottleKey, ThrottleRule)],
) -> ServiceResult<()> {
    let decision = throttle.reserve(attempts, clock.now()).await?;
    let label = match decision {
        ThrottleDecision::Allowed => "allowed",
        ThrottleDecision::Limited { .. } => "limited",
    };
    metrics::counter!("throttle_decisions_total", "limit" => limit, "decision" => label)
        .increment(1);
    match decision {
        ThrottleDecision::Allowed => Ok(()),
        ThrottleDecision::Limited { retry_after } => Err(ServiceError::TooManyAttempts {
            // Whole seconds, rounded up: a client that waits as told is never early.
            retry_after_secs: retry_after
                .as_secs()
                .saturating_add(u64::from(retry_after.subsec_nanos() > 0))
                .max(1),
        }),
    }
}
