//! Errors the framework raises before a handler runs (unreadable JSON, wrong types, unknown enum
//! values, bad UUIDs in paths, a missing bearer token, unknown routes, oversize bodies) become
//! problem documents too, so that no error of the API is plain text.

use poem::http::StatusCode;
use poem::{IntoResponse, Response};
use poem_openapi::types::ToJSON;

use super::problem::Problem;

/// The problem document answering a framework error; 5xx causes are logged, not returned. An
/// error that already is a response (an operation's own problem document) passes unchanged.
pub async fn problem_from_poem(error: poem::Error) -> Response {
    if error.is_from_response() {
        return error.into_response();
    }
    let status = error.status();
    let (code, title) = match status {
        StatusCode::BAD_REQUEST => ("bad_request", "Bad request"),
        StatusCode::UNAUTHORIZED => ("unauthenticated", "Unauthenticated"),
        StatusCode::NOT_FOUND => ("not_found", "Not found"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "Method not allowed"),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "Payload too large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "Unsupported media type"),
        status if status.is_client_error() => ("bad_request", "Bad request"),
        _ => ("internal", "Internal error"),
    };
    let detail = match status {
        _ if status.is_server_error() => {
            tracing::error!(%error, "framework error");
            None
        }
        StatusCode::UNAUTHORIZED => Some("a valid bearer token is required".to_owned()),
        _ => Some(error.to_string()),
    };
    let status = if status.is_client_error() || status.is_server_error() {
        status
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    };
    let problem = Problem::new(status.as_u16(), code, title, detail);
    let body = problem
        .to_json()
        .map(|json| json.to_string())
        .unwrap_or_default();
    body.with_content_type("application/problem+json")
        .with_status(status)
        .into_response()
}
