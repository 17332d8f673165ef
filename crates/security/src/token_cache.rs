//! [`VerifiedTokenCache`]: a [`TokenCodec`] that remembers the tokens it has verified, so that a
//! client sending the same token on every request pays for its signature and JSON once, not per
//! request.
//!
//! Only what a token proves about itself is remembered (its signature and its claims); whether
//! its session is still live is asked of the database on every request, as before, so a logout,
//! a password or role change or a deletion still takes effect on the very next request. Expiry is
//! checked on every use against the caller's clock. The cache is a fixed number of slots, each
//! holding one token, picked by a hash keyed at random per process: its memory is bounded, a new
//! token simply takes its slot's place, and which tokens share a slot cannot be chosen from
//! outside.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};
use prosektor_application::{InvalidToken, TokenClaims, TokenCodec};
use prosektor_domain::{SessionVersion, UserId};

/// How many verified tokens the server remembers by default (about 1 MiB when every slot is taken).
pub const DEFAULT_REMEMBERED_TOKENS: usize = 4096;

/// A token verified earlier, and what it claims.
struct Remembered {
    token: Box<str>,
    claims: TokenClaims,
}

/// A [`TokenCodec`] in front of `C` that verifies each distinct token once and then answers from
/// memory (expiry still checked at every use).
pub struct VerifiedTokenCache<C> {
    codec: C,
    slots: Box<[Mutex<Option<Remembered>>]>,
    hasher: RandomState,
}

impl<C> std::fmt::Debug for VerifiedTokenCache<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifiedTokenCache")
            .field("slots", &self.slots.len())
            .finish_non_exhaustive()
    }
}

impl<C: TokenCodec> VerifiedTokenCache<C> {
    /// `codec` remembering up to `slots` tokens (at least one).
    pub fn new(codec: C, slots: usize) -> Self {
        Self {
            codec,
            slots: (0..slots.max(1)).map(|_| Mutex::new(None)).collect(),
            hasher: RandomState::new(),
        }
    }

    fn slot(&self, token: &str) -> &Mutex<Option<Remembered>> {
        let hash = self.hasher.hash_one(token);
        // The remainder is below the slot count, which is a `usize`.
        let index = usize::try_from(hash % self.slots.len() as u64).unwrap_or_default();
        &self.slots[index]
    }
}

impl<C: TokenCodec> TokenCodec for VerifiedTokenCache<C> {
    fn issue(
        &self,
        user_id: UserId,
        session_version: SessionVersion,
        now: DateTime<Utc>,
    ) -> String {
        self.codec.issue(user_id, session_version, now)
    }

    fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<TokenClaims, InvalidToken> {
        let slot = self.slot(token);
        let remembered = slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .filter(|known| same_bytes(&known.token, token))
            .map(|known| known.claims);
        if let Some(claims) = remembered {
            return if claims.live_at(now) {
                Ok(claims)
            } else {
                Err(InvalidToken)
            };
        }
        let claims = self.codec.verify(token, now)?;
        *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(Remembered {
            token: token.into(),
            claims,
        });
        Ok(claims)
    }
}

/// Whether `a` and `b` are equal, in a time that does not depend on where they first differ (a
/// presented token is compared with a valid one).
fn same_bytes(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0_u8, |difference, (x, y)| difference | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use chrono::TimeZone;

    use super::*;
    use crate::JwtCodec;

    /// The real codec, counting how often it is asked to verify.
    struct Counting {
        codec: JwtCodec,
        verified: AtomicUsize,
    }

    impl TokenCodec for Counting {
        fn issue(&self, user: UserId, version: SessionVersion, now: DateTime<Utc>) -> String {
            self.codec.issue(user, version, now)
        }

        fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<TokenClaims, InvalidToken> {
            self.verified.fetch_add(1, Ordering::Relaxed);
            self.codec.verify(token, now)
        }
    }

    fn cache(slots: usize) -> VerifiedTokenCache<Counting> {
        let codec = JwtCodec::new(&[42; 32], Duration::from_secs(3600)).expect("a long secret");
        VerifiedTokenCache::new(
            Counting {
                codec,
                verified: AtomicUsize::new(0),
            },
            slots,
        )
    }

    fn noon() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 2, 12, 0, 0)
            .single()
            .expect("a valid time")
    }

    fn token_of(cache: &VerifiedTokenCache<Counting>, version: i32) -> String {
        let version = SessionVersion::new(version).expect("a valid version");
        cache.issue(UserId::new_v7(), version, noon())
    }

    #[test]
    fn a_token_is_verified_once_and_then_answered_from_memory_with_the_same_claims() {
        let cache = cache(16);
        let token = token_of(&cache, 3);
        let first = cache.verify(&token, noon()).expect("a valid token");
        for _ in 0..5 {
            assert_eq!(cache.verify(&token, noon()), Ok(first));
        }
        assert_eq!(cache.codec.verified.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn a_remembered_token_is_refused_from_the_second_it_expires() {
        let cache = cache(16);
        let token = token_of(&cache, 1);
        cache.verify(&token, noon()).expect("a valid token");
        let last_second = noon() + chrono::Duration::seconds(3599);
        assert!(cache.verify(&token, last_second).is_ok());
        let expiry = noon() + chrono::Duration::hours(1);
        assert_eq!(cache.verify(&token, expiry), Err(InvalidToken));
        assert_eq!(cache.codec.verified.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn tokens_sharing_a_slot_each_get_their_own_claims_and_forgeries_are_still_refused() {
        let cache = cache(1);
        let first = token_of(&cache, 1);
        let second = token_of(&cache, 2);
        for _ in 0..2 {
            let one = cache.verify(&first, noon()).expect("first is valid");
            let two = cache.verify(&second, noon()).expect("second is valid");
            assert_eq!(one.session_version.get(), 1);
            assert_eq!(two.session_version.get(), 2);
            assert_ne!(one.user_id, two.user_id);
        }
        let mut forged = first.clone();
        forged.pop();
        forged.push(if first.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(cache.verify(&forged, noon()), Err(InvalidToken));
        assert_eq!(cache.verify("not a token", noon()), Err(InvalidToken));
        assert!(cache.verify(&first, noon()).is_ok());
    }

    #[test]
    fn equal_bytes_are_told_apart_from_any_difference() {
        assert!(same_bytes("abc", "abc"));
        assert!(!same_bytes("abc", "abd"));
        assert!(!same_bytes("abc", "xbc"));
        assert!(!same_bytes("abc", "abcd"));
        assert!(same_bytes("", ""));
    }
}
