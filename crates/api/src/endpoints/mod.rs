//! The API's operations, one module per resource.

pub mod activity;
pub mod auth;
pub mod companies;
pub mod invoices;
pub mod projects;
pub mod responses;
pub mod runs;
pub mod stats;
pub mod users;
