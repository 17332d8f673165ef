//! The repository ports implemented on PostgreSQL, one module per port.

pub mod activity;
pub mod company;
pub mod dashboard;
pub mod idempotency;
pub mod invoice;
pub mod pages;
pub mod pipeline;
pub mod project;
mod row_update;
mod shared;
pub mod stats;
pub mod throttle;
pub mod user;
