//! Errors over HTTP: one mapping from application errors to RFC 9457 problem documents
//! ([`ApiError`]), and one converter for errors the framework raises before a handler runs
//! (malformed JSON, wrong types, bad UUIDs, unknown routes, oversize bodies: [`problem_from_poem`]).

mod api_error;
mod framework;
mod problem;

pub use api_error::{ApiError, ApiResult, RETRY_UNAVAILABLE_AFTER_SECS};
pub use framework::problem_from_poem;
pub use problem::{FieldError, PROBLEM_TYPE_BASE, Problem};
