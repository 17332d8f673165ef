//! [`VerifiedTokenCache`]: a [`TokenCodec`] that remembers the tokens it has verified, so that a
//! client sending the same token on every request pays for its signature and JSON once, not per
//! request.
//!
//! Only what a token proves about itself is remembered (its signature and its claims); whether
//! its session is still live is asked of the database on every request, as before, so a logout,
//! a password or role change or a deletion still takes effect on the very next request. Expiry is
//! checked on every use against the caller's clock. The cache holds a fixed number of tokens in
//! sets of [`WAYS`], a token's set picked by a hash keyed at random per process: its memory is
//! bounded, which tokens share a set cannot be chosen from outside, and a new token takes the
//! place of the one its set remembered first. With one place per set (the first version), a
//! third of the clients of a cache as large as their number evicted each other at every request
//! and paid the signature again; with eight, at a quarter of its capacity about one client in a
//! thousand does (`docs/benchmarks.md`).

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};
use prosektor_application::{InvalidToken, TokenClaims, TokenCodec};
use prosektor_domain::{SessionVersion, UserId};

/// How many verified tokens the server remembers by default (about 4 MiB when all are taken).
pub const DEFAULT_REMEMBERED_TOKENS: usize = 16_384;

/// How many tokens one set can hold: a token may be remembered in any place of its set.
const WAYS: usize = 8;

/// A token verified earlier, its keyed hash, and what it claims.
struct Remembered {
    hash: u64,
    token: Box<str>,
    claims: TokenClaims,
}

/// The tokens of one set, and which place the next new token takes once all are full.
#[derive(Default)]
struct Set {
    places: [Option<Remembered>; WAYS],
    oldest: usize,
}

impl Set {
    /// The claims of `token` (whose keyed hash is `hash`), if this set remembers it. Only a
    /// token with the same hash is compared byte by byte.
    fn claims_of(&self, hash: u64, token: &str) -> Option<TokenClaims> {
        self.places
            .iter()
            .flatten()
            .find(|known| known.hash == hash && same_bytes(&known.token, token))
            .map(|known| known.claims)
    }

    /// Remembers `token` in an empty place, else in the place of the token remembered first.
    fn remember(&mut self, hash: u64, token: &str, claims: TokenClaims) {
        if self.claims_of(hash, token).is_some() {
            return;
        }
        let place = match self.places.iter().position(Option::is_none) {
            Some(empty) => empty,
            None => {
                let oldest = self.oldest;
                self.oldest = (oldest + 1) % WAYS;
                oldest
            }
        };
        self.places[place] = Some(Remembered {
            hash,
            token: token.into(),
            claims,
        });
    }
}

/// A [`TokenCodec`] in front of `C` that verifies each distinct token once and then answers from
/// memory (expiry still checked at every use).
pub struct VerifiedTokenCache<C> {
    codec: C,
    sets: Box<[Mutex<Set>]>,
    hasher: RandomState,
}

impl<C> std::fmt::Debug for VerifiedTokenCache<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifiedTokenCache")
            .field("tokens", &(self.sets.len() * WAYS))
            .finish_non_exhaustive()
    }
}

impl<C: TokenCodec> VerifiedTokenCache<C> {
    /// `codec` remembering up to `tokens` tokens (rounded up to whole sets; at least one set).
    pub fn new(codec: C, tokens: usize) -> Self {
        Self {
            codec,
            sets: (0..tokens.div_ceil(WAYS).max(1))
                .map(|_| Mutex::default())
                .collect(),
            hasher: RandomState::new(),
        }
    }

    /// The keyed hash of `token` and the set it belongs to.
    fn set_of(&self, token: &str) -> (u64, &Mutex<Set>) {
        let hash = self.hasher.hash_one(token);
        // The remainder is below the set count, which is a `usize`.
        let index = usize::try_from(hash % self.sets.len() as u64).unwrap_or_default();
        (hash, &self.sets[index])
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
        let (hash, set) = self.set_of(token);
        let remembered = set
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .claims_of(hash, token);
        if let Some(claims) = remembered {
            return if claims.live_at(now) {
                Ok(claims)
            } else {
                Err(InvalidToken)
            };
        }
        let claims = self.codec.verify(token, now)?;
        set.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remember(hash, token, claims);
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

    fn cache(tokens: usize) -> VerifiedTokenCache<Counting> {
        let codec = JwtCodec::new(&[42; 32], Duration::from_secs(3600)).expect("a long secret");
        VerifiedTokenCache::new(
            Counting {
                codec,
                verified: AtomicUsize::new(0),
            },
            tokens,
        )
    }

    fn verified(cache: &VerifiedTokenCache<Counting>) -> usize {
        cache.codec.verified.load(Ordering::Relaxed)
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
        assert_eq!(verified(&cache), 1);
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
        assert_eq!(verified(&cache), 1);
    }

    #[test]
    fn tokens_sharing_a_set_each_get_their_own_claims_and_forgeries_are_still_refused() {
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
        assert_eq!(verified(&cache), 2);
        let mut forged = first.clone();
        forged.pop();
        forged.push(if first.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(cache.verify(&forged, noon()), Err(InvalidToken));
        assert_eq!(cache.verify("not a token", noon()), Err(InvalidToken));
        assert!(cache.verify(&first, noon()).is_ok());
    }

    #[test]
    fn a_full_set_forgets_the_token_it_remembered_first() {
        let cache = cache(WAYS);
        let tokens: Vec<String> = (0..=WAYS).map(|_| token_of(&cache, 1)).collect();
        for token in &tokens {
            cache.verify(token, noon()).expect("valid");
        }
        assert_eq!(verified(&cache), WAYS + 1);
        for token in &tokens[1..] {
            cache.verify(token, noon()).expect("still remembered");
        }
        assert_eq!(verified(&cache), WAYS + 1);
        cache.verify(&tokens[0], noon()).expect("verified again");
        assert_eq!(verified(&cache), WAYS + 2);
    }

    #[test]
    fn with_a_quarter_of_its_capacity_in_use_nearly_every_token_is_remembered() {
        // One place per set forgets about one token in five at this load (every token whose place
        // another took); eight places per set, about one in a thousand on average. A set that
        // drew nine or more of the tokens forgets every one of them on the second pass (each
        // takes the place of the next), so a run sees 0 to about 40 (a simulation of 3 000 runs:
        // mean 4.2, most 39): the bound, one in forty, is far above that and far below one place
        // per set's 921. The hash is keyed at random per process, so the runs differ.
        let cache = cache(DEFAULT_REMEMBERED_TOKENS);
        let tokens: Vec<String> = (0..DEFAULT_REMEMBERED_TOKENS / 4)
            .map(|_| token_of(&cache, 1))
            .collect();
        for token in &tokens {
            cache.verify(token, noon()).expect("valid");
        }
        let first_pass = verified(&cache);
        for token in &tokens {
            cache.verify(token, noon()).expect("valid");
        }
        let forgotten = verified(&cache) - first_pass;
        assert!(
            forgotten <= tokens.len() / 40,
            "{forgotten} of {} tokens verified again",
            tokens.len()
        );
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
