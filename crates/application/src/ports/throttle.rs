//! [`Throttle`]: attempts counted per key in fixed windows, in storage that every server instance
//! shares, so that a limit holds across a fleet and across fresh TCP connections.
//!
//! An attempt is **reserved** before the work it guards (a password hash, an ingestion) and the
//! count is checked in the same atomic step, so parallel attempts cannot all slip under a limit:
//! of 32 simultaneous attempts against a limit of 5, exactly 5 are allowed. Work that turns out not
//! to count (a correct password) gives its attempt back with [`Throttle::release`].

use std::net::IpAddr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use prosektor_domain::{Email, ProjectId};

use super::error::RepositoryResult;
use crate::digest::sha256_hex;

/// What attempts are counted against: a kind of limit and one subject of it (an account, a client
/// address, a project). The subject is stored only as a SHA-256, so the counters hold no email or
/// address in the clear.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ThrottleKey(String);

impl ThrottleKey {
    /// Failed logins (and password checks) of the account with this email.
    pub fn account(email: &Email) -> Self {
        Self::of("account", email.as_str())
    }

    /// Failed logins from one client address. IPv6 clients are counted per `/64` network, the
    /// block one subscriber usually holds, so that rotating addresses within it gains nothing.
    pub fn client(address: IpAddr) -> Self {
        let network = match address {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let [a, b, c, d, ..] = v6.segments();
                    format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
                }
            },
        };
        Self::of("client", &network)
    }

    /// Ingestions with a project's public key.
    pub fn ingestion(project: ProjectId) -> Self {
        Self::of("ingest", &project.as_uuid().to_string())
    }

    fn of(kind: &str, subject: &str) -> Self {
        Self(format!("{kind}:{}", sha256_hex(subject)))
    }

    /// The stored form: the kind, `:`, and the subject's SHA-256 in lower-case hex.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How many attempts a key may make within a window that starts with its first attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleRule {
    /// Attempts allowed per window.
    pub max_attempts: u32,
    /// The window's length.
    pub window: Duration,
}

/// The outcome of [`Throttle::reserve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleDecision {
    /// Every key was within its rule; the attempt is counted.
    Allowed,
    /// At least one key has used up its attempts; try again after `retry_after` (at least a
    /// second: the longest wait among the keys over their limit).
    Limited {
        /// How long until the limiting window ends.
        retry_after: Duration,
    },
}

/// Counts attempts per key, shared by every instance of the service.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Throttle: Send + Sync {
    /// Counts one attempt against every key under its rule, and says whether all of them were
    /// still within their rule, in one atomic step (concurrent reservations are serialised per
    /// key). A key whose window has ended starts a new one. The attempt is counted even when
    /// another key limits it.
    ///
    /// # Errors
    /// `Unavailable`.
    async fn reserve(
        &self,
        attempts: &[(ThrottleKey, ThrottleRule)],
        now: DateTime<Utc>,
    ) -> RepositoryResult<ThrottleDecision>;

    /// Gives back one attempt of each key (the attempt turned out not to count, e.g. a correct
    /// password), within the key's current window.
    ///
    /// # Errors
    /// `Unavailable`.
    async fn release(&self, keys: &[ThrottleKey], now: DateTime<Utc>) -> RepositoryResult<()>;

    /// Forgets every attempt of `key` (an account's failures, once its owner logs in).
    ///
    /// # Errors
    /// `Unavailable`.
    async fn clear(&self, key: &ThrottleKey) -> RepositoryResult<()>;

    /// Deletes the counters whose window ended before `now`; returns how many.
    ///
    /// # Errors
    /// `Unavailable`.
    async fn purge_expired(&self, now: DateTime<Utc>) -> RepositoryResult<u64>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_their_kind_and_hide_their_subject() {
        let email = Email::parse("Ayse@Example.com").unwrap();
        let key = ThrottleKey::account(&email);
        assert!(key.as_str().starts_with("account:"));
        assert!(!key.as_str().contains("ayse"));
        assert_eq!(key.as_str().len(), "account:".len() + 64);
        assert_ne!(
            ThrottleKey::client("10.0.0.1".parse().unwrap()),
            ThrottleKey::client("10.0.0.2".parse().unwrap())
        );
    }

    #[test]
    fn ipv6_clients_are_counted_per_64_and_mapped_ipv4_as_ipv4() {
        let client = |text: &str| ThrottleKey::client(text.parse().unwrap());
        assert_eq!(client("2001:db8:1:2::1"), client("2001:db8:1:2:ffff::9"));
        assert_ne!(client("2001:db8:1:2::1"), client("2001:db8:1:3::1"));
        assert_eq!(client("::ffff:192.0.2.7"), client("192.0.2.7"));
    }
}
