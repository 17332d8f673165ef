//! The repository ports implemented on PostgreSQL, one module per port.

pub mod company;
pub mod invoice;
pub mod pipeline;
pub mod project;
pub mod stats;
mod support;
pub mod user;
