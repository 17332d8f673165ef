//! The session check beside a read's own work: a `GET` or `HEAD` whose caller's session was
//! confirmed recently ([`RememberedSessions`](super::remembered::RememberedSessions)) starts on
//! that session while the check of its token runs beside it ([`ConnectionScope::run_beside`]),
//! instead of waiting for the check's round trip first. The read answers only once the check
//! has confirmed the same session: a check that fails answers its own error (a revoked session
//! still fails on the very next request, whatever the read found) and the session is forgotten,
//! and a check that finds the session changed (a company suspended, a profile edited outside the
//! API) runs the read again on the confirmed session, discarding the first answer. Reads have no
//! effects, so a read started on a session that turned out outdated leaves nothing behind. All
//! this only while the server is not busier than its cores ([`InFlight`]) and a second
//! connection is to be had ([`ConnectionScope::runs_beside`]): else each read is checked first.
//!
//! The request scope (`crate::request_scope`) runs each request through [`check_beside`], inside
//! the request's connection scope: it offers the request a [`CheckBeside`], which
//! [`BearerAuth`](super::bearer::BearerAuth)'s check takes, handing over the session it starts on
//! and the check to run beside; a request replayed on the confirmed session carries it as
//! [`ConfirmedSession`], which the scheme then answers without another check.

use std::future::Future;
use std::num::NonZeroUsize;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use poem::http::header::AUTHORIZATION;
use poem::http::{HeaderMap, Method, StatusCode, Uri, Version};
use poem::{Endpoint, IntoResponse, Request, Response};
use prosektor_application::ConnectionScope;
use prosektor_application::services::Session;
use tokio::sync::oneshot;

use crate::error::ApiResult;

/// The check of a token, run beside the request it authenticates.
pub(crate) type Check = Pin<Box<dyn Future<Output = ApiResult<Session>> + Send>>;

/// What a read's bearer check hands over when it starts the read on a remembered session.
pub(crate) struct Handover {
    /// The session the read started on.
    pub(crate) provisional: Arc<Session>,
    /// The check that confirms it (or not).
    pub(crate) check: Check,
    /// The request, to run again on the confirmed session if it differs.
    pub(crate) replay: Replay,
}

/// A read request's offer to run its session check beside it: taken at most once.
#[derive(Clone)]
pub(crate) struct CheckBeside(Arc<Mutex<Option<oneshot::Sender<Handover>>>>);

impl CheckBeside {
    /// Hands `handover` to the request's middleware, if the offer is still open.
    pub(crate) fn hand_over(&self, handover: Handover) -> bool {
        let offer = self.0.lock().unwrap_or_else(PoisonError::into_inner).take();
        offer.is_some_and(|offer| offer.send(handover).is_ok())
    }
}

/// The session a replayed request's check already confirmed.
#[derive(Clone)]
pub(crate) struct ConfirmedSession(pub(crate) Session);

/// What it takes to send a read again: its method, target, version and headers (a read has no
/// body).
pub(crate) struct Replay {
    method: Method,
    uri: Uri,
    version: Version,
    headers: HeaderMap,
}

impl Replay {
    /// The replay of `request`.
    pub(crate) fn of(request: &Request) -> Self {
        Self {
            method: request.method().clone(),
            uri: request.uri().clone(),
            version: request.version(),
            headers: request.headers().clone(),
        }
    }

    /// The request again, carrying `session` as confirmed.
    fn on(self, session: Session) -> Request {
        let mut request = Request::builder()
            .method(self.method)
            .uri(self.uri)
            .version(self.version)
            .finish();
        *request.headers_mut() = self.headers;
        request.extensions_mut().insert(ConfirmedSession(session));
        request
    }
}

/// The requests a server has in flight, and how many of them it runs unhurried: while no more
/// are in flight than the machine has cores, a read's check runs beside it, saving the read a
/// round trip; beyond that the cores are what requests wait for, and running a read's two
/// statements at once would only add work (more connections busy, more wake-ups), so each read
/// is checked first.
#[derive(Debug)]
pub(crate) struct InFlight {
    requests: AtomicUsize,
    unhurried: usize,
}

impl InFlight {
    /// No request in flight yet; unhurried up to the machine's cores.
    pub(crate) fn new() -> Self {
        Self {
            requests: AtomicUsize::new(0),
            unhurried: std::thread::available_parallelism().map_or(1, NonZeroUsize::get),
        }
    }

    /// A request in flight until the returned guard drops.
    pub(crate) fn enter(&self) -> Flight<'_> {
        let requests = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        Flight {
            in_flight: self,
            unhurried: requests <= self.unhurried,
        }
    }
}

/// One request in flight ([`InFlight::enter`]).
pub(crate) struct Flight<'a> {
    in_flight: &'a InFlight,
    /// Whether no more requests than cores were in flight when it came.
    pub(crate) unhurried: bool,
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        self.in_flight.requests.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Runs `request` through `next`, with its session check beside it where the request came
/// `unhurried` ([`InFlight`]), is a read with a bearer token, and `scope` can run work beside it
/// (see the module's documentation).
pub(crate) async fn check_beside<E: Endpoint>(
    next: &E,
    mut request: Request,
    scope: &dyn ConnectionScope,
    unhurried: bool,
) -> poem::Result<Response> {
    let offered = unhurried
        && matches!(*request.method(), Method::GET | Method::HEAD)
        && request.headers().contains_key(AUTHORIZATION)
        && scope.runs_beside();
    if !offered {
        return next.call(request).await.map(IntoResponse::into_response);
    }
    let (offer, handed) = oneshot::channel();
    request
        .extensions_mut()
        .insert(CheckBeside(Arc::new(Mutex::new(Some(offer)))));
    let beside = async {
        // The offer is dropped with the request, unanswered, when its check ran first.
        let handover = handed.await.ok()?;
        let (checked, outcome) = oneshot::channel();
        scope
            .run_beside(Box::pin(async move {
                let confirmed = handover.check.await;
                let _ = checked.send((handover.provisional, confirmed, handover.replay));
            }))
            .await;
        // Handed over, the read never answers unless its check did.
        Some(outcome.await)
    };
    let (answer, checked) = tokio::join!(next.call(request), beside);
    match checked {
        None => answer.map(IntoResponse::into_response),
        Some(Err(_unfinished)) => Err(poem::Error::from_string(
            "the session check beside the request did not finish",
            StatusCode::INTERNAL_SERVER_ERROR,
        )),
        Some(Ok((_, Err(refused), _))) => Err(refused.into()),
        Some(Ok((provisional, Ok(confirmed), _))) if confirmed == *provisional => {
            answer.map(IntoResponse::into_response)
        }
        Some(Ok((_, Ok(confirmed), replay))) => next
            .call(replay.on(confirmed))
            .await
            .map(IntoResponse::into_response),
    }
}
