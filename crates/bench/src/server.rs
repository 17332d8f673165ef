//! The servers under test, each a child process on a database of the benchmark's with a signing
//! secret the benchmark knows (so that it can mint tokens): the release `prosektor-server serve`,
//! and the floor's `prosektor-bench-floor` ([`crate::floor`]).

use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use tokio::process::{Child, Command};

use crate::floor::Framework;

/// A running server: `prosektor-server` or a floor server.
#[derive(Debug)]
pub struct Server {
    child: Child,
    base_url: String,
}

impl Server {
    /// Starts `binary serve` on `database_url`, listening on `listen`, and waits until `/readyz`
    /// answers 200 (at most a minute).
    ///
    /// # Errors
    /// When the process cannot start, exits, or does not become ready.
    pub async fn start(
        binary: &Path,
        database_url: &str,
        listen: SocketAddr,
        jwt_secret: &str,
    ) -> anyhow::Result<Self> {
        let mut command = Self::command(binary, database_url, jwt_secret);
        command
            .arg("serve")
            .env("PROSEKTOR_LISTEN", listen.to_string())
            .env("PROSEKTOR_DEMO_SEED", "false")
            .env("RUST_LOG", "warn");
        Self::spawn(command, binary, listen).await
    }

    /// Starts the floor server `binary` (`prosektor-bench-floor`, [`crate::floor`]) built on
    /// `framework`, on `database_url`, listening on `listen`, and waits until it is ready.
    ///
    /// # Errors
    /// As [`Self::start`].
    pub async fn start_floor(
        binary: &Path,
        framework: Framework,
        database_url: &str,
        listen: SocketAddr,
        jwt_secret: &str,
    ) -> anyhow::Result<Self> {
        let mut command = Self::command(binary, database_url, jwt_secret);
        command
            .args(["--framework", framework.name()])
            .arg(format!("--listen={listen}"));
        Self::spawn(command, binary, listen).await
    }

    /// `binary` told the benchmark's database and signing secret, as every server under test is.
    fn command(binary: &Path, database_url: &str, jwt_secret: &str) -> Command {
        let mut command = Command::new(binary);
        command
            .env("DATABASE_URL", database_url)
            .env("PROSEKTOR_JWT_SECRET", jwt_secret);
        command
    }

    async fn spawn(
        mut command: Command,
        binary: &Path,
        listen: SocketAddr,
    ) -> anyhow::Result<Self> {
        let child = command
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let mut server = Self {
            child,
            base_url: format!("http://{listen}"),
        };
        server.wait_until_ready().await?;
        Ok(server)
    }

    /// `http://host:port`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The server's process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// The server's peak resident memory so far (`VmHWM`), in KiB.
    ///
    /// # Errors
    /// When the process is gone or `/proc` cannot be read.
    pub fn peak_rss_kib(&self) -> anyhow::Result<u64> {
        let pid = self.child.id().context("the server has exited")?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|value| value.split_whitespace().next())
            .context("no VmHWM in /proc/<pid>/status")?
            .parse()
            .context("reading VmHWM")
    }

    /// Stops the server with SIGTERM (a graceful shutdown) and waits for it.
    ///
    /// # Errors
    /// When the signal cannot be sent or the server does not exit cleanly.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(pid) = self.child.id() {
            Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status()
                .await
                .context("sending SIGTERM")?;
        }
        let status = tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .context("the server did not stop within 30 s")??;
        if !status.success() {
            bail!("the server exited with {status}");
        }
        Ok(())
    }

    async fn wait_until_ready(&mut self) -> anyhow::Result<()> {
        let client = reqwest::Client::new();
        let url = format!("{}/readyz", self.base_url);
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                bail!("the server exited during start-up with {status}");
            }
            if let Ok(response) = client.get(&url).send().await
                && response.status().is_success()
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("the server was not ready within a minute")
    }
}
