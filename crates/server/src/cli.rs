//! The command line: `serve` (the default), `worker`, `migrate [--contract]`, `openapi`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::application::{Application, openapi_json, run_workers_until};
use crate::config::Config;
use crate::embedded_postgres::EmbeddedPostgres;
use prosektor_persistence::Rollout;

/// ProSektor: websites and billing for OSGB firms.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    config: Config,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Migrate, then serve the HTTP API until SIGINT/SIGTERM (the default).
    Serve,
    /// Migrate, then run pipeline workers only (no HTTP) until SIGINT/SIGTERM.
    Worker,
    /// Apply pending expand migrations and exit; with `--contract`, contract migrations too.
    Migrate {
        /// Also apply contract migrations (they remove what older releases use): refused while a
        /// live server or worker of an older build is registered.
        #[arg(long)]
        contract: bool,
    },
    /// Print the OpenAPI document the server serves.
    Openapi,
}

/// Runs the command line; the exit code is 1 on any error (printed with its causes).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    crate::telemetry::init(cli.config.log_format);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(run(cli));
    // Tasks still running (a connection cut off at the end of the grace period) are dropped, and
    // a blocking task is not waited for: the process exits now.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let application = Application::build(&cli.config).await?;
            application.run_until(shutdown_signal()).await
        }
        Command::Worker => run_workers_until(&cli.config, shutdown_signal()).await,
        Command::Migrate { contract } => migrate(&cli.config, contract).await,
        Command::Openapi => {
            println!("{}", openapi_json().await?);
            Ok(())
        }
    }
}

async fn migrate(config: &Config, contract: bool) -> anyhow::Result<()> {
    let rollout = if contract {
        Rollout::Contract
    } else {
        Rollout::Expand
    };
    let migrated = match config.direct_url() {
        Some(url) => prosektor_persistence::migrate(url, rollout, config.backfills()).await,
        None => {
            let embedded =
                EmbeddedPostgres::start(&config.data_dir, config.embedded_pg_port).await?;
            let migrated =
                prosektor_persistence::migrate(&embedded.url(), rollout, config.backfills()).await;
            embedded.stop().await?;
            migrated
        }
    }?;
    if migrated.applied.is_empty() {
        tracing::info!("the schema was up to date");
    }
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
