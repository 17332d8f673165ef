//! A streaming read replica, and how fresh it is.
//!
//! A sampler compares, every 100 ms (`SAMPLE_EVERY`), the primary's WAL position with the
//! position the replica has replayed. Each sample of the primary is a pair (its clock, its WAL
//! write position): once the replica has replayed a sample's position, it holds everything
//! committed before that sample's time. The newest such sample is the replica's *freshness*: its
//! age is how stale the replica is (measured, not estimated from replay timestamps, so an idle
//! primary does not make a healthy replica look stale), and its primary time decides whether a
//! caller's own write is already there. A replica the sampler cannot reach, or that is no standby,
//! has no freshness, and reads go to the primary until it has one again.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sea_orm::sqlx::postgres::PgPool;
use sea_orm::{DatabaseConnection, DbBackend, DbErr, Statement};

use crate::held_connection::{Held, Role, Target};
use crate::pools::Protocol;
use crate::warm::WarmConnections;

/// How often the sampler compares the replica with the primary.
const SAMPLE_EVERY: Duration = Duration::from_millis(100);

/// The longest one sampling statement, or one read on the replica, may take before the replica
/// counts as down (a frozen server answers nothing; its reads then go to the primary).
pub(crate) const REPLICA_BOUND: Duration = Duration::from_secs(1);

/// The primary's clock and WAL write position: every transaction committed before it (with
/// `synchronous_commit` on, as the server's are) has its commit record written at or before it,
/// and an idle primary's position is exactly what a caught-up replica has replayed.
const PRIMARY_SAMPLE_SQL: &str =
    "SELECT now() AS at, (pg_current_wal_lsn() - '0/0'::pg_lsn)::int8 AS position";

/// The position the replica has replayed; `NULL` on a server that is no standby.
const REPLICA_SAMPLE_SQL: &str =
    "SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::int8 AS position";

/// How stale the replica may be for reads to go to it.
#[derive(Debug, Clone, Copy)]
pub struct ReplicaSettings {
    /// Reads go to the replica only while it holds everything committed on the primary more
    /// than this long ago; otherwise to the primary.
    pub max_lag: Duration,
}

/// One sample of the primary.
#[derive(Debug, Clone, Copy)]
struct Sample {
    taken: Instant,
    primary_time: DateTime<Utc>,
    position: i64,
}

/// What the replica is known to hold: everything committed on the primary before a sample.
#[derive(Debug, Default)]
struct Known {
    /// The newest sample the replica has replayed; `None` while it is down or unknown.
    fresh_as_of: Option<Sample>,
    /// Samples the replica had not replayed when last asked, oldest first.
    pending: VecDeque<Sample>,
}

/// The replica's pool and what is known of its freshness.
#[derive(Debug, Clone)]
pub(crate) struct Replica {
    pub(crate) pool: DatabaseConnection,
    pub(crate) protocol: Protocol,
    /// The replica's connections given back without a check (`crate::warm`).
    pub(crate) warm: Arc<WarmConnections>,
    settings: ReplicaSettings,
    known: Arc<Mutex<Known>>,
    _sampler: Arc<Sampler>,
}

/// Why a read that a replica may serve went where it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The replica holds everything older than the bound, and the caller's last write.
    Fresh,
    /// The replica is further behind than the bound.
    Lagging,
    /// The replica holds the bound but not the caller's last write yet.
    OwnWrite,
    /// The sampler cannot reach the replica, or it is no standby.
    Down,
}

impl Verdict {
    /// The metric label.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::Fresh => "fresh",
            Self::Lagging => "lagging",
            Self::OwnWrite => "own_write",
            Self::Down => "down",
        }
    }
}

impl Replica {
    /// The replica over `pool`, its freshness sampled against `primary` from now on (the sampler
    /// stops when the last clone of this replica is dropped).
    pub(crate) fn new(
        pool: DatabaseConnection,
        protocol: Protocol,
        settings: ReplicaSettings,
        primary: (PgPool, Protocol),
    ) -> Self {
        let known = Arc::new(Mutex::new(Known::default()));
        let task = tokio::spawn(sample_forever(
            primary,
            (
                pool.get_postgres_connection_pool().clone(),
                protocol.clone(),
            ),
            Arc::clone(&known),
        ));
        Self {
            pool,
            protocol,
            warm: WarmConnections::new(),
            settings,
            known,
            _sampler: Arc::new(Sampler(task)),
        }
    }

    /// Whether a read by a caller whose last write was at `wrote_at` (the primary's clock) may
    /// go to the replica now.
    pub(crate) fn verdict(&self, wrote_at: Option<DateTime<Utc>>) -> Verdict {
        let known = self
            .known
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(fresh) = known.fresh_as_of else {
            return Verdict::Down;
        };
        if fresh.taken.elapsed() > self.settings.max_lag {
            Verdict::Lagging
        } else if wrote_at.is_some_and(|wrote| wrote >= fresh.primary_time) {
            Verdict::OwnWrite
        } else {
            Verdict::Fresh
        }
    }

    /// How far behind the primary the replica is known to be; `None` while it is down, or
    /// before it has replayed any sample.
    pub(crate) fn staleness(&self) -> Option<Duration> {
        self.known
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .fresh_as_of
            .map(|fresh| fresh.taken.elapsed())
    }

    /// Forgets the replica's freshness after a read on it failed: reads go to the primary until
    /// the sampler reaches it again.
    pub(crate) fn mark_down(&self) {
        self.known
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .fresh_as_of = None;
    }

    /// Where a read on the replica goes.
    pub(crate) fn target(&self) -> Target<'_> {
        Target {
            pool: self.pool.get_postgres_connection_pool(),
            protocol: &self.protocol,
            role: Role::Replica,
            bound: Some(REPLICA_BOUND),
            warm: Some(&self.warm),
        }
    }
}

/// The sampler's task, aborted when dropped.
#[derive(Debug)]
struct Sampler(tokio::task::JoinHandle<()>);

impl Drop for Sampler {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn sample_forever(
    primary: (PgPool, Protocol),
    replica: (PgPool, Protocol),
    known: Arc<Mutex<Known>>,
) {
    let mut ticks = tokio::time::interval(SAMPLE_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let primary_sample = sample_primary(&primary).await;
        let replayed = replayed_position(&replica).await;
        let mut known = known
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Ok(sample) = primary_sample {
            known.pending.push_back(sample);
        }
        match replayed {
            Ok(Some(position)) => {
                while known
                    .pending
                    .front()
                    .is_some_and(|sample| sample.position <= position)
                {
                    known.fresh_as_of = known.pending.pop_front();
                }
                // A replica further behind than the pending samples span loses its oldest: it
                // stays stale (its freshness ages) until it catches up with a newer one.
                while known.pending.len() > 600 {
                    known.pending.pop_front();
                }
            }
            Ok(None) | Err(_) => {
                known.fresh_as_of = None;
                known.pending.clear();
            }
        }
        let staleness = known
            .fresh_as_of
            .map_or(f64::INFINITY, |fresh| fresh.taken.elapsed().as_secs_f64());
        metrics::gauge!("db_replica_staleness_seconds").set(staleness);
    }
}

async fn sample_primary((pool, protocol): &(PgPool, Protocol)) -> Result<Sample, DbErr> {
    let taken = Instant::now();
    let row = sampled(pool, protocol, Role::Primary, PRIMARY_SAMPLE_SQL)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the primary's sample".into()))?;
    Ok(Sample {
        taken,
        primary_time: row.try_get("", "at")?,
        position: row.try_get("", "position")?,
    })
}

async fn replayed_position((pool, protocol): &(PgPool, Protocol)) -> Result<Option<i64>, DbErr> {
    sampled(pool, protocol, Role::Replica, REPLICA_SAMPLE_SQL)
        .await?
        .map_or(Ok(None), |row| row.try_get("", "position"))
}

async fn sampled(
    pool: &PgPool,
    protocol: &Protocol,
    role: Role,
    sql: &str,
) -> Result<Option<sea_orm::QueryResult>, DbErr> {
    let target = Target {
        pool,
        protocol,
        role,
        bound: Some(REPLICA_BOUND),
        warm: None,
    };
    Held::default()
        .query_one(target, &Statement::from_string(DbBackend::Postgres, sql))
        .await
}
