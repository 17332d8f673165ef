//! The bearer security scheme and [`Authenticator`], which turns a token into the acting user
//! through [`AuthService`]: the token must verify, and its user must exist, not be deleted, and
//! still have the session version the token carries (so logout-everywhere, password and role
//! changes and deletion take effect on the next request).

use poem_openapi::SecurityScheme;
use poem_openapi::auth::{ApiKey, Bearer};
use prosektor_application::TokenClaims;
use prosektor_application::services::{Actor, AuthService, ServiceError, Session};

use crate::error::{ApiError, ApiResult};

/// `Authorization: Bearer <token>`, a token from `POST /api/v1/auth/login`.
#[derive(Debug, SecurityScheme)]
#[oai(ty = "bearer", bearer_format = "JWT")]
pub struct BearerAuth(pub Bearer);

/// `X-Ingest-Key: <key>`, a project's ingestion key (from `rotateProjectIngestKey`), accepted only
/// by the ingestion endpoint.
#[derive(Debug, SecurityScheme)]
#[oai(ty = "api_key", key_name = "X-Ingest-Key", key_in = "header")]
pub struct IngestKeyAuth(pub ApiKey);

/// Checks bearer tokens and the user row behind them, answering in HTTP terms.
#[derive(Debug, Clone)]
pub struct Authenticator {
    auth: AuthService,
}

impl Authenticator {
    /// An authenticator asking `auth`.
    pub const fn new(auth: AuthService) -> Self {
        Self { auth }
    }

    /// The acting user of a request.
    ///
    /// # Errors
    /// As [`Self::session`].
    pub async fn actor(&self, bearer: &BearerAuth) -> ApiResult<Actor> {
        self.session(bearer).await.map(|session| session.actor)
    }

    /// The session of a request: the user as read to check it (so that an endpoint about the
    /// caller need not read it again) and the actor it acts as.
    ///
    /// # Errors
    /// `401` for a bad or expired token, or a deleted user or outdated session; `403
    /// company_closed` for a client of a churned company; `500` when the user cannot be read.
    pub async fn session(&self, bearer: &BearerAuth) -> ApiResult<Session> {
        let claims = self.claims(bearer)?;
        // The request's span (and so its access log line) names the caller from here on.
        tracing::Span::current().record("user_id", tracing::field::display(claims.user_id));
        self.auth
            .authenticate(claims.user_id, claims.session_version)
            .await
            .map_err(|error| match error {
                ServiceError::Unauthenticated | ServiceError::NotFound => {
                    ApiError::unauthenticated()
                }
                other => ApiError::from(other),
            })
    }

    /// The claims of a request's token, verified (signature and expiry) but not checked against
    /// the user row.
    ///
    /// # Errors
    /// `401` for a bad or expired token.
    pub fn claims(&self, bearer: &BearerAuth) -> ApiResult<TokenClaims> {
        self.auth
            .verify_token(&bearer.0.token)
            .map_err(|_| ApiError::unauthenticated())
    }

    /// A new token for the user's current session version.
    pub fn issue(&self, user: &prosektor_domain::User) -> String {
        self.auth.issue_token(user)
    }
}
