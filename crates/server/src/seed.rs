//! `prosektor-server seed --scale small|medium|large`: fills the database with the deterministic
//! benchmark data of [`prosektor_persistence::seed`] and reports how long it took.

use std::time::Instant;

use anyhow::Context;
use prosektor_persistence::seed::{self, Scale};

use crate::application::{Purpose, open_database};
use crate::config::Config;

/// Migrates, refuses a database that already holds the seed, loads `scale` and prints the figures.
///
/// # Errors
/// When the database is unreachable, already seeded, or a statement fails.
pub async fn run(config: &Config, scale: Scale) -> anyhow::Result<()> {
    let database = open_database(config, Purpose::Load).await?;
    let pool = database.pools.primary();
    let outcome = async {
        if seed::is_seeded(pool).await? {
            anyhow::bail!("this database already holds seeded data; seed an empty one");
        }
        let started = Instant::now();
        let job = format!("seeding {scale}");
        let volumes = seed::load_showing_progress(pool, scale, &job)
            .await
            .context("loading the data")?;
        println!(
            "seeded {scale}: {} companies, {} users, {} invoices, {} projects, {} daily_stats rows in {:.1} s",
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
