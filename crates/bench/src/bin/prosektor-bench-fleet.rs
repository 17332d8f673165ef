//! `prosektor-bench-fleet`: the benchmark's mix through a running fleet (`make cluster-bench`,
//! `docs/benchmarks.md`, "Scaling out"): seeds the fleet's database on first use, then prints the
//! mix's throughput and latency at 8 and 32 connections under a label naming the fleet's shape.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use prosektor_bench::cli::run_to_exit;
use prosektor_dataset::Scale;

/// Drives a running fleet with the benchmark's mix and prints one line per concurrency.
#[derive(Debug, Parser)]
#[command(about)]
struct Cli {
    /// The fleet's database, on its primary and not through a pooler.
    #[arg(long)]
    database_url: String,
    /// The balancer in front of the fleet.
    #[arg(long)]
    target: String,
    /// The data the database is seeded with on first use.
    #[arg(long, default_value = "medium")]
    scale: Scale,
    /// Seconds per load.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Where the request files go.
    #[arg(long, default_value = "target/bench-fleet")]
    out: PathBuf,
    /// What this run measures, printed before its figures ("2 servers, reads on the replica").
    #[arg(long)]
    label: String,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    run_to_exit(async move {
        let rows = prosektor_bench::run::fleet_mix(
            &cli.target,
            &cli.database_url,
            cli.scale,
            Duration::from_secs(cli.seconds),
            &cli.out,
        )
        .await?;
        for (connections, figures) in rows {
            println!("| {} | {connections} | {figures} |", cli.label);
        }
        Ok(())
    })
}
