//! # prosektor-server
//!
//! The binary and its composition root: reads configuration, finds or starts PostgreSQL (the
//! embedded default of SPEC §9 when `DATABASE_URL` is unset), applies migrations, builds the
//! adapters and services, serves HTTP, and shuts down gracefully.
//!
//! Only this crate wires adapters to ports; it may depend on every crate of the workspace except the
//! test kit. It is also a library so that end-to-end suites can start the real server in-process.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod application;
pub mod background;
pub mod cli;
mod composition;
pub mod config;
pub mod demo;
pub mod embedded_postgres;
mod metrics;
mod registration;
pub mod telemetry;

pub use application::Application;
pub use config::Config;
