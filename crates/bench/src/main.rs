//! `prosektor-bench`: see `docs/benchmarks.md`, or `prosektor-bench --help`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use prosektor_bench::cli::{ServerArg, run_to_exit};
use prosektor_dataset::Scale;

/// Drives the release server with wrk and the same SQL with pgbench; writes a markdown report.
#[derive(Debug, Parser)]
#[command(about)]
struct Cli {
    /// Its databases are `prosektor_bench_<scale>_<seed fingerprint>`.
    #[command(flatten)]
    server_url: ServerArg,
    /// The release server binary.
    #[arg(long, default_value = "target/release/prosektor-server")]
    server: PathBuf,
    /// Scales, comma-separated; the first gets every table, the others the growth table.
    #[arg(long, value_delimiter = ',', default_value = "medium,small,large")]
    scales: Vec<Scale>,
    /// The release floor server binary (`prosektor-bench-floor`); by default the one beside
    /// this binary.
    #[arg(long)]
    floor: Option<PathBuf>,
    /// Seconds per load.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Where the request files, scripts and report go.
    #[arg(long, default_value = "target/bench")]
    out: PathBuf,
    /// Where the server under test listens; the floor's two servers take the next two ports.
    #[arg(long, default_value = "127.0.0.1:18089")]
    listen: SocketAddr,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let floor_binary = match cli
        .floor
        .clone()
        .map_or_else(beside_this_binary, Ok)
        .and_then(existing)
    {
        Ok(path) => path,
        Err(error) => {
            eprintln!("error: {error:#}");
            return ExitCode::FAILURE;
        }
    };
    let plan = prosektor_bench::run::Plan {
        server_url: cli.server_url.database_url,
        binary: cli.server,
        floor_binary,
        scales: cli.scales,
        duration: Duration::from_secs(cli.seconds),
        out: cli.out.clone(),
        listen: cli.listen,
    };
    run_to_exit(async move {
        let report = prosektor_bench::run::run(&plan).await?;
        let charts = prosektor_bench::charts::write(&report, &cli.out)?;
        let markdown = report.to_markdown();
        let path = cli.out.join("report.md");
        std::fs::write(&path, &markdown).with_context(|| format!("writing {}", path.display()))?;
        println!("\n{markdown}\n(written to {})", path.display());
        for chart in charts {
            println!("chart: {}", chart.display());
        }
        Ok(())
    })
}

/// `prosektor-bench-floor` in this binary's directory, where cargo builds it.
fn beside_this_binary() -> anyhow::Result<PathBuf> {
    let this = std::env::current_exe().context("finding this binary")?;
    Ok(this.with_file_name("prosektor-bench-floor"))
}

/// `path` when it is a file: the floor runs last, so a missing binary is told before the run.
fn existing(path: PathBuf) -> anyhow::Result<PathBuf> {
    anyhow::ensure!(
        path.is_file(),
        "no floor server at {} (build it: cargo build --release -p prosektor-bench)",
        path.display()
    );
    Ok(path)
}
