//! What the benchmark's two commands share: the server they are pointed at, and running their
//! work to an exit status.

use std::process::ExitCode;

/// The PostgreSQL server the benchmark creates its databases on.
#[derive(Debug, Clone, clap::Args)]
pub struct ServerArg {
    /// The PostgreSQL server (any database on it: the benchmark creates its own).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    pub database_url: String,
}

/// Runs `work` on a new async runtime: success, or its error on standard error and a failure
/// status.
pub fn run_to_exit(work: impl Future<Output = anyhow::Result<()>>) -> ExitCode {
    let outcome = tokio::runtime::Runtime::new()
        .map_err(|error| anyhow::anyhow!("cannot start the async runtime: {error}"))
        .and_then(|runtime| runtime.block_on(work));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
