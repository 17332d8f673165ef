//! The tags that group operations in the OpenAPI document.

use poem_openapi::Tags;

/// Operation groups of the API.
#[derive(Debug, Tags)]
pub enum ApiTags {
    /// Liveness and readiness probes.
    Health,
}
