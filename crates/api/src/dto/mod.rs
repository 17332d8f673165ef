//! Request and response bodies, separate from domain types and converted in one place each.

pub mod decimal;
pub mod enums;
pub mod invoice;
pub mod project;
pub mod stats;
pub mod user;
