//! [`JwtCodec`]: the [`TokenCodec`] port as HS256 JSON Web Tokens.
//!
//! Claims: `sub` (user id), `sv` (session version), `iat` and `exp` (seconds since the epoch). Expiry
//! is checked against the `now` the caller passes (the application's clock), not the system clock.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use prosektor_application::{InvalidToken, TokenClaims, TokenCodec};
use prosektor_domain::{SessionVersion, UserId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The shortest accepted signing secret, in bytes (HS256 wants at least the hash's 256 bits).
pub const MIN_SECRET_BYTES: usize = 32;

/// The signing secret is too short to be safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the token secret must have at least {MIN_SECRET_BYTES} bytes")]
pub struct WeakSecret;

/// HS256 tokens signed with a secret from configuration, valid for a fixed lifetime.
pub struct JwtCodec {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    lifetime: Duration,
}

impl std::fmt::Debug for JwtCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtCodec")
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
    sv: i32,
    iat: i64,
    exp: i64,
}

impl JwtCodec {
    /// A codec signing with `secret`, issuing tokens valid for `lifetime`.
    ///
    /// # Errors
    /// [`WeakSecret`] when `secret` is shorter than [`MIN_SECRET_BYTES`].
    pub fn new(secret: &[u8], lifetime: Duration) -> Result<Self, WeakSecret> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(WeakSecret);
        }
        let mut validation = Validation::new(Algorithm::HS256);
        // Expiry is checked against the caller's clock in `verify`.
        validation.validate_exp = false;
        validation.required_spec_claims = ["sub", "exp"]
            .iter()
            .map(|claim| (*claim).to_owned())
            .collect();
        Ok(Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            lifetime,
        })
    }
}

impl TokenCodec for JwtCodec {
    fn issue(
        &self,
        user_id: UserId,
        session_version: SessionVersion,
        now: DateTime<Utc>,
    ) -> String {
        let lifetime = i64::try_from(self.lifetime.as_secs()).unwrap_or(i64::MAX);
        let claims = Claims {
            sub: user_id.as_uuid(),
            sv: session_version.get(),
            iat: now.timestamp(),
            exp: now.timestamp().saturating_add(lifetime),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 over plain integer and UUID claims has no failure path")
    }

    fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<TokenClaims, InvalidToken> {
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| InvalidToken)?
            .claims;
        let expires_at = Utc
            .timestamp_opt(claims.exp, 0)
            .single()
            .ok_or(InvalidToken)?;
        let session_version = SessionVersion::new(claims.sv).map_err(|_| InvalidToken)?;
        let claims = TokenClaims {
            user_id: UserId::from_uuid(claims.sub),
            session_version,
            expires_at,
        };
        if claims.live_at(now) {
            Ok(claims)
        } else {
            Err(InvalidToken)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn codec() -> JwtCodec {
        JwtCodec::new(SECRET, Duration::from_secs(3600)).expect("strong secret")
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0)
            .single()
            .expect("valid time")
    }

    #[test]
    fn a_token_round_trips_its_user_and_session_version() {
        let user = UserId::new_v7();
        let version = SessionVersion::new(7).expect("valid version");
        let token = codec().issue(user, version, now());
        let claims = codec().verify(&token, now()).expect("valid token");
        assert_eq!(claims.user_id, user);
        assert_eq!(claims.session_version, version);
        assert_eq!(claims.expires_at, now() + chrono::Duration::hours(1));
    }

    #[test]
    fn expired_tampered_and_foreign_tokens_are_refused() {
        let token = codec().issue(UserId::new_v7(), SessionVersion::new(1).expect("v1"), now());
        let later = now() + chrono::Duration::hours(1);
        assert_eq!(codec().verify(&token, later), Err(InvalidToken));

        let other = JwtCodec::new(
            b"another-secret-another-secret-xx",
            Duration::from_secs(3600),
        )
        .expect("strong");
        assert_eq!(other.verify(&token, now()), Err(InvalidToken));

        let mut tampered = token.clone();
        tampered.replace_range(tampered.len() - 2.., "AA");
        assert_eq!(codec().verify(&tampered, now()), Err(InvalidToken));
        assert_eq!(codec().verify("not.a.token", now()), Err(InvalidToken));
    }

    #[test]
    fn short_secrets_are_refused() {
        assert_eq!(
            JwtCodec::new(b"short", Duration::from_secs(60)).err(),
            Some(WeakSecret)
        );
    }
}
