//! [`LoginRateLimiter`]: repeated failed logins are refused for a while (SPEC §5), per email and
//! per client address, so that neither one account nor one address can be brute-forced.
//!
//! Counts live in this process (a fixed window per key); behind a load balancer each instance
//! limits on its own, which bounds an attacker to `instances × limit` attempts per window.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many failures a key may have within a window, and how long a window lasts.
#[derive(Debug, Clone, Copy)]
pub struct RateLimit {
    /// Failures allowed per window.
    pub max_failures: u32,
    /// The window's length; a blocked key may try again when it ends.
    pub window: Duration,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            max_failures: 5,
            window: Duration::from_secs(15 * 60),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

/// Counts failed logins per key (an email, an address) and says when a key must wait.
#[derive(Debug, Default)]
pub struct LoginRateLimiter {
    limit: RateLimit,
    windows: Mutex<HashMap<String, Window>>,
}

impl LoginRateLimiter {
    /// The most keys kept before expired windows are swept.
    const SWEEP_AT: usize = 10_000;

    /// A limiter applying `limit`.
    pub fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// `Some(seconds)` to wait when any of `keys` has used up its failures at `now`.
    pub fn retry_after(&self, keys: &[&str], now: Instant) -> Option<u64> {
        let windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        keys.iter()
            .filter_map(|key| windows.get(*key))
            .filter(|window| window.failures >= self.limit.max_failures)
            .filter_map(|window| {
                let ends = window.started + self.limit.window;
                ends.checked_duration_since(now)
            })
            .map(|left| left.as_secs().max(1))
            .max()
    }

    /// Records a failed login for each of `keys` at `now`.
    pub fn record_failure(&self, keys: &[&str], now: Instant) {
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() >= Self::SWEEP_AT {
            let window = self.limit.window;
            windows.retain(|_, entry| now.duration_since(entry.started) < window);
        }
        for key in keys {
            let entry = windows.entry((*key).to_owned()).or_insert(Window {
                started: now,
                failures: 0,
            });
            if now.duration_since(entry.started) >= self.limit.window {
                *entry = Window {
                    started: now,
                    failures: 0,
                };
            }
            entry.failures += 1;
        }
    }

    /// Forgets the failures of `keys` (after a successful login).
    pub fn clear(&self, keys: &[&str]) {
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for key in keys {
            windows.remove(*key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter() -> LoginRateLimiter {
        LoginRateLimiter::new(RateLimit {
            max_failures: 3,
            window: Duration::from_secs(60),
        })
    }

    #[test]
    fn a_key_is_blocked_after_its_failures_until_the_window_ends() {
        let limiter = limiter();
        let start = Instant::now();
        for _ in 0..2 {
            limiter.record_failure(&["a@example.com"], start);
        }
        assert_eq!(limiter.retry_after(&["a@example.com"], start), None);
        limiter.record_failure(&["a@example.com"], start);
        assert_eq!(limiter.retry_after(&["a@example.com"], start), Some(60));
        let later = start + Duration::from_secs(45);
        assert_eq!(
            limiter.retry_after(&["a@example.com", "other"], later),
            Some(15)
        );
        let after = start + Duration::from_secs(61);
        assert_eq!(limiter.retry_after(&["a@example.com"], after), None);
        limiter.record_failure(&["a@example.com"], after);
        assert_eq!(
            limiter.retry_after(&["a@example.com"], after),
            None,
            "a new window"
        );
    }

    #[test]
    fn success_clears_and_other_keys_are_independent() {
        let limiter = limiter();
        let now = Instant::now();
        for _ in 0..3 {
            limiter.record_failure(&["a@example.com", "10.0.0.1"], now);
        }
        assert!(limiter.retry_after(&["b@example.com"], now).is_none());
        assert!(
            limiter
                .retry_after(&["b@example.com", "10.0.0.1"], now)
                .is_some()
        );
        limiter.clear(&["a@example.com", "10.0.0.1"]);
        assert!(
            limiter
                .retry_after(&["a@example.com", "10.0.0.1"], now)
                .is_none()
        );
    }
}
