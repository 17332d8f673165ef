//! [`ControlledCluster`]: a throwaway PostgreSQL cluster whose life the test drives (stop, start,
//! restart, freeze, thaw), for fault tests of what a service does while its database fails.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::process::Command;

use crate::error::TestkitError;
use prosektor_local_postgres::{find_bin_dir, running_as_root};

/// How many free ports a new cluster's server tries before its start fails.
const FIRST_START_ATTEMPTS: usize = 3;

/// A cluster of its own on a free loopback port, under a fresh directory in memory (`/dev/shm`)
/// or else in the system's temporary directory (reachable by the `postgres` user when the test
/// runs as root, PostgreSQL's commands then running as that user). Dropped, it stops at once and
/// its directory is removed.
#[derive(Debug)]
pub struct ControlledCluster {
    bin_dir: PathBuf,
    root: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl ControlledCluster {
    /// Initialises and starts a cluster (trust authentication, user `postgres`).
    ///
    /// # Errors
    /// [`TestkitError::Cluster`] naming the step that failed.
    pub async fn start() -> Result<Self, TestkitError> {
        let mut cluster = Self::prepared().await?;
        let data = cluster.data_arg();
        cluster
            .pg(
                "initdb",
                &["-D", &data, "-U", "postgres", "-A", "trust", "--no-sync"],
            )
            .await?;
        cluster.first_start().await?;
        Ok(cluster)
    }

    /// A streaming replica of this cluster (`pg_basebackup -R`, a hot standby replaying its
    /// WAL as it comes), started on a port of its own and controlled as any cluster: stopped,
    /// frozen, or its replay paused with `SELECT pg_wal_replay_pause()` to make it lag.
    ///
    /// # Errors
    /// [`TestkitError::Cluster`] naming the step that failed.
    pub async fn streaming_replica(&self) -> Result<Self, TestkitError> {
        let mut replica = Self::prepared().await?;
        let data = replica.data_arg();
        let port = self.port.to_string();
        replica
            .pg(
                "pg_basebackup",
                &[
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &port,
                    "-U",
                    "postgres",
                    "-D",
                    &data,
                    "-R",
                    "-X",
                    "stream",
                    "-c",
                    "fast",
                ],
            )
            .await?;
        replica.first_start().await?;
        Ok(replica)
    }

    /// Starts the new server, on another free port if it cannot bind its own: a port free when
    /// picked may be taken before the server binds it (loopback's ephemeral ports are shared
    /// with every connection the other tests open).
    async fn first_start(&mut self) -> Result<(), TestkitError> {
        for _ in 1..FIRST_START_ATTEMPTS {
            if self.start_again().await.is_ok() {
                return Ok(());
            }
            self.port = free_port()?;
        }
        self.start_again().await
    }

    /// A cluster value on a free port with its directory made, nothing in it yet.
    async fn prepared() -> Result<Self, TestkitError> {
        let bin_dir = find_bin_dir().ok_or_else(|| {
            TestkitError::Cluster("no `initdb` on PATH or under /usr/lib/postgresql/*/bin".into())
        })?;
        let port = free_port()?;
        let stamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_nanos())
            .unwrap_or_default();
        let root = scratch_dir().join(format!("prosektor-cluster-{port}-{stamp}"));
        let cluster = Self {
            bin_dir,
            root,
            port,
            as_postgres: running_as_root(),
        };
        std::fs::create_dir_all(&cluster.root).map_err(cluster_error)?;
        if cluster.as_postgres {
            run(Command::new("chown").args(["postgres:postgres", &cluster.root_arg()])).await?;
        }
        Ok(cluster)
    }

    /// The URL of database `name` in this cluster.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// Stops the server (fast shutdown: sessions are terminated, open transactions roll back).
    ///
    /// # Errors
    /// [`TestkitError::Cluster`] when `pg_ctl stop` fails.
    pub async fn stop(&self) -> Result<(), TestkitError> {
        let data = self.data_arg();
        self.pg("pg_ctl", &["stop", "-D", &data, "-m", "fast", "-w"])
            .await
    }

    /// Starts the stopped server again, on the same port and data.
    ///
    /// # Errors
    /// [`TestkitError::Cluster`] when `pg_ctl start` fails.
    pub async fn start_again(&self) -> Result<(), TestkitError> {
        let data = self.data_arg();
        let log = format!("{}/server.log", self.root_arg());
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} -c max_connections=200",
            self.port,
            self.root_arg()
        );
        self.pg(
            "pg_ctl",
            &["start", "-D", &data, "-l", &log, "-w", "-o", &options],
        )
        .await
    }

    /// Stops and starts the server: every connection open before is broken.
    ///
    /// # Errors
    /// As [`Self::stop`] and [`Self::start_again`].
    pub async fn restart(&self) -> Result<(), TestkitError> {
        self.stop().await?;
        self.start_again().await
    }

    /// Suspends the server and every backend (`SIGSTOP`): connections stay open, nothing answers.
    ///
    /// # Errors
    /// [`TestkitError::Cluster`] when the server's processes cannot be signalled.
    pub async fn freeze(&self) -> Result<(), TestkitError> {
        self.signal("-STOP").await
    }

    /// Resumes a frozen server (`SIGCONT`).
    ///
    /// # Errors
    /// [`TestkitError::Cluster`] when the server's processes cannot be signalled.
    pub async fn thaw(&self) -> Result<(), TestkitError> {
        self.signal("-CONT").await
    }

    /// Sends `signal` to the postmaster and its children.
    async fn signal(&self, signal: &str) -> Result<(), TestkitError> {
        let pid = self.postmaster_pid()?;
        // Children first, so that none is left running while its parent is already stopped.
        let children = Command::new("pkill")
            .args([signal, "-P", &pid])
            .status()
            .await
            .map_err(cluster_error)?;
        if !children.success() {
            return Err(TestkitError::Cluster(format!(
                "pkill {signal} -P {pid} failed"
            )));
        }
        run(Command::new("kill").args([signal, &pid])).await
    }

    async fn pg(&self, program: &str, args: &[&str]) -> Result<(), TestkitError> {
        let mut command = Command::from(prosektor_local_postgres::command(
            &self.bin_dir,
            program,
            self.as_postgres,
        ));
        run(command.args(args)).await
    }

    /// The postmaster's process id, from its pid file.
    fn postmaster_pid(&self) -> Result<String, TestkitError> {
        let pid_file = std::fs::read_to_string(self.root.join("data/postmaster.pid"))
            .map_err(cluster_error)?;
        pid_file
            .lines()
            .next()
            .map(|pid| pid.trim().to_owned())
            .ok_or_else(|| TestkitError::Cluster("empty postmaster.pid".into()))
    }

    fn root_arg(&self) -> String {
        self.root.display().to_string()
    }

    fn data_arg(&self) -> String {
        self.root.join("data").display().to_string()
    }
}

impl Drop for ControlledCluster {
    fn drop(&mut self) {
        if let Ok(pid) = self.postmaster_pid() {
            let _children = std::process::Command::new("pkill")
                .args(["-CONT", "-P", &pid])
                .status();
            let _postmaster = std::process::Command::new("kill")
                .args(["-CONT", &pid])
                .status();
        }
        let pg_ctl = self.bin_dir.join("pg_ctl");
        let data = self.data_arg();
        let args = ["stop", "-D", data.as_str(), "-m", "immediate", "-w"];
        let _stopped = if self.as_postgres {
            std::process::Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&pg_ctl)
                .args(args)
                .output()
        } else {
            std::process::Command::new(&pg_ctl).args(args).output()
        };
        let _removed = std::fs::remove_dir_all(&self.root);
    }
}

async fn run(command: &mut Command) -> Result<(), TestkitError> {
    let output = command.output().await.map_err(cluster_error)?;
    if output.status.success() {
        Ok(())
    } else {
        Err(TestkitError::Cluster(format!(
            "{command:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )))
    }
}

/// Where clusters keep their data: in memory (`/dev/shm`) where the machine has it, since a
/// cluster's thousand files cost a disk filesystem far more to create and remove; else the
/// system's temporary directory.
fn scratch_dir() -> PathBuf {
    let memory = std::path::Path::new("/dev/shm");
    let writable = memory
        .metadata()
        .is_ok_and(|meta| meta.is_dir() && !meta.permissions().readonly());
    if writable {
        memory.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}

fn free_port() -> Result<u16, TestkitError> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(cluster_error)
}

fn cluster_error(error: std::io::Error) -> TestkitError {
    TestkitError::Cluster(error.to_string())
}
