//! The HTTP side: wrk (Debian's package) replays a file of requests against the server, picking a
//! line at random for every request, through the Lua script in `wrk/replay.lua`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use serde::Deserialize;
use tokio::process::Command;

use crate::figures::Figures;

/// The replay script, written next to the request files when a run starts.
const REPLAY_SCRIPT: &str = include_str!("../wrk/replay.lua");

/// A wrk installation and the replay script it runs.
#[derive(Debug, Clone)]
pub struct Wrk {
    script: PathBuf,
}

/// The JSON line the replay script's `done` prints.
#[derive(Debug, Deserialize)]
struct Summary {
    requests: u64,
    duration_us: u64,
    connect_errors: u64,
    read_errors: u64,
    write_errors: u64,
    status_errors: u64,
    timeouts: u64,
    p50_us: u64,
    p99_us: u64,
}

impl Wrk {
    /// Writes the replay script into `work_dir`.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn install(work_dir: &Path) -> anyhow::Result<Self> {
        let script = work_dir.join("replay.lua");
        std::fs::write(&script, REPLAY_SCRIPT)
            .with_context(|| format!("writing {}", script.display()))?;
        Ok(Self { script })
    }

    /// Replays `requests` against `base_url` over `connections` connections for `duration`.
    ///
    /// # Errors
    /// When wrk cannot be started, fails, or prints no summary.
    pub async fn run(
        &self,
        base_url: &str,
        requests: &Path,
        connections: u32,
        duration: Duration,
    ) -> anyhow::Result<Figures> {
        let output = Command::new("wrk")
            .arg("--threads=1")
            .arg(format!("--connections={connections}"))
            .arg(format!("--duration={}s", duration.as_secs()))
            .arg("--timeout=10s")
            .arg("--script")
            .arg(&self.script)
            .arg(base_url)
            .env("PROSEKTOR_BENCH_REQUESTS", requests)
            .kill_on_drop(true)
            .output()
            .await
            .context("starting wrk (Debian package `wrk`)")?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            bail!(
                "wrk failed ({}): {stdout}{}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            );
        }
        parse(&stdout)
    }
}

/// The figures in wrk's output: the summary line of the replay script.
fn parse(stdout: &str) -> anyhow::Result<Figures> {
    let line = stdout
        .lines()
        .rev()
        .find(|line| line.starts_with('{'))
        .with_context(|| format!("no summary in wrk's output: {stdout}"))?;
    let summary: Summary = serde_json::from_str(line).context("reading wrk's summary")?;
    Ok(Figures {
        completed: summary.requests,
        elapsed: Duration::from_micros(summary.duration_us),
        errors: summary.connect_errors
            + summary.read_errors
            + summary.write_errors
            + summary.status_errors
            + summary.timeouts,
        p50: Duration::from_micros(summary.p50_us),
        p99: Duration::from_micros(summary.p99_us),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_line_gives_the_figures() {
        let stdout = "Running 1s test @ http://127.0.0.1:1\n  1 threads and 8 connections\n\
            {\"requests\":2000,\"duration_us\":1000000,\"connect_errors\":0,\"read_errors\":1,\
            \"write_errors\":0,\"status_errors\":2,\"timeouts\":3,\"p50_us\":1500,\"p99_us\":9000,\
            \"max_us\":12000}\n";
        let figures = parse(stdout).expect("parsed");
        assert_eq!(figures.completed, 2000);
        assert_eq!(figures.errors, 6);
        assert_eq!(figures.p50, Duration::from_micros(1500));
        assert_eq!(figures.p99, Duration::from_millis(9));
        assert!((figures.throughput() - 2000.0).abs() < 1e-9);
    }

    #[test]
    fn output_without_a_summary_is_an_error() {
        assert!(parse("unable to connect to 127.0.0.1:1 Connection refused").is_err());
    }
}
