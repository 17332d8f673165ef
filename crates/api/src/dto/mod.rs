//! Request and response bodies, separate from domain types and converted in one place each.

pub mod activity;
pub mod company;
pub mod dashboard;
pub mod date;
pub mod decimal;
pub mod enums;
pub mod invoice;
pub mod page;
pub mod project;
pub mod run;
pub mod stats;
pub mod text;
pub mod timestamp;
pub mod user;
pub mod user_admin;
