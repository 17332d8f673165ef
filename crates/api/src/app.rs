//! The whole HTTP application: the OpenAPI service, its spec and Swagger UI, under one route tree,
//! with every error (the framework's too) answered as a problem document.

use std::sync::Arc;

use poem::{Endpoint, EndpointExt, IntoResponse, Route};
use poem_openapi::OpenApiService;

use crate::context::ApiContext;
use crate::endpoints::activity::ActivityApi;
use crate::endpoints::auth::AuthApi;
use crate::endpoints::companies::CompaniesApi;
use crate::endpoints::invoices::InvoicesApi;
use crate::endpoints::projects::ProjectsApi;
use crate::endpoints::runs::RunsApi;
use crate::endpoints::stats::StatsApi;
use crate::endpoints::users::UsersApi;
use crate::error::problem_from_poem;
use crate::health::HealthApi;
use crate::http_metrics::HttpMetrics;
use crate::idempotency::{Idempotency, at_most_once};
use crate::routes::{Routes, add_allow, name_path_parameters};

/// Base path of the versioned resource API.
pub const BASE_PATH: &str = "/api/v1";
/// Where the OpenAPI document is served.
pub const SPEC_PATH: &str = "/api/v1/openapi.json";
/// Where Swagger UI is served.
pub const DOCS_PATH: &str = "/docs";
/// The largest request body accepted (bigger ones answer `413`).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

type Apis = (
    HealthApi,
    AuthApi,
    UsersApi,
    CompaniesApi,
    InvoicesApi,
    ProjectsApi,
    StatsApi,
    RunsApi,
    ActivityApi,
);

/// The OpenAPI service: every operation, and the document generated from them.
pub fn openapi_service(context: &ApiContext) -> OpenApiService<Apis, ()> {
    OpenApiService::new(
        (
            HealthApi::new(context.readiness.clone()),
            AuthApi::new(context.clone()),
            UsersApi::new(context.clone()),
            CompaniesApi::new(context.clone()),
            InvoicesApi::new(context.clone()),
            ProjectsApi::new(context.clone()),
            StatsApi::new(context.clone()),
            RunsApi::new(context.clone()),
            ActivityApi::new(context.clone()),
        ),
        "ProSektor API",
        env!("CARGO_PKG_VERSION"),
    )
    .description(
        "Websites and billing for Turkish OSGB firms. Conventions (auth, errors, pagination, money, \
         tenancy) are in docs/api.md: errors are RFC 9457 problem documents with a stable `code`.",
    )
}

/// The exact OpenAPI document the server serves (and `docs/openapi.json` holds).
pub fn openapi_json(context: &ApiContext) -> String {
    crate::spec::exact_spec(&openapi_service(context).spec())
}

/// The HTTP application: operations, `/api/v1/openapi.json` and Swagger UI at `/docs`.
pub fn app(context: &ApiContext) -> impl Endpoint + 'static {
    let service = openapi_service(context);
    let document = openapi_json(context);
    let routes = Arc::new(Routes::from_document(&document));
    let named = Arc::clone(&routes);
    let spec = poem::endpoint::make_sync(move |_| {
        document
            .clone()
            .with_content_type("application/json")
            .into_response()
    });
    let docs = service.swagger_ui();
    let bound = context.request_timeout;
    let observed = Arc::clone(&routes);
    let http_metrics = Arc::new(HttpMetrics::new(&routes));
    let connections = Arc::clone(&context.connections);
    let idempotency = Arc::new(Idempotency {
        store: Arc::clone(&context.idempotency),
        authenticator: context.authenticator.clone(),
        clock: Arc::clone(&context.clock),
        routes: Arc::clone(&routes),
    });
    Route::new()
        .nest(SPEC_PATH, spec)
        .nest(DOCS_PATH, docs)
        .nest("/", service)
        // The bearer schemes' checks find the authenticator here (`auth::bearer`): one shared
        // copy, so a request adds a reference, not a clone of every service it holds.
        .data(Arc::new(context.authenticator.clone()))
        .around(move |next, request| {
            let routes = Arc::clone(&named);
            async move { name_path_parameters(next, request, &routes).await }
        })
        // Inside the body limit (the body it reads for the fingerprint is bounded), outside the
        // handlers (whose effects join its transaction).
        .around(move |next, request| {
            let idempotency = Arc::clone(&idempotency);
            async move { at_most_once(next, request, &idempotency).await }
        })
        .around(|next, request| crate::body_limit::limit_body(next, request, MAX_BODY_BYTES))
        .with(crate::request_scope::RequestScope(connections))
        .catch_all_error(problem_from_poem)
        .around(move |next, request| {
            let routes = Arc::clone(&routes);
            async move { add_allow(next, request, &routes).await }
        })
        .around(move |next, request| crate::deadline::within(next, request, bound))
        .around(move |next, request| {
            let routes = Arc::clone(&observed);
            let metrics = Arc::clone(&http_metrics);
            async move { crate::observe::observe(next, request, &routes, &metrics).await }
        })
}
