//! The bearer security schemes and [`Authenticator`], which turns a token into the acting user
//! through [`AuthService`]: the token must verify, and its user must exist, not be deleted, and
//! still have the session version the token carries (so logout-everywhere, password and role
//! changes and deletion take effect on the next request).
//!
//! The schemes do the checking themselves (poem-openapi's `checker`), so that an operation
//! receives an authenticated [`Session`] and never a bare token: an operation that takes
//! [`BearerAuth`] cannot run for a caller whose session is over. They find the [`Authenticator`]
//! in the request's data, where [`crate::app`] puts it.

use std::sync::Arc;

use poem::Request;
use poem::http::StatusCode;
use poem_openapi::SecurityScheme;
use poem_openapi::auth::{ApiKey, Bearer};
use prosektor_application::TokenClaims;
use prosektor_application::services::{Actor, AuthService, ServiceError, Session};

use super::beside::{CheckBeside, ConfirmedSession, Handover, Replay};
use super::remembered::RememberedSessions;
use crate::error::{ApiError, ApiResult};

/// `Authorization: Bearer <token>`, a token from `POST /api/v1/auth/login`.
#[derive(Debug, SecurityScheme)]
#[oai(ty = "bearer", bearer_format = "JWT", checker = "live_session")]
pub struct BearerAuth(pub Session);

impl BearerAuth {
    /// Who is acting.
    pub fn actor(self) -> Actor {
        self.0.actor
    }
}

// The same scheme as `BearerAuth` (one entry of the document, hence one description), but checked
// only for its signature and expiry: for ending sessions, which must also succeed for a token an
// earlier logout already ended.
/// `Authorization: Bearer <token>`, a token from `POST /api/v1/auth/login`.
#[derive(Debug, SecurityScheme)]
#[oai(
    rename = "BearerAuth",
    ty = "bearer",
    bearer_format = "JWT",
    checker = "verified_claims"
)]
pub struct BearerClaims(pub TokenClaims);

/// `X-Ingest-Key: <key>`, a project's ingestion key (from `rotateProjectIngestKey`), accepted only
/// by the ingestion endpoint.
#[derive(Debug, SecurityScheme)]
#[oai(ty = "api_key", key_name = "X-Ingest-Key", key_in = "header")]
pub struct IngestKeyAuth(pub ApiKey);

/// [`BearerAuth`]'s check: the token's live session. A read whose caller's session is remembered
/// starts on it and hands the check over to run beside it (`crate::auth::beside`); a read run
/// again on the session its check confirmed takes that one.
async fn live_session(request: &Request, bearer: Bearer) -> poem::Result<Session> {
    if let Some(ConfirmedSession(session)) = request.data::<ConfirmedSession>() {
        return Ok(session.clone());
    }
    let authenticator = authenticator(request)?;
    let claims = authenticator.claims(&bearer.token)?;
    if let Some(offer) = request.data::<CheckBeside>()
        && let Some(provisional) = authenticator.remembered.of(&claims)
    {
        let checking = Arc::clone(authenticator);
        let handover = Handover {
            provisional: Arc::clone(&provisional),
            check: Box::pin(async move { checking.check(claims).await }),
            replay: Replay::of(request),
        };
        if offer.hand_over(handover) {
            return Ok(Session::clone(&provisional));
        }
    }
    authenticator.check(claims).await.map_err(Into::into)
}

/// [`BearerClaims`]'s check: the token's verified claims.
async fn verified_claims(request: &Request, bearer: Bearer) -> poem::Result<TokenClaims> {
    authenticator(request)?
        .claims(&bearer.token)
        .map_err(Into::into)
}

/// The authenticator [`crate::app`] put into the request's data.
fn authenticator(request: &Request) -> poem::Result<&Arc<Authenticator>> {
    request.data::<Arc<Authenticator>>().ok_or_else(|| {
        poem::Error::from_string(
            "the authenticator is missing from the request's data",
            StatusCode::INTERNAL_SERVER_ERROR,
        )
    })
}

/// Checks bearer tokens and the user row behind them, answering in HTTP terms, and remembers the
/// session each recent caller's last check confirmed (for reads that start on it while their
/// check runs beside them: `crate::auth::beside`).
#[derive(Debug, Clone)]
pub struct Authenticator {
    auth: AuthService,
    remembered: Arc<RememberedSessions>,
}

impl Authenticator {
    /// An authenticator asking `auth`, remembering up to `sessions` confirmed sessions.
    pub fn new(auth: AuthService, sessions: usize) -> Self {
        Self {
            auth,
            remembered: Arc::new(RememberedSessions::new(sessions)),
        }
    }

    /// The session of `token`: the user as read to check it (so that an endpoint about the
    /// caller need not read it again) and the actor it acts as.
    ///
    /// # Errors
    /// `401` for a bad or expired token, or a deleted user or outdated session; `403
    /// company_closed` for a client of a churned company; `500` when the user cannot be read.
    pub async fn session(&self, token: &str) -> ApiResult<Session> {
        self.check(self.claims(token)?).await
    }

    /// The session `claims` stand for, checked against the user row (see [`Self::session`]),
    /// and remembered; a refused one is forgotten.
    async fn check(&self, claims: TokenClaims) -> ApiResult<Session> {
        match self
            .auth
            .authenticate(claims.user_id, claims.session_version)
            .await
        {
            Ok(session) => {
                self.remembered.keep(&session);
                Ok(session)
            }
            Err(ServiceError::Unauthenticated | ServiceError::NotFound) => {
                self.remembered.forget(claims.user_id);
                Err(ApiError::unauthenticated())
            }
            Err(closed @ ServiceError::CompanyClosed) => {
                self.remembered.forget(claims.user_id);
                Err(closed.into())
            }
            Err(other) => Err(other.into()),
        }
    }

    /// The claims of `token`, verified (signature and expiry) but not checked against the user
    /// row. The request's span (and so its access log line) names the caller from here on.
    ///
    /// # Errors
    /// `401` for a bad or expired token.
    pub fn claims(&self, token: &str) -> ApiResult<TokenClaims> {
        let claims = self
            .auth
            .verify_token(token)
            .map_err(|_| ApiError::unauthenticated())?;
        tracing::Span::current().record("user_id", tracing::field::display(claims.user_id));
        Ok(claims)
    }

    /// A new token for the user's current session version.
    pub fn issue(&self, user: &prosektor_domain::User) -> String {
        self.auth.issue_token(user)
    }
}
