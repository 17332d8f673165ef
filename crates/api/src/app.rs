//! The whole HTTP application: the OpenAPI service, its spec and Swagger UI, under one route tree.

use std::sync::Arc;

use poem::{Endpoint, EndpointExt, Route, middleware::Tracing};
use poem_openapi::OpenApiService;
use prosektor_application::ReadinessProbe;

use crate::health::HealthApi;

/// Base path of the versioned resource API.
pub const BASE_PATH: &str = "/api/v1";
/// Where the OpenAPI document is served.
pub const SPEC_PATH: &str = "/api/v1/openapi.json";
/// Where Swagger UI is served.
pub const DOCS_PATH: &str = "/docs";

/// The application services the endpoints call, built by the server's composition root.
#[derive(Clone)]
pub struct ApiDependencies {
    /// Answers `/readyz`.
    pub readiness: Arc<dyn ReadinessProbe>,
}

impl std::fmt::Debug for ApiDependencies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiDependencies").finish_non_exhaustive()
    }
}

type Apis = HealthApi;

/// The OpenAPI service: every operation, and the document generated from them.
pub fn openapi_service(dependencies: ApiDependencies) -> OpenApiService<Apis, ()> {
    OpenApiService::new(
        HealthApi::new(dependencies.readiness),
        "ProSektor API",
        env!("CARGO_PKG_VERSION"),
    )
    .description(
        "Websites and billing for Turkish OSGB firms. Conventions (auth, errors, pagination, money) \
         are in docs/api.md.",
    )
}

/// The HTTP application: operations, `/api/v1/openapi.json` and Swagger UI at `/docs`.
pub fn app(dependencies: ApiDependencies) -> impl Endpoint {
    let service = openapi_service(dependencies);
    let spec = service.spec_endpoint();
    let docs = service.swagger_ui();
    Route::new()
        .nest(SPEC_PATH, spec)
        .nest(DOCS_PATH, docs)
        .nest("/", service)
        .with(Tracing)
}
