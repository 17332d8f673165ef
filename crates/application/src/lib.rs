//! # prosektor-application
//!
//! The inner ring around the domain: **ports**, the async-trait interfaces through which use cases
//! reach the outside world (repositories, password hashing, clocks, the site generator, health), and
//! the **use-case services** that orchestrate them and decide tenancy and permissions.
//!
//! May depend on: `prosektor-domain` and plain Rust crates. Never on sea-orm, poem or any other
//! adapter: adapters depend on this crate, not the other way round. With the `mocks` feature every
//! port also has a mockall mock (`MockReadinessProbe`, ...) for unit tests of services.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod ports;

#[cfg(feature = "mocks")]
pub use ports::readiness::MockReadinessProbe;
pub use ports::readiness::{NotReady, ReadinessProbe};
