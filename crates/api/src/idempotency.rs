//! `Idempotency-Key`: every POST that creates or moves something ([`IDEMPOTENT_OPERATIONS`]) may
//! carry a key; the first successful response is stored with the request's effects, in one
//! transaction ([`IdempotencyStore`]), and replayed for 24 hours to a retry with the same key and
//! the same request (marked `Idempotent-Replayed: true`). The same key with another request
//! answers `422 idempotency_key_reused`; a retry while the first is still running answers
//! `409 idempotency_key_in_use`. Keys are scoped to the caller (the token's user, or the website's
//! ingestion key). A failure is not stored: retrying it runs it again.

use std::sync::Arc;

use poem::http::{HeaderName, HeaderValue, StatusCode};
use poem::web::headers::HeaderMapExt;
use poem::web::headers::authorization::{Authorization, Bearer as BearerHeader};
use poem::{Body, Endpoint, IntoResponse, Request, Response, Result};
use poem_openapi::payload::Json;
use prosektor_application::services::ServiceError;
use prosektor_application::{
    Caller, Clock, IdempotencyStore, Idempotent, IdempotentRequest, RepositoryError, StoredResponse,
};
use prosektor_domain::UserId;

use crate::auth::bearer::Authenticator;
use crate::error::{ApiError, Problem, problem_from_poem};
use crate::routes::Routes;

/// The request header carrying the key.
pub(crate) const KEY_HEADER: &str = "Idempotency-Key";
/// [`KEY_HEADER`] as a header name, so that no request parses it.
const KEY_NAME: HeaderName = HeaderName::from_static("idempotency-key");
/// The response header marking a replay.
pub(crate) const REPLAYED_HEADER: &str = "Idempotent-Replayed";
/// The operations that take an `Idempotency-Key`.
pub(crate) const IDEMPOTENT_OPERATIONS: [&str; 14] = [
    "createCompany",
    "createUser",
    "restoreUser",
    "createInvoice",
    "sendInvoice",
    "payInvoice",
    "voidInvoice",
    "createProject",
    "changeProjectStatus",
    "rotateProjectIngestKey",
    "startRun",
    "cancelRun",
    "ingestStats",
    "ingestStatsWithKey",
];
/// The response headers stored and replayed with the body.
const KEPT_HEADERS: [&str; 3] = ["content-type", "etag", "location"];
/// The header a website sends its ingestion key in.
const INGEST_KEY_HEADER: &str = "X-Ingest-Key";

/// What the middleware needs: the store, the token checker (for the caller), the clock, and the
/// operations of the document.
pub(crate) struct Idempotency {
    /// Runs requests at most once.
    pub store: Arc<dyn IdempotencyStore>,
    /// Names the caller of a bearer token.
    pub authenticator: Authenticator,
    /// The time, for the replay window.
    pub clock: Arc<dyn Clock>,
    /// Which operation a request is.
    pub routes: Arc<Routes>,
}

/// Calls `next` at most once per key for the idempotent operations (see the module), and plainly
/// for everything else (and for a request without a caller: the operation answers it `401`).
pub(crate) async fn at_most_once<E: Endpoint + 'static>(
    next: Arc<E>,
    request: Request,
    idempotency: &Idempotency,
) -> Result<Response> {
    match request.headers().get(KEY_NAME).cloned() {
        None => Ok(respond(next, request).await),
        // Boxed: the way of a keyed request holds large futures (the store's, the body's), which
        // every request's future would otherwise carry, and most requests carry no key.
        Some(key) => Box::pin(keyed(next, request, key, idempotency)).await,
    }
}

/// [`at_most_once`] for a request that carries `key`.
async fn keyed<E: Endpoint + 'static>(
    next: Arc<E>,
    mut request: Request,
    key: HeaderValue,
    idempotency: &Idempotency,
) -> Result<Response> {
    let idempotent = idempotency
        .routes
        .operation(request.method().as_str(), request.uri().path())
        .is_some_and(|operation| IDEMPOTENT_OPERATIONS.contains(&operation));
    let sender = sender(&request, &idempotency.authenticator);
    let (true, Some(sender)) = (idempotent, sender) else {
        return Ok(respond(next, request).await);
    };
    let body = request.take_body().into_vec().await?;
    let target = request
        .uri()
        .path_and_query()
        .map_or_else(|| request.uri().path().to_owned(), ToString::to_string);
    let Ok(idempotent_request) = IdempotentRequest::new(
        sender.as_caller(),
        key.to_str().unwrap_or_default(),
        request.method().as_str(),
        &target,
        &body,
        idempotency.clock.now(),
    ) else {
        return Ok(ApiError::bad_request(
            "invalid_idempotency_key",
            "an Idempotency-Key is 1 to 255 visible ASCII characters",
        )
        .into_response());
    };
    request.set_body(Body::from_vec(body));
    let work = Box::pin(async move { stored(respond(next, request).await).await });
    let answer = match idempotency.store.run_once(&idempotent_request, work).await {
        Ok(Idempotent::Executed(response)) => return Ok(replayable(response, false)),
        Ok(Idempotent::Replayed(response)) => return Ok(replayable(response, true)),
        Ok(Idempotent::InProgress) => ApiError::Conflict(Json(Problem::new(
            409,
            "idempotency_key_in_use",
            "Conflict",
            Some("a request with this Idempotency-Key is still running; retry when it ends".into()),
        ))),
        Ok(Idempotent::KeyReused) => ApiError::Unprocessable(Json(Problem::new(
            422,
            "idempotency_key_reused",
            "Unprocessable",
            Some("this Idempotency-Key was used for another request; use a new key".into()),
        ))),
        Err(RepositoryError::Unavailable(cause)) => ServiceError::Unavailable(cause).into(),
        Err(cause) => ServiceError::Internal(cause.to_string()).into(),
    };
    Ok(answer.into_response())
}

impl std::fmt::Debug for Idempotency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Idempotency").finish_non_exhaustive()
    }
}

/// Who sends a request.
enum Sender {
    /// A bearer token's user (the token checked, its session not yet: the operation does that).
    User(UserId),
    /// A website, by its ingestion key.
    Website(String),
}

impl Sender {
    fn as_caller(&self) -> Caller<'_> {
        match self {
            Self::User(user) => Caller::User(*user),
            Self::Website(ingest_key) => Caller::IngestKey(ingest_key),
        }
    }
}

/// The sender of `request`: its ingestion key, or its bearer token's user if the token checks
/// out.
fn sender(request: &Request, authenticator: &Authenticator) -> Option<Sender> {
    if let Some(ingest_key) = request
        .headers()
        .get(INGEST_KEY_HEADER)
        .and_then(|value| value.to_str().ok())
    {
        return Some(Sender::Website(ingest_key.to_owned()));
    }
    let Authorization(bearer) = request
        .headers()
        .typed_get::<Authorization<BearerHeader>>()?;
    let claims = authenticator.claims(bearer.token()).ok()?;
    Some(Sender::User(claims.user_id))
}

/// `next`'s answer to `request`, errors as their problem documents.
async fn respond<E: Endpoint>(next: Arc<E>, request: Request) -> Response {
    match next.call(request).await {
        Ok(response) => response.into_response(),
        Err(error) => problem_from_poem(error).await,
    }
}

/// `response` as stored: status, kept headers, body.
async fn stored(response: Response) -> StoredResponse {
    let status = response.status().as_u16();
    let headers = KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            let value = response.headers().get(*name)?.to_str().ok()?;
            Some(((*name).to_owned(), value.to_owned()))
        })
        .collect();
    let body = response.into_body().into_vec().await.unwrap_or_default();
    StoredResponse {
        status,
        headers,
        body,
    }
}

/// The HTTP response of a stored one, marked as a replay when `replayed`.
fn replayable(stored: StoredResponse, replayed: bool) -> Response {
    let mut response = Response::builder()
        .status(StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK))
        .body(stored.body);
    for (name, value) in stored.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    if replayed {
        response
            .headers_mut()
            .insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_name_constant_is_the_documented_header() {
        assert!(KEY_NAME.as_str().eq_ignore_ascii_case(KEY_HEADER));
    }
}
