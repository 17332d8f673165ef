//! The three places a test PostgreSQL server can come from, tried in this order:
//! `DATABASE_URL`; a throwaway cluster started with `pgtemp` from the installed PostgreSQL binaries;
//! a `testcontainers` PostgreSQL container.

use std::path::PathBuf;

use pgtemp::{PgTempDB, PgTempDBBuilder};
use prosektor_local_postgres::{find_bin_dir, running_as_root};
use testcontainers::{ContainerAsync, ImageExt, runners::AsyncRunner};
use testcontainers_modules::postgres::Postgres;

/// The PostgreSQL image tag used when the test kit starts a container itself.
pub const CONTAINER_TAG: &str = "15-alpine";

/// What keeps a server alive: dropping it stops a server the test kit started.
pub(crate) enum ServerGuard {
    /// A server the test kit did not start (for example `DATABASE_URL`).
    External,
    /// A throwaway cluster; dropped, it stops and deletes its data directory (unless kept).
    Cluster(PgTempDB),
    /// A container; dropped, testcontainers removes it.
    Container(Box<ContainerAsync<Postgres>>),
}

impl std::fmt::Debug for ServerGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::External => f.write_str("External"),
            Self::Cluster(cluster) => write!(f, "Cluster({})", cluster.data_dir().display()),
            Self::Container(container) => write!(f, "Container({})", container.id()),
        }
    }
}

/// Starts a throwaway cluster from the installed binaries; `keep` leaves its data directory behind.
pub(crate) async fn start_local_cluster(keep: bool) -> Result<(String, ServerGuard), String> {
    let bin_dir = find_bin_dir().ok_or_else(|| {
        "no PostgreSQL binaries (`pg_config --bindir`, `initdb` and `pg_ctl` on PATH or under /usr/lib/postgresql/*/bin)"
            .to_owned()
    })?;
    if running_as_root() && !on_path("sudo") {
        return Err(
            "running as root, and pgtemp needs `sudo` to run PostgreSQL as the `postgres` user (apt-get install sudo)"
                .to_owned(),
        );
    }
    let builder = PgTempDBBuilder::new()
        .with_bin_path(&bin_dir)
        .persist_data(keep)
        .with_config_param("max_connections", "300");
    // pgtemp reports failures by panicking; on the blocking pool a panic becomes a `JoinError`.
    let cluster = tokio::task::spawn_blocking(move || builder.start())
        .await
        .map_err(|error| {
            format!(
                "pgtemp could not start a cluster from {}: {error}",
                bin_dir.display()
            )
        })?;
    Ok((cluster.connection_uri(), ServerGuard::Cluster(cluster)))
}

/// Starts a PostgreSQL container (needs a Docker engine).
pub(crate) async fn start_container() -> Result<(String, ServerGuard), String> {
    let container = Postgres::default()
        .with_tag(CONTAINER_TAG)
        .start()
        .await
        .map_err(|error| error.to_string())?;
    let host = container
        .get_host()
        .await
        .map_err(|error| error.to_string())?;
    let port = container
        .get_host_port_ipv4(5432)
        .await
        .map_err(|error| error.to_string())?;
    let url = format!("postgres://postgres:postgres@{host}:{port}/postgres");
    Ok((url, ServerGuard::Container(Box::new(container))))
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find(|dir| dir.join(program).is_file())
}

fn on_path(program: &str) -> bool {
    find_on_path(program).is_some()
}
