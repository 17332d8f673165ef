//! Success responses shared by the endpoint groups (errors are [`crate::error::ApiError`]).

use poem_openapi::ApiResponse;
use poem_openapi::payload::Json;
use poem_openapi::types::ToJSON;

/// `201 Created` with the new resource.
#[derive(Debug, ApiResponse)]
pub enum Created<T: ToJSON + Send + Sync> {
    /// Created; the body is the new resource.
    #[oai(status = 201)]
    Created(Json<T>),
}

/// `204 No Content`.
#[derive(Debug, ApiResponse)]
pub enum NoContent {
    /// Done; there is nothing to return.
    #[oai(status = 204)]
    Done,
}
