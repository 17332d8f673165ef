//! `prosektor-bench-logs`: the run-log volume benchmark (`make bench-logs`, `docs/benchmarks.md`).

use std::process::ExitCode;

use clap::Parser;
use prosektor_bench::cli::{ServerArg, run_to_exit};
use prosektor_bench::logs::{LogPlan, run};

/// Writes run logs one line per statement and in batches, then expires a month of them.
#[derive(Debug, Parser)]
struct Cli {
    /// Its database is `prosektor_bench_logs`, made afresh.
    #[command(flatten)]
    server_url: ServerArg,
    /// Runs written to.
    #[arg(long, default_value_t = 1_000)]
    runs: u64,
    /// Lines written each way.
    #[arg(long, default_value_t = 1_000_000)]
    lines: u64,
    /// Concurrent workers.
    #[arg(long, default_value_t = 4)]
    workers: u64,
    /// Lines per batch.
    #[arg(long, default_value_t = 50)]
    batch: usize,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let plan = LogPlan {
        server_url: cli.server_url.database_url,
        runs: cli.runs,
        lines: cli.lines,
        workers: cli.workers,
        batch: cli.batch,
    };
    run_to_exit(async move {
        println!("{}", run(&plan).await?);
        Ok(())
    })
}
