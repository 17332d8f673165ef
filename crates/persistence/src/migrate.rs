//! Applying the migration history at start-up and on request (`prosektor_migration::roll_out`),
//! safely when several processes start at once: they migrate one after another under an advisory
//! lock.

use std::time::Duration;

use prosektor_migration::{
    BackfillProgress, BackfillSettings, Migrated, Rollout, RolloutError, roll_out,
};
use prosektor_progress::Progress;
use sea_orm::ConnectionTrait;

use crate::pool::{PoolSettings, Pooling, connect};

/// Advisory lock key held while migrating ("prosektor" in ASCII, truncated).
const MIGRATION_LOCK_KEY: i64 = 0x7072_6f73_656b_7472;

/// Applies what `rollout` asks of the database at `url` and runs the backfills it owes, paced by
/// `backfills` and showing their progress (a bar on a terminal, lines otherwise), holding a
/// PostgreSQL advisory lock so that processes starting together migrate one after another
/// instead of racing.
///
/// # Errors
/// As [`roll_out`]'s, and the driver's when the database is unreachable.
pub async fn migrate(
    url: &str,
    rollout: Rollout,
    backfills: BackfillSettings,
) -> Result<Migrated, RolloutError> {
    // One connection, so that the lock, the migrations and the unlock share a session; no
    // statement timeout (waiting for another process's migrations may take long).
    let settings = PoolSettings {
        max_connections: 1,
        acquire_timeout: Duration::from_secs(10),
        statement_timeout: None,
        lazy: false,
        application_name: Some("prosektor-migrate".to_owned()),
        pooling: Pooling::Direct,
    };
    let db = connect(url, &settings).await?;
    db.execute_unprepared(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))
        .await?;
    let mut display = BackfillDisplay::default();
    let migrated = roll_out(&db, rollout, backfills, &mut |progress| {
        display.show(progress)
    })
    .await;
    let unlocked = db
        .execute_unprepared(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))
        .await;
    db.close().await?;
    let migrated = migrated?;
    unlocked?;
    for name in &migrated.applied {
        tracing::info!(migration = %name, "migration applied");
    }
    if !migrated.contracts_pending.is_empty() {
        tracing::info!(
            pending = %migrated.contracts_pending.join(", "),
            "contract migrations wait for `prosektor-server migrate --contract`, to run once no \
             instance of an older build serves"
        );
    }
    Ok(migrated)
}

/// The progress display of the backfill running now.
#[derive(Default)]
struct BackfillDisplay {
    running: Option<(String, u64, Progress)>,
}

impl BackfillDisplay {
    fn show(&mut self, progress: &BackfillProgress<'_>) {
        let is_new = self
            .running
            .as_ref()
            .is_none_or(|(name, _, _)| name != progress.name);
        if is_new {
            let job = format!("backfill {}", progress.name);
            self.running = Some((
                progress.name.to_owned(),
                0,
                Progress::new(&job, progress.keys_total),
            ));
        }
        if let Some((_, shown, display)) = &mut self.running {
            display.advance(progress.keys_done.saturating_sub(*shown));
            *shown = progress.keys_done;
        }
        if progress.finished
            && let Some((_, _, display)) = self.running.take()
        {
            display.finish();
        }
    }
}
