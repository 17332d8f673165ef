//! `prosektor-server seed --scale small|medium|large`: fills the database with the deterministic
//! benchmark data of [`prosektor_persistence::seed`] and reports how long it took.

use std::time::Instant;

use anyhow::Context;
use clap::ValueEnum;
use prosektor_persistence::seed::{self, Scale};

use crate::application::{Purpose, open_database};
use crate::config::Config;

/// The `--scale` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScaleArg {
    /// About 1k companies, 100k invoices, 365k daily_stats rows.
    Small,
    /// About 10k companies, 1M invoices, 3.65M daily_stats rows (SPEC §6).
    Medium,
    /// About five times medium.
    Large,
}

impl From<ScaleArg> for Scale {
    fn from(scale: ScaleArg) -> Self {
        match scale {
            ScaleArg::Small => Self::Small,
            ScaleArg::Medium => Self::Medium,
            ScaleArg::Large => Self::Large,
        }
    }
}

/// Migrates, refuses a database that already holds the seed, loads `scale` and prints the figures.
///
/// # Errors
/// When the database is unreachable, already seeded, or a statement fails.
pub async fn run(config: &Config, scale: ScaleArg) -> anyhow::Result<()> {
    let database = open_database(config, Purpose::Load).await?;
    let pool = &database.pool;
    let outcome = async {
        if seed::is_seeded(pool).await? {
            anyhow::bail!("this database already holds seeded data; seed an empty one");
        }
        let started = Instant::now();
        let job = format!("seeding {scale:?}").to_lowercase();
        let volumes = seed::load_showing_progress(pool, scale.into(), &job)
            .await
            .context("loading the data")?;
        println!(
            "seeded {scale:?}: {} companies, {} users, {} invoices, {} projects, {} daily_stats rows in {:.1} s",
            volumes.companies,
            volumes.users,
            volumes.invoices,
            volumes.projects,
            volumes.daily_stats(),
            started.elapsed().as_secs_f64()
        );
        Ok(())
    }
    .await;
    database.shut_down().await?;
    outcome
}
