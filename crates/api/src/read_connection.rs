//! Read requests (`GET`, `HEAD`) run in the [`ConnectionScope`]: the session check and the reads
//! after it share one database connection instead of taking one each. Writes keep taking a
//! connection per statement or transaction: a login holds none while it hashes a password.

use std::sync::Arc;

use poem::http::{Method, StatusCode};
use poem::{Endpoint, Error, IntoResponse, Middleware, Request, Response, Result};
use prosektor_application::ConnectionScope;

/// The middleware: wraps an endpoint in [`ReadConnectionEndpoint`].
#[derive(Clone)]
pub(crate) struct ReadConnection(pub(crate) Arc<dyn ConnectionScope>);

impl<E: Endpoint> Middleware<E> for ReadConnection {
    type Output = ReadConnectionEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        ReadConnectionEndpoint {
            inner,
            scope: Arc::clone(&self.0),
        }
    }
}

/// An endpoint whose read requests run in the scope.
pub(crate) struct ReadConnectionEndpoint<E> {
    inner: E,
    scope: Arc<dyn ConnectionScope>,
}

impl<E: Endpoint> Endpoint for ReadConnectionEndpoint<E> {
    type Output = Response;

    async fn call(&self, request: Request) -> Result<Response> {
        if !matches!(*request.method(), Method::GET | Method::HEAD) {
            return self
                .inner
                .call(request)
                .await
                .map(IntoResponse::into_response);
        }
        let mut answer = None;
        let slot = &mut answer;
        let inner = &self.inner;
        self.scope
            .run(Box::pin(async move {
                *slot = Some(inner.call(request).await.map(IntoResponse::into_response));
            }))
            .await;
        answer.unwrap_or_else(|| {
            Err(Error::from_string(
                "the connection scope did not run the request",
                StatusCode::INTERNAL_SERVER_ERROR,
            ))
        })
    }
}
