//! [`IdempotencyStore`]: running a request at most once per idempotency key, in the style of
//! Stripe's `Idempotency-Key`: the first successful response is stored in the same transaction
//! as the request's effects and replayed to retries with the same key.
//!
//! This is the one port whose work spans other ports: while the store runs a request's work,
//! every repository call the work makes joins the store's transaction (a unit of work), so the
//! effects and the stored response commit together, or neither does.

use std::future::Future;
use std::pin::Pin;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use prosektor_domain::UserId;

use crate::digest::{sha256_hex, sha256_hex_of_parts};
use crate::ports::error::RepositoryResult;

/// How long a stored response is replayed to retries with its key (24 hours).
pub const IDEMPOTENCY_WINDOW: chrono::Duration = chrono::Duration::hours(24);

/// A request to run at most once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotentRequest {
    /// Whose key it is (`user:<id>`, `ingest:<key digest>`): keys of different callers never
    /// meet.
    pub scope: String,
    /// The caller's key.
    pub key: String,
    /// A digest of the request (method, path and body): the same key with another request is
    /// refused, not replayed.
    pub fingerprint: String,
    /// Responses stored before this moment are forgotten (the key may be used afresh).
    pub replayable_since: DateTime<Utc>,
}

/// Whose key it is: keys of different callers never meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller<'a> {
    /// A user, by the token's subject.
    User(UserId),
    /// A website, by the project ingestion key it sent.
    IngestKey(&'a str),
}

/// An `Idempotency-Key` that is not 1 to 255 visible ASCII characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an idempotency key is 1 to 255 visible ASCII characters")]
pub struct InvalidIdempotencyKey;

impl IdempotentRequest {
    /// The longest key accepted.
    pub const MAX_KEY_CHARS: usize = 255;

    /// `caller`'s request `method path` with `body`, sent with `key` at `now`: fingerprinted, and
    /// replayable within [`IDEMPOTENCY_WINDOW`].
    ///
    /// # Errors
    /// [`InvalidIdempotencyKey`] unless `key` is 1 to 255 visible ASCII characters.
    pub fn new(
        caller: Caller<'_>,
        key: &str,
        method: &str,
        path: &str,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Self, InvalidIdempotencyKey> {
        let visible = |byte: u8| (0x21..=0x7e).contains(&byte);
        if key.is_empty() || key.len() > Self::MAX_KEY_CHARS || !key.bytes().all(visible) {
            return Err(InvalidIdempotencyKey);
        }
        let scope = match caller {
            Caller::User(user) => format!("user:{user}"),
            Caller::IngestKey(ingest_key) => format!("ingest:{}", sha256_hex(ingest_key)),
        };
        let fingerprint =
            sha256_hex_of_parts(&[method.as_bytes(), b" ", path.as_bytes(), b"\n", body]);
        Ok(Self {
            scope,
            key: key.to_owned(),
            fingerprint,
            replayable_since: now - IDEMPOTENCY_WINDOW,
        })
    }
}

/// A response as stored for replay: status, the headers that carry meaning, and the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// The HTTP status.
    pub status: u16,
    /// Header names and values (`Content-Type`, `ETag`, `Location`).
    pub headers: Vec<(String, String)>,
    /// The body's bytes.
    pub body: Vec<u8>,
}

impl StoredResponse {
    /// Whether the response is a success (`2xx`): only successes are stored.
    pub const fn is_success(&self) -> bool {
        self.status >= 200 && self.status < 300
    }
}

/// A request's work: polled once, inside the store's unit of work.
pub type Work = Pin<Box<dyn Future<Output = StoredResponse> + Send>>;

/// What became of an idempotent request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Idempotent {
    /// The work ran now; a success was stored with its effects.
    Executed(StoredResponse),
    /// An earlier run's stored response, for a retry of the same request.
    Replayed(StoredResponse),
    /// A request with this key is running right now.
    InProgress,
    /// The key was used for another request (a different fingerprint) within the window.
    KeyReused,
}

/// Runs requests at most once per key and replays their responses.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Replays the response stored for `request`'s key if it has one (`KeyReused` if stored for
    /// another fingerprint), answers `InProgress` while another request holds the key, and
    /// otherwise runs `work` in one transaction with every repository call it makes, storing
    /// the response in that transaction when it is a success (a failure stores nothing and its
    /// effects, if any, are rolled back).
    ///
    /// # Errors
    /// `Unavailable` when storage fails before the work ran or at its commit (the outcome is then
    /// unknown to the caller: a retry with the key replays it or runs it); `Failed`.
    async fn run_once(
        &self,
        request: &IdempotentRequest,
        work: Work,
    ) -> RepositoryResult<Idempotent>;

    /// Deletes the responses stored before `before`; returns how many.
    ///
    /// # Errors
    /// `Unavailable`.
    async fn purge_expired(&self, before: DateTime<Utc>) -> RepositoryResult<u64>;
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap()
    }

    fn request(
        caller: Caller<'_>,
        key: &str,
        body: &[u8],
    ) -> Result<IdempotentRequest, InvalidIdempotencyKey> {
        IdempotentRequest::new(caller, key, "POST", "/api/v1/companies", body, now())
    }

    #[test]
    fn keys_are_scoped_to_their_caller_and_requests_fingerprinted() {
        let user = UserId::new_v7();
        let first = request(Caller::User(user), "order-1", b"{}").unwrap();
        assert_eq!(first.scope, format!("user:{user}"));
        assert_eq!(first.replayable_since, now() - chrono::Duration::hours(24));
        assert_eq!(
            first,
            request(Caller::User(user), "order-1", b"{}").unwrap()
        );
        let other_body = request(Caller::User(user), "order-1", b"{ }").unwrap();
        assert_ne!(first.fingerprint, other_body.fingerprint);
        let website = request(Caller::IngestKey("psk_secret"), "order-1", b"{}").unwrap();
        assert!(website.scope.starts_with("ingest:"));
        assert!(
            !website.scope.contains("psk_secret"),
            "the key is never stored in the clear"
        );
    }

    #[test]
    fn a_key_is_1_to_255_visible_ascii_characters() {
        let user = Caller::User(UserId::new_v7());
        assert!(request(user, &"k".repeat(255), b"").is_ok());
        for bad in ["", " ", "with space", "ünicode", "tab\t", &"k".repeat(256)] {
            assert_eq!(
                request(user, bad, b""),
                Err(InvalidIdempotencyKey),
                "{bad:?}"
            );
        }
    }
}
