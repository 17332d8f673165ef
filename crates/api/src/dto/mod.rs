//! Request and response bodies, separate from domain types and converted in one place each.

pub mod company;
pub mod dashboard;
pub mod enums;
pub mod page;
pub mod text;
pub mod user;
pub mod user_admin;
