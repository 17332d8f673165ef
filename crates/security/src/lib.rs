//! # prosektor-security
//!
//! The security adapters of the application's ports: [`Argon2Hasher`] implements
//! `PasswordHasher` (argon2id, OWASP's parameters, bounded concurrency on tokio's blocking pool)
//! and [`JwtCodec`] implements `TokenCodec` (HS256 bearer tokens carrying a user id and its
//! session version); [`VerifiedTokenCache`], in front of it, verifies each token once rather than
//! at every request. None touches a database or HTTP: the server's composition root hands them to
//! the services, which decide what a password or a token means.
//!
//! May depend on: `prosektor-domain`, `prosektor-application` (the ports it implements), argon2,
//! jsonwebtoken, tokio (the blocking pool). Never on another adapter.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod argon2_hasher;
mod jwt;
mod token_cache;

pub use argon2_hasher::Argon2Hasher;
pub use jwt::{JwtCodec, MIN_SECRET_BYTES, WeakSecret};
pub use token_cache::{DEFAULT_REMEMBERED_TOKENS, VerifiedTokenCache};
