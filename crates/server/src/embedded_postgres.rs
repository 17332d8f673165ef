//! The embedded PostgreSQL of SPEC §9: when `DATABASE_URL` is unset, the server runs its own
//! PostgreSQL cluster from the installed binaries, with its data under `<data dir>/postgres`, kept
//! across restarts. It listens on loopback only, trusts local connections, and is stopped when the
//! server stops (a cluster that was already running, say from a crashed server, is reused).
//!
//! PostgreSQL refuses to run as root; as root, its commands run as the `postgres` system user
//! through `runuser`, and the data directory is handed to that user.

use std::path::{Path, PathBuf};
use std::process::Output;

use prosektor_local_postgres::{find_bin_dir, running_as_root};
use tokio::process::Command;

/// The database the server uses inside the embedded cluster.
pub const DATABASE_NAME: &str = "prosektor";

/// Why the embedded PostgreSQL could not start or stop.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedPostgresError {
    /// No PostgreSQL server binaries were found.
    #[error(
        "no PostgreSQL binaries found (looked at `pg_config --bindir`, `pg_ctl` on PATH and /usr/lib/postgresql/*/bin). \
         Install them (Debian/Ubuntu: `apt-get install postgresql`; macOS: `brew install postgresql@15`) \
         or set DATABASE_URL to an existing server"
    )]
    BinariesNotFound,
    /// A PostgreSQL command failed; its output is included.
    #[error("`{command}` failed: {output}")]
    Command {
        /// The command that failed.
        command: String,
        /// What it printed.
        output: String,
    },
    /// The data directory could not be prepared.
    #[error("data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// A running embedded cluster.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    bin_dir: PathBuf,
    data_dir: PathBuf,
    port: u16,
    run_as_postgres: bool,
    started_here: bool,
}

impl EmbeddedPostgres {
    /// Initialises `<root>/postgres` on first use, starts the cluster on `127.0.0.1:<port>` unless it
    /// is already running, and creates the [`DATABASE_NAME`] database if missing.
    ///
    /// # Errors
    /// [`EmbeddedPostgresError`] naming the step that failed.
    pub async fn start(root: &Path, port: u16) -> Result<Self, EmbeddedPostgresError> {
        let bin_dir = find_bin_dir().ok_or(EmbeddedPostgresError::BinariesNotFound)?;
        let data_dir = absolute(&root.join("postgres"))?;
        let mut cluster = Self {
            bin_dir,
            data_dir,
            port,
            run_as_postgres: running_as_root(),
            started_here: false,
        };
        if !cluster.data_dir.join("PG_VERSION").is_file() {
            cluster.initialise().await?;
        }
        if !cluster.is_running().await {
            cluster.start_server().await?;
            cluster.started_here = true;
        }
        cluster.ensure_database().await?;
        Ok(cluster)
    }

    /// The URL of the server's database in this cluster.
    pub fn url(&self) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/{DATABASE_NAME}",
            self.port
        )
    }

    /// Stops the cluster if this process started it (fast shutdown: open transactions roll back).
    ///
    /// # Errors
    /// [`EmbeddedPostgresError::Command`] when `pg_ctl stop` fails.
    pub async fn stop(self) -> Result<(), EmbeddedPostgresError> {
        if !self.started_here {
            return Ok(());
        }
        let data_dir = self.data_dir_arg();
        self.pg("pg_ctl", &["stop", "-D", &data_dir, "-m", "fast", "-w"])
            .await?;
        Ok(())
    }

    async fn initialise(&self) -> Result<(), EmbeddedPostgresError> {
        tracing::info!(data_dir = %self.data_dir.display(), "initialising the embedded PostgreSQL cluster");
        std::fs::create_dir_all(&self.data_dir).map_err(|source| self.data_dir_error(source))?;
        if self.run_as_postgres {
            run(Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&self.data_dir))
            .await?;
        }
        let data_dir = self.data_dir_arg();
        self.pg(
            "initdb",
            &[
                "-D",
                &data_dir,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
        )
        .await?;
        Ok(())
    }

    async fn start_server(&self) -> Result<(), EmbeddedPostgresError> {
        tracing::info!(port = self.port, "starting the embedded PostgreSQL");
        let data_dir = self.data_dir_arg();
        let log = self.data_dir.join("server.log").display().to_string();
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {data_dir}",
            self.port
        );
        self.pg(
            "pg_ctl",
            &[
                "start", "-D", &data_dir, "-l", &log, "-w", "-t", "60", "-o", &options,
            ],
        )
        .await?;
        Ok(())
    }

    async fn is_running(&self) -> bool {
        let data_dir = self.data_dir_arg();
        self.pg("pg_ctl", &["status", "-D", &data_dir])
            .await
            .is_ok()
    }

    async fn ensure_database(&self) -> Result<(), EmbeddedPostgresError> {
        let port = self.port.to_string();
        let exists = self
            .pg(
                "psql",
                &[
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &port,
                    "-U",
                    "postgres",
                    "-d",
                    "postgres",
                    "-Atc",
                    &format!("SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}'"),
                ],
            )
            .await?;
        if String::from_utf8_lossy(&exists.stdout).trim() != "1" {
            self.pg(
                "createdb",
                &[
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &port,
                    "-U",
                    "postgres",
                    DATABASE_NAME,
                ],
            )
            .await?;
        }
        Ok(())
    }

    /// Runs a PostgreSQL binary, as the `postgres` user when we are root.
    async fn pg(&self, program: &str, args: &[&str]) -> Result<Output, EmbeddedPostgresError> {
        let mut command = Command::from(prosektor_local_postgres::command(
            &self.bin_dir,
            program,
            self.run_as_postgres,
        ));
        run(command.args(args)).await
    }

    fn data_dir_arg(&self) -> String {
        self.data_dir.display().to_string()
    }

    fn data_dir_error(&self, source: std::io::Error) -> EmbeddedPostgresError {
        EmbeddedPostgresError::DataDir {
            path: self.data_dir.clone(),
            source,
        }
    }
}

async fn run(command: &mut Command) -> Result<Output, EmbeddedPostgresError> {
    let described = format!("{:?}", command.as_std());
    let output = command.kill_on_drop(true).output().await.map_err(|error| {
        EmbeddedPostgresError::Command {
            command: described.clone(),
            output: error.to_string(),
        }
    })?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(EmbeddedPostgresError::Command {
            command: described,
            output: format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ),
        })
    }
}

fn absolute(path: &Path) -> Result<PathBuf, EmbeddedPostgresError> {
    std::path::absolute(path).map_err(|source| EmbeddedPostgresError::DataDir {
        path: path.to_owned(),
        source,
    })
}
