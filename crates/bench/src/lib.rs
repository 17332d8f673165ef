//! `prosektor-bench`, the load benchmark behind `make bench` (see `docs/benchmarks.md`): the release
//! server on seeded data under wrk, beside the same SQL under pgbench, at several scales.

pub mod charts;
pub mod cli;
pub mod cpu;
pub mod database;
pub mod figures;
pub mod floor;
pub mod keys;
pub mod logs;
pub mod pgbench;
pub mod report;
pub mod run;
pub mod server;
pub mod sql;
pub mod workload;
pub mod wrk;
