//! `prosektor-bench-floor`: `GET /api/v1/me` served by a server that does nothing else, the
//! benchmark's yardstick for the real server (`prosektor_bench::floor`, `docs/benchmarks.md`).

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Parser;
use prosektor_bench::cli::{ServerArg, run_to_exit};
use prosektor_bench::floor::{Framework, serve};

/// Serves `/api/v1/me` and `/readyz` until it is stopped.
#[derive(Debug, Parser)]
#[command(about)]
struct Cli {
    /// The database, seeded by `prosektor-bench`.
    #[command(flatten)]
    database: ServerArg,
    /// What the server is built on.
    #[arg(long, value_enum)]
    framework: Framework,
    /// Where it listens.
    #[arg(long, default_value = "127.0.0.1:18090")]
    listen: SocketAddr,
    /// How many connections it opens (as many as the real server's pool holds by default).
    #[arg(long, default_value_t = prosektor_persistence::DEFAULT_MAX_CONNECTIONS as usize)]
    connections: usize,
    /// The secret the tokens are signed with.
    #[arg(long, env = "PROSEKTOR_JWT_SECRET", hide_env_values = true)]
    jwt_secret: String,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    run_to_exit(serve(
        cli.framework,
        cli.listen,
        &cli.database.database_url,
        cli.connections,
        &cli.jwt_secret,
    ))
}
