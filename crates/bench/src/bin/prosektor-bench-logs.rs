//! `prosektor-bench-logs`: the run-log volume benchmark (`make bench-logs`, `docs/benchmarks.md`).

use std::process::ExitCode;

use clap::Parser;
use prosektor_bench::logs::{LogPlan, run};

/// Writes run logs one line per statement and in batches, then expires a month of them.
#[derive(Debug, Parser)]
#[command(about)]
struct Cli {
    /// The PostgreSQL server (the benchmark makes its own `prosektor_bench_logs` afresh).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    database_url: String,
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
        server_url: cli.database_url,
        runs: cli.runs,
        lines: cli.lines,
        workers: cli.workers,
        batch: cli.batch,
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&plan)) {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
