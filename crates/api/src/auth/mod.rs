//! Authentication: the bearer scheme and the [`bearer::Authenticator`] that checks each request's
//! token against the user row, the HS256 [`jwt::JwtCodec`], and the login
//! [`rate_limit::LoginRateLimiter`].

pub mod bearer;
pub mod jwt;
pub mod rate_limit;
