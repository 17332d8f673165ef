//! `prosektor-bench`: see `docs/benchmarks.md`, or `prosektor-bench --help`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use prosektor_persistence::seed::Scale;

/// Drives the release server with wrk and the same SQL with pgbench; writes a markdown report.
#[derive(Debug, Parser)]
#[command(about)]
struct Cli {
    /// The PostgreSQL server (any database on it: the benchmark creates its own,
    /// `prosektor_bench_<scale>_<seed fingerprint>`).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    database_url: String,
    /// The release server binary.
    #[arg(long, default_value = "target/release/prosektor-server")]
    server: PathBuf,
    /// Scales, comma-separated; the first gets every table, the others the growth table.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "medium,small,large"
    )]
    scales: Vec<ScaleArg>,
    /// Seconds per load.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Where the request files, scripts and report go.
    #[arg(long, default_value = "target/bench")]
    out: PathBuf,
    /// Where the server under test listens.
    #[arg(long, default_value = "127.0.0.1:18089")]
    listen: SocketAddr,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ScaleArg {
    Small,
    Medium,
    Large,
}

impl From<ScaleArg> for Scale {
    fn from(scale: ScaleArg) -> Self {
        match scale {
            ScaleArg::Small => Self::Small,
            ScaleArg::Medium => Self::Medium,
            ScaleArg::Large => Self::Large,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let plan = prosektor_bench::run::Plan {
        server_url: cli.database_url,
        binary: cli.server,
        scales: cli.scales.into_iter().map(Scale::from).collect(),
        duration: Duration::from_secs(cli.seconds),
        out: cli.out.clone(),
        listen: cli.listen,
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(prosektor_bench::run::run(&plan)) {
        Ok(report) => {
            let charts = match prosektor_bench::charts::write(&report, &cli.out) {
                Ok(charts) => charts,
                Err(error) => {
                    eprintln!("error: {error:#}");
                    return ExitCode::FAILURE;
                }
            };
            let markdown = report.to_markdown();
            let path = cli.out.join("report.md");
            if let Err(error) = std::fs::write(&path, &markdown) {
                eprintln!("error: writing {}: {error}", path.display());
                return ExitCode::FAILURE;
            }
            println!("\n{markdown}\n(written to {})", path.display());
            for chart in charts {
                println!("chart: {}", chart.display());
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
