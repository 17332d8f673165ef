//! # prosektor-local-postgres
//!
//! This machine's PostgreSQL installation, for the two places that run a server of their own from
//! it: the server's embedded database (development and demos, without `DATABASE_URL`) and the
//! test kit's throwaway clusters. Production connects to a database it is given and never uses
//! this.
//!
//! May depend on: the standard library only.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The directory of the server binaries (`initdb` and `pg_ctl` both in it): `pg_config --bindir`,
/// else the first such directory on `PATH`, else the newest `/usr/lib/postgresql/<version>/bin`
/// (Debian's layout, which keeps them off `PATH`). `None` when PostgreSQL is not installed.
pub fn find_bin_dir() -> Option<PathBuf> {
    let has_server = |dir: &Path| dir.join("pg_ctl").is_file() && dir.join("initdb").is_file();
    if let Ok(output) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        if output.status.success() && has_server(&dir) {
            return Some(dir);
        }
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    if let Some(dir) = std::env::split_paths(&path).find(|dir| has_server(dir)) {
        return Some(dir);
    }
    let mut installed: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            Some((
                entry.file_name().to_str()?.parse().ok()?,
                entry.path().join("bin"),
            ))
        })
        .filter(|(_, bin)| has_server(bin))
        .collect();
    installed.sort();
    installed.pop().map(|(_, bin)| bin)
}

/// Whether this process runs as root, where PostgreSQL refuses to start and must run as the
/// `postgres` user. (The home directory of uid 0 is no reliable signal; the owner of the
/// process's own `/proc` entry is.)
pub fn running_as_root() -> bool {
    std::fs::metadata("/proc/self")
        .is_ok_and(|meta| std::os::unix::fs::MetadataExt::uid(&meta) == 0)
}

/// A command running `program` of the installation at `bin_dir`, as the `postgres` user (through
/// `runuser`) when `as_postgres`, as this process's user otherwise.
pub fn command(bin_dir: &Path, program: &str, as_postgres: bool) -> Command {
    let program = bin_dir.join(program);
    if as_postgres {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_found_directory_holds_the_server_binaries() {
        // Machines without PostgreSQL find nothing, which is an answer too.
        if let Some(dir) = find_bin_dir() {
            assert!(dir.join("initdb").is_file(), "{}", dir.display());
            assert!(dir.join("pg_ctl").is_file(), "{}", dir.display());
        }
    }
}
