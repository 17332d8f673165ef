//! The HTTP metrics' series, found by position rather than by name: each route and method keeps the
//! handles of its series once registered, so that a request does not build its label strings and
//! look them up in the recorder (which it did at every request before).
//!
//! Labels stay bounded: a route is a template of the document (`unmatched` for any other path), a
//! method is one of HTTP's nine (`OTHER` for an extension method, which a client may make up at
//! will), and a status is one the server answered.

use std::sync::{OnceLock, PoisonError, RwLock};

use metrics::{Counter, Gauge, Histogram};
use poem::http::Method;

use crate::routes::Routes;

/// The route label of a path no template matches.
const UNMATCHED: &str = "unmatched";
/// The method label of an extension method.
const OTHER_METHOD: &str = "OTHER";
/// The methods labelled by their names.
static METHODS: [Method; 9] = [
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
    Method::OPTIONS,
    Method::TRACE,
    Method::CONNECT,
];

/// Every HTTP series of the server, registered with the process's recorder at first use and kept
/// for the application's life: the recorder must be installed before the first request (the
/// server installs it before it builds the application), or the series first used without one
/// stay unrecorded.
pub(crate) struct HttpMetrics {
    in_flight: OnceLock<Gauge>,
    /// One per template of the routes, in their order.
    routes: Vec<RouteSeries>,
    unmatched: RouteSeries,
}

/// The series of one route.
pub(crate) struct RouteSeries {
    route: String,
    /// One per [`METHODS`], then one for [`OTHER_METHOD`].
    methods: Vec<OnceLock<MethodSeries>>,
}

/// The series of one route and method.
pub(crate) struct MethodSeries {
    duration: Histogram,
    route: String,
    method: &'static str,
    /// Each status answered so far, with its counter.
    answered: RwLock<Vec<(u16, Counter)>>,
}

impl HttpMetrics {
    /// The series of every route of `routes`, none registered yet.
    pub(crate) fn new(routes: &Routes) -> Self {
        let series = |route: &str| RouteSeries {
            route: route.to_owned(),
            methods: (0..=METHODS.len()).map(|_| OnceLock::new()).collect(),
        };
        Self {
            in_flight: OnceLock::new(),
            routes: routes.templates().map(series).collect(),
            unmatched: series(UNMATCHED),
        }
    }

    /// `http_requests_in_flight`.
    pub(crate) fn in_flight(&self) -> &Gauge {
        self.in_flight
            .get_or_init(|| metrics::gauge!("http_requests_in_flight"))
    }

    /// The series of the route at `position` ([`Routes::position`]; `None` for unmatched).
    pub(crate) fn route(&self, position: Option<usize>) -> &RouteSeries {
        position
            .and_then(|position| self.routes.get(position))
            .unwrap_or(&self.unmatched)
    }
}

impl RouteSeries {
    /// The route's label: its template, or `unmatched`.
    pub(crate) fn name(&self) -> &str {
        &self.route
    }

    /// The series of `method` on this route.
    pub(crate) fn method(&self, method: &Method) -> &MethodSeries {
        let position = METHODS
            .iter()
            .position(|known| known == method)
            .unwrap_or(METHODS.len());
        self.methods[position].get_or_init(|| {
            let method = METHODS.get(position).map_or(OTHER_METHOD, Method::as_str);
            MethodSeries {
                duration: metrics::histogram!(
                    "http_request_duration_seconds",
                    "method" => method,
                    "route" => self.route.clone()
                ),
                route: self.route.clone(),
                method,
                answered: RwLock::default(),
            }
        })
    }
}

impl MethodSeries {
    /// Counts one answer with `status`, which took `seconds`.
    pub(crate) fn answered(&self, status: u16, seconds: f64) {
        self.duration.record(seconds);
        let answered = self.answered.read().unwrap_or_else(PoisonError::into_inner);
        if count(&answered, status) {
            return;
        }
        drop(answered);
        // A status not answered before on this route and method: register its counter (unless
        // another request just did).
        let mut answered = self
            .answered
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if !count(&answered, status) {
            let counter = metrics::counter!(
                "http_requests_total",
                "method" => self.method,
                "route" => self.route.clone(),
                "status" => status.to_string()
            );
            counter.increment(1);
            answered.push((status, counter));
        }
    }
}

/// Counts one answer with `status` if `answered` has its counter; whether it had.
fn count(answered: &[(u16, Counter)], status: u16) -> bool {
    answered
        .iter()
        .find(|(known, _)| *known == status)
        .map(|(_, counter)| counter.increment(1))
        .is_some()
}
