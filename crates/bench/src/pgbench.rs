//! The raw-SQL side: pgbench (`-M prepared`) runs the statements an API request sends, straight
//! against PostgreSQL, with the same concurrency and the same keys.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::process::Command;

use crate::figures::{Figures, percentile};

/// pgbench against one database, logging every transaction's latency into a work directory.
#[derive(Debug, Clone)]
pub struct PgBench {
    database_url: String,
    log_prefix: PathBuf,
}

/// A pgbench script file and its weight in a mix.
#[derive(Debug, Clone)]
pub struct WeightedScript {
    /// The script file.
    pub path: PathBuf,
    /// Its relative weight.
    pub weight: u32,
}

impl PgBench {
    /// pgbench against `database_url`, writing its transaction logs into `work_dir`.
    pub fn new(database_url: &str, work_dir: &Path) -> Self {
        Self {
            database_url: database_url.to_owned(),
            log_prefix: work_dir.join("pgbench-log"),
        }
    }

    /// Runs `scripts` (picked by weight for every transaction) over `connections` connections for
    /// `duration`.
    ///
    /// # Errors
    /// When pgbench cannot be started, fails, or its output cannot be read.
    pub async fn run(
        &self,
        scripts: &[WeightedScript],
        connections: u32,
        duration: Duration,
    ) -> anyhow::Result<Figures> {
        self.remove_logs()?;
        let mut command = Command::new("pgbench");
        command
            .args(["--no-vacuum", "--protocol=prepared", "--jobs=1", "--log"])
            .arg(format!("--log-prefix={}", self.log_prefix.display()))
            .arg(format!("--client={connections}"))
            .arg(format!("--time={}", duration.as_secs()));
        for script in scripts {
            command.arg(format!(
                "--file={}@{}",
                script.path.display(),
                script.weight
            ));
        }
        let output = command
            .arg(&self.database_url)
            .kill_on_drop(true)
            .output()
            .await
            .context("starting pgbench (PostgreSQL's client tools)")?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            bail!(
                "pgbench failed ({}): {stdout}{}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let mut latencies = Vec::new();
        for log in self.logs()? {
            let text = std::fs::read_to_string(&log)
                .with_context(|| format!("reading {}", log.display()))?;
            latencies.extend(transaction_latencies(&text)?);
        }
        let summary = summary(&stdout)?;
        self.remove_logs()?;
        Ok(Figures {
            completed: summary.completed,
            elapsed: Duration::from_secs_f64(if summary.tps > 0.0 {
                summary.completed as f64 / summary.tps
            } else {
                duration.as_secs_f64()
            }),
            errors: summary.failed,
            p50: percentile(&mut latencies, 50.0),
            p99: percentile(&mut latencies, 99.0),
        })
    }

    /// The transaction logs of the last run.
    fn logs(&self) -> anyhow::Result<Vec<PathBuf>> {
        let directory = self.log_prefix.parent().context("log directory")?;
        let stem = self
            .log_prefix
            .file_name()
            .context("log prefix")?
            .to_string_lossy()
            .into_owned();
        let mut logs = Vec::new();
        for entry in std::fs::read_dir(directory)? {
            let path = entry?.path();
            if path
                .file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with(&format!("{stem}.")))
            {
                logs.push(path);
            }
        }
        Ok(logs)
    }

    fn remove_logs(&self) -> anyhow::Result<()> {
        for log in self.logs()? {
            std::fs::remove_file(&log).with_context(|| format!("removing {}", log.display()))?;
        }
        Ok(())
    }
}

/// pgbench's totals.
#[derive(Debug, PartialEq)]
struct Summary {
    completed: u64,
    failed: u64,
    tps: f64,
}

/// The totals in pgbench's report.
fn summary(stdout: &str) -> anyhow::Result<Summary> {
    let value_after = |label: &str| {
        stdout
            .lines()
            .find_map(|line| line.trim().strip_prefix(label))
            .and_then(|rest| rest.split_whitespace().next())
            .with_context(|| format!("no `{label}` in pgbench's output: {stdout}"))
    };
    Ok(Summary {
        completed: value_after("number of transactions actually processed:")?.parse()?,
        failed: value_after("number of failed transactions:").map_or(Ok(0), str::parse)?,
        tps: value_after("tps =")?.parse()?,
    })
}

/// Every transaction's latency in a pgbench log: `client transaction latency_us script epoch us`.
fn transaction_latencies(log: &str) -> anyhow::Result<Vec<Duration>> {
    log.lines()
        .map(|line| {
            let micros = line
                .split_whitespace()
                .nth(2)
                .with_context(|| format!("a pgbench log line without a latency: {line}"))?;
            Ok(Duration::from_micros(micros.parse()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_gives_the_totals() {
        let stdout = "transaction type: multiple scripts\nscaling factor: 1\n\
            number of clients: 8\nnumber of transactions actually processed: 41234\n\
            number of failed transactions: 2 (0.005%)\nlatency average = 1.9 ms\n\
            initial connection time = 12.3 ms\ntps = 4123.456789 (without initial connection time)\n";
        assert_eq!(
            summary(stdout).expect("parsed"),
            Summary {
                completed: 41234,
                failed: 2,
                tps: 4123.456789
            }
        );
        assert!(summary("connection to server failed").is_err());
    }

    #[test]
    fn the_log_gives_each_transaction_latency() {
        let log = "0 0 1520 0 1764000000 123456\n3 1 870 2 1764000000 124000\n";
        assert_eq!(
            transaction_latencies(log).expect("parsed"),
            vec![Duration::from_micros(1520), Duration::from_micros(870)]
        );
        assert!(transaction_latencies("0 0").is_err());
    }
}
