//! Request and response bodies, separate from domain types and converted in one place each.

pub mod enums;
pub mod text;
pub mod user;
