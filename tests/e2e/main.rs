//! End-to-end suites: the real server, in-process on a free port, against its own freshly migrated
//! PostgreSQL database, driven over HTTP.

mod auth;
mod companies;
mod fixtures;
mod health;
mod openapi;
mod support;
mod users;
