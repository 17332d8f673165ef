//! # prosektor-api
//!
//! The HTTP adapter: poem-openapi endpoints over the application's services, and the OpenAPI
//! document generated from them (served at `/api/v1/openapi.json`, with Swagger UI at `/docs`; the
//! committed copy is `docs/openapi.json`).
//!
//! Handlers only translate: HTTP in, a service call, HTTP out. They never touch a database handle.
//!
//! May depend on: `prosektor-application` (and through it the domain), poem, poem-openapi. Never on
//! sea-orm or the persistence adapter: the server wires those in.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![allow(
    clippy::result_large_err,
    reason = "`ApiError` is the problem response itself, held by value as poem-openapi's \
              `ApiResponse` wants it, and built at most once per request"
)]

mod app;
pub mod auth;
mod body_limit;
pub mod context;
mod convert;
mod deadline;
pub mod dto;
pub mod endpoints;
pub mod error;
mod health;
mod http_metrics;
mod idempotency;
pub mod observe;
mod pagination;
pub mod payload;
mod request_scope;
mod routes;
mod spec;
mod tags;
pub mod versioning;

pub use app::{
    BASE_PATH, DOCS_PATH, MAX_BODY_BYTES, SPEC_PATH, app, openapi_json, openapi_service,
};
pub use context::ApiContext;
pub use health::{HealthApi, HealthState, HealthStatus};
