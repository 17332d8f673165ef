//! Request bodies larger than [`MAX_BODY_BYTES`](crate::MAX_BODY_BYTES) answer `413` before any
//! handler reads them: by their `Content-Length`, or, for a chunked body, while it is read.

use poem::http::StatusCode;
use poem::http::header::{CONTENT_LENGTH, TRANSFER_ENCODING};
use poem::{Endpoint, Error, IntoResponse, Request, Response, Result};

/// Refuses bodies over `max_bytes`, then calls `next`.
pub async fn limit_body<E: Endpoint>(
    next: E,
    mut request: Request,
    max_bytes: usize,
) -> Result<Response> {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    match declared {
        Some(length) if length > max_bytes => return Err(too_large()),
        Some(_) => {}
        None if request.headers().contains_key(TRANSFER_ENCODING) => {
            let body = request
                .take_body()
                .into_bytes_limit(max_bytes)
                .await
                .map_err(|_| too_large())?;
            request.set_body(body);
        }
        None => {}
    }
    Ok(next.call(request).await?.into_response())
}

fn too_large() -> Error {
    Error::from_status(StatusCode::PAYLOAD_TOO_LARGE)
}
