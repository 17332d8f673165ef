//! The API's operations, one module per resource.

pub mod auth;
pub mod companies;
pub mod users;
