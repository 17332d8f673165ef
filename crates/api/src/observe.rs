//! What an operator sees of every request: its id, its span, its access log line and its HTTP
//! metrics.
//!
//! - **Request id**: the caller's `X-Request-Id` when it is 1 to 64 characters of
//!   `[A-Za-z0-9._-]`, else a new UUID v7; echoed in the response's `X-Request-Id`, a field of the
//!   request's span (so of every log line the request writes), and the `request_id` of every
//!   problem document ([`current_request_id`]).
//! - **Span** `request` with `request_id`, `method`, `route` (the path's template, never its ids)
//!   and `user_id` (recorded once the bearer token is checked).
//! - **Access log**: one `served` line per request with `status` and `duration_ms`, in the span.
//! - **Metrics**: `http_requests_total{method, route, status}`,
//!   `http_request_duration_seconds{method, route}` and `http_requests_in_flight`, through
//!   `HttpMetrics` (`http_metrics.rs`). Labels are bounded: routes are templates (`unmatched`
//!   for paths the document does not have), methods HTTP's nine (`OTHER` for any extension
//!   method).

use std::time::Instant;

use metrics::Gauge;
use poem::http::{HeaderName, HeaderValue};
use poem::{Endpoint, IntoResponse, Request, Response, Result};
use tracing::Instrument;

use crate::http_metrics::HttpMetrics;
use crate::routes::Routes;

/// The header carrying a request's id, both ways.
pub const REQUEST_ID_HEADER: &str = "X-Request-Id";
/// [`REQUEST_ID_HEADER`] as a header name, so that no request parses it.
const REQUEST_ID_NAME: HeaderName = HeaderName::from_static("x-request-id");
/// The longest incoming request id kept.
const MAX_REQUEST_ID_CHARS: usize = 64;

tokio::task_local! {
    /// The id of the request this task serves.
    static REQUEST_ID: HeaderValue;
}

/// The id of the request the current task serves, if any.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID
        .try_with(|id| id.to_str().unwrap_or_default().to_owned())
        .ok()
}

/// The incoming id if it is one we keep (shared with the request, not copied), else a new one.
fn request_id(incoming: Option<&HeaderValue>) -> HeaderValue {
    let kept = incoming.filter(|value| {
        let id = value.as_bytes();
        !id.is_empty()
            && id.len() <= MAX_REQUEST_ID_CHARS
            && id
                .iter()
                .all(|byte| byte.is_ascii_alphanumeric() || b"._-".contains(byte))
    });
    match kept {
        Some(id) => id.clone(),
        None => {
            let mut buffer = uuid::Uuid::encode_buffer();
            let id = uuid::Uuid::now_v7().hyphenated().encode_lower(&mut buffer);
            // A UUID's characters are all valid in a header: the fallback is never taken.
            HeaderValue::from_str(id).unwrap_or(HeaderValue::from_static("unidentified"))
        }
    }
}

/// Counts the request in flight until dropped (answered, or abandoned by its client).
struct InFlight<'a>(&'a Gauge);

impl<'a> InFlight<'a> {
    fn start(gauge: &'a Gauge) -> Self {
        gauge.increment(1.0);
        Self(gauge)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.decrement(1.0);
    }
}

/// Serves `request` through `next` inside its span, with its id, access log line and metrics.
pub(crate) async fn observe<E: Endpoint>(
    next: E,
    request: Request,
    routes: &Routes,
    metrics: &HttpMetrics,
) -> Result<Response> {
    let started = Instant::now();
    let id = request_id(request.headers().get(REQUEST_ID_NAME));
    let route = metrics.route(routes.position(request.uri().path()));
    let series = route.method(request.method());
    let span = tracing::info_span!(
        "request",
        request_id = %id.to_str().unwrap_or_default(),
        method = %request.method(),
        route = %route.name(),
        user_id = tracing::field::Empty,
    );
    let in_flight = InFlight::start(metrics.in_flight());
    let served = REQUEST_ID
        .scope(id.clone(), next.call(request))
        .instrument(span.clone())
        .await;
    drop(in_flight);
    let mut response = match served {
        Ok(response) => response.into_response(),
        Err(error) => error.into_response(),
    };
    response.headers_mut().insert(REQUEST_ID_NAME, id);
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    series.answered(status, elapsed.as_secs_f64());
    span.in_scope(|| {
        tracing::info!(
            status,
            duration_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
            "served"
        );
    });
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_safe_incoming_id_is_kept_and_anything_else_replaced() {
        let kept = request_id(Some(&HeaderValue::from_static("edge-7f3a.01_B")));
        assert_eq!(kept, "edge-7f3a.01_B");
        for unsafe_id in ["", "has space", "quote\"", &"x".repeat(65)] {
            let replaced = request_id(Some(&HeaderValue::from_str(unsafe_id).unwrap()));
            assert_ne!(replaced, unsafe_id);
            assert!(
                uuid::Uuid::parse_str(replaced.to_str().unwrap()).is_ok(),
                "{replaced:?}"
            );
        }
        assert!(uuid::Uuid::parse_str(request_id(None).to_str().unwrap()).is_ok());
    }

    #[test]
    fn the_header_name_constant_is_the_documented_header() {
        assert!(
            REQUEST_ID_NAME
                .as_str()
                .eq_ignore_ascii_case(REQUEST_ID_HEADER)
        );
    }
}
