//! The floor on hyper alone: one HTTP/1 connection task per client, a handler that matches two
//! paths.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{AUTHORIZATION, CONTENT_TYPE};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use super::{Floor, Outcome};

/// How long to wait after a failed accept.
const ACCEPT_RETRY: Duration = Duration::from_millis(10);

/// Accepts connections on `listener` until its caller stops polling (at SIGTERM). Like poem's
/// listener, and so like the server, it leaves Nagle's algorithm on.
pub(super) async fn serve(listener: TcpListener, floor: Arc<Floor>) -> anyhow::Result<()> {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // A connection that failed before it was accepted, or no file descriptor left for
            // it: the next one may do, after a pause that keeps a lasting failure from spinning.
            Err(_) => {
                tokio::time::sleep(ACCEPT_RETRY).await;
                continue;
            }
        };
        let floor = Arc::clone(&floor);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let floor = Arc::clone(&floor);
                async move { Ok::<_, Infallible>(answer(&floor, &request).await) }
            });
            // A client that hangs up ends its connection; nothing to report.
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn answer(floor: &Floor, request: &Request<Incoming>) -> Response<Full<Bytes>> {
    match request.uri().path() {
        "/readyz" => status(StatusCode::OK),
        "/api/v1/me" => {
            let token = request
                .headers()
                .get(AUTHORIZATION)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.strip_prefix("Bearer "));
            match floor.me(token).await {
                Outcome::Found(profile) => {
                    let body = serde_json::to_vec(&profile).expect("a profile serializes");
                    let mut response = Response::new(Full::new(Bytes::from(body)));
                    response.headers_mut().insert(
                        CONTENT_TYPE,
                        hyper::header::HeaderValue::from_static("application/json"),
                    );
                    response
                }
                Outcome::Unauthorized => status(StatusCode::UNAUTHORIZED),
                Outcome::Unavailable => status(StatusCode::SERVICE_UNAVAILABLE),
            }
        }
        _ => status(StatusCode::NOT_FOUND),
    }
}

fn status(status: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::default());
    *response.status_mut() = status;
    response
}
