//! Every request runs in the [`ConnectionScope`], with the [`Intent`] its method says: a read
//! (`GET`, `HEAD`) shares one database connection between its session check and its reads (and
//! may read from a replica); any other method may write, takes a connection per statement or
//! transaction (a login holds none while it hashes a password), and marks its caller's write so
//! that their next reads see it. A read's session check runs beside its own work where the scope
//! allows it and the server is not busier than its cores (`crate::auth::beside`).

use std::sync::Arc;

use poem::http::{Method, StatusCode};
use poem::{Endpoint, Error, Middleware, Request, Response, Result};
use prosektor_application::{ConnectionScope, Intent};

use crate::auth::beside::{InFlight, check_beside};

/// The middleware: wraps an endpoint in [`RequestScopeEndpoint`].
#[derive(Clone)]
pub(crate) struct RequestScope(pub(crate) Arc<dyn ConnectionScope>);

impl<E: Endpoint> Middleware<E> for RequestScope {
    type Output = RequestScopeEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        RequestScopeEndpoint {
            inner,
            scope: Arc::clone(&self.0),
            in_flight: InFlight::new(),
        }
    }
}

/// An endpoint whose requests run in the scope.
pub(crate) struct RequestScopeEndpoint<E> {
    inner: E,
    scope: Arc<dyn ConnectionScope>,
    in_flight: InFlight,
}

impl<E: Endpoint> Endpoint for RequestScopeEndpoint<E> {
    type Output = Response;

    async fn call(&self, request: Request) -> Result<Response> {
        let intent = if matches!(*request.method(), Method::GET | Method::HEAD) {
            Intent::Read
        } else {
            Intent::Write
        };
        let flight = self.in_flight.enter();
        let unhurried = flight.unhurried;
        let mut answer = None;
        let slot = &mut answer;
        let inner = &self.inner;
        let scope = self.scope.as_ref();
        self.scope
            .run(
                intent,
                Box::pin(async move {
                    *slot = Some(check_beside(inner, request, scope, unhurried).await);
                }),
            )
            .await;
        drop(flight);
        answer.unwrap_or_else(|| {
            Err(Error::from_string(
                "the connection scope did not run the request",
                StatusCode::INTERNAL_SERVER_ERROR,
            ))
        })
    }
}
