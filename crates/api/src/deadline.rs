//! Every request answers within its time bound, whatever the database does: past the bound, the
//! request's work is dropped (a statement still running ends at the pool's `statement_timeout` at
//! the latest) and the client gets `503` with `Retry-After`.

use std::time::Duration;

use poem::{Endpoint, IntoResponse, Request, Response, Result};

use crate::error::ApiError;

/// Calls `next`, answering `503` if it has not answered within `bound`. (The warning is logged in
/// the request's span, which names its method and route.)
pub async fn within<E: Endpoint>(next: E, request: Request, bound: Duration) -> Result<Response> {
    match tokio::time::timeout(bound, next.call(request)).await {
        Ok(answer) => Ok(answer?.into_response()),
        Err(_) => {
            tracing::warn!(?bound, "request stopped at its time bound");
            Ok(
                ApiError::unavailable("the request did not finish in time; retry shortly")
                    .into_response(),
            )
        }
    }
}
