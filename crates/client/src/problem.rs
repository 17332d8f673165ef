//! Reading the API's problem documents (RFC 9457, `application/problem+json`) out of
//! progenitor's untyped error answers.

use futures::TryStreamExt;
use reqwest::{StatusCode, header::HeaderMap};

use crate::{ByteStream, Error, types::Problem};

/// An error answer read as the API's problem document, with the answer's headers (for example
/// `Retry-After` on 429 or `Allow` on 405).
#[derive(Debug)]
pub struct Failure {
    /// The answer's HTTP status.
    pub status: StatusCode,
    /// The answer's headers.
    pub headers: HeaderMap,
    /// The typed problem document; `problem.code` is the stable machine-readable reason.
    pub problem: Problem,
}

/// Why an error could not be read as a problem document: it never reached the server, or its body
/// was not a problem document. Carries the original error's description.
#[derive(Debug)]
pub struct NotAProblem(pub String);

impl std::fmt::Display for NotAProblem {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "not a problem document: {}", self.0)
    }
}

impl std::error::Error for NotAProblem {}

/// Reads a failed call's answer as a problem document: documented error statuses arrive as
/// [`Error::ErrorResponse`], undocumented ones (405, 500, ...) as [`Error::UnexpectedResponse`];
/// both carry the same problem document. Transport and decoding errors are [`NotAProblem`].
pub async fn read(error: Error<ByteStream>) -> Result<Failure, NotAProblem> {
    let (status, headers, body) = match error {
        Error::ErrorResponse(answer) => {
            let (status, headers) = (answer.status(), answer.headers().clone());
            let chunks: Vec<_> = answer
                .into_inner_stream()
                .try_collect()
                .await
                .map_err(|error| NotAProblem(error.to_string()))?;
            (status, headers, chunks.concat())
        }
        Error::UnexpectedResponse(answer) => {
            let (status, headers) = (answer.status(), answer.headers().clone());
            let body = answer
                .bytes()
                .await
                .map_err(|error| NotAProblem(error.to_string()))?;
            (status, headers, body.to_vec())
        }
        other => return Err(NotAProblem(other.to_string())),
    };
    let problem =
        serde_json::from_slice(&body).map_err(|error| NotAProblem(format!("{status}: {error}")))?;
    Ok(Failure {
        status,
        headers,
        problem,
    })
}
