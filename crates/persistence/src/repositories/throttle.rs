//! [`PgThrottle`]: the [`Throttle`] port on `throttle_counters` (migration 17), so that every
//! server instance counts against the same rows.
//!
//! A reservation is one `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` over all its keys: the
//! conflicting rows are locked and updated from their current values, so concurrent reservations of
//! one key are serialised and each sees the count the one before left. Keys are written in sorted
//! order, so two reservations of the same keys lock them in the same order and cannot deadlock.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use prosektor_application::{
    RepositoryResult, Throttle, ThrottleDecision, ThrottleKey, ThrottleRule,
};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

use super::shared::statement;
use crate::error::map_db_err;
use crate::pools::DatabasePools;
use crate::timing::timed;
use crate::unit_of_work::Db;

/// Rows deleted per statement when purging expired counters.
const PURGE_BATCH: i64 = 10_000;

/// Deletes up to `$2` counters whose window ended before `$1`.
const PURGE_SQL: &str = "DELETE FROM throttle_counters WHERE key IN (\
     SELECT key FROM throttle_counters WHERE window_ends_at <= $1 LIMIT $2)";

/// [`Throttle`] on PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgThrottle {
    db: Db,
}

impl PgThrottle {
    /// A throttle over `pools`.
    pub fn new(pools: impl Into<DatabasePools>) -> Self {
        Self { db: Db::new(pools) }
    }
}

/// What a reservation left in one counter.
#[derive(Debug, FromQueryResult)]
struct Counted {
    key: String,
    attempts: i32,
    window_ends_at: DateTime<Utc>,
}

/// `$1` is now; then `(key, window end if it starts now)` per row.
fn reserve_sql(rows: usize) -> String {
    let values: Vec<String> = (0..rows)
        .map(|row| format!("(${}, 1, ${})", 2 * row + 2, 2 * row + 3))
        .collect();
    format!(
        "INSERT INTO throttle_counters AS c (key, attempts, window_ends_at) VALUES {} \
         ON CONFLICT (key) DO UPDATE SET \
         attempts = CASE WHEN c.window_ends_at <= $1 THEN 1 \
                         ELSE LEAST(c.attempts, 2147483646) + 1 END, \
         window_ends_at = CASE WHEN c.window_ends_at <= $1 THEN EXCLUDED.window_ends_at \
                               ELSE c.window_ends_at END \
         RETURNING key, attempts, window_ends_at",
        values.join(", ")
    )
}

/// `key IN ($first, ...)` for `count` keys numbered from `$first`.
fn key_list(first: usize, count: usize) -> String {
    let placeholders: Vec<String> = (first..first + count).map(|n| format!("${n}")).collect();
    format!("key IN ({})", placeholders.join(", "))
}

#[async_trait]
impl Throttle for PgThrottle {
    async fn reserve(
        &self,
        attempts: &[(ThrottleKey, ThrottleRule)],
        now: DateTime<Utc>,
    ) -> RepositoryResult<ThrottleDecision> {
        let _timer = timed!("reserve");
        // Sorted and distinct: a stable lock order, and a statement may not touch a row twice.
        let rules: BTreeMap<&str, ThrottleRule> = attempts
            .iter()
            .map(|(key, rule)| (key.as_str(), *rule))
            .collect();
        if rules.is_empty() {
            return Ok(ThrottleDecision::Allowed);
        }
        let mut values: Vec<Value> = vec![now.into()];
        for (key, rule) in &rules {
            let window = chrono::Duration::from_std(rule.window).unwrap_or(chrono::Duration::MAX);
            values.push((*key).into());
            values.push(now.checked_add_signed(window).unwrap_or(now).into());
        }
        let counted = Counted::find_by_statement(statement(&reserve_sql(rules.len()), values))
            .all(&self.db)
            .await
            .map_err(map_db_err)?;
        let retry_after = counted
            .iter()
            .filter(|row| {
                rules.get(row.key.as_str()).is_some_and(|rule| {
                    u32::try_from(row.attempts).unwrap_or(u32::MAX) > rule.max_attempts
                })
            })
            .map(|row| {
                (row.window_ends_at - now)
                    .to_std()
                    .unwrap_or_default()
                    .max(Duration::from_secs(1))
            })
            .max();
        Ok(
            retry_after.map_or(ThrottleDecision::Allowed, |retry_after| {
                ThrottleDecision::Limited { retry_after }
            }),
        )
    }

    async fn release(&self, keys: &[ThrottleKey], now: DateTime<Utc>) -> RepositoryResult<()> {
        let _timer = timed!("release");
        if keys.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "UPDATE throttle_counters SET attempts = attempts - 1 \
             WHERE attempts > 0 AND window_ends_at > $1 AND {}",
            key_list(2, keys.len())
        );
        let values = std::iter::once(now.into()).chain(keys.iter().map(|key| key.as_str().into()));
        self.db
            .execute_raw(statement(&sql, values))
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn clear(&self, key: &ThrottleKey) -> RepositoryResult<()> {
        let _timer = timed!("clear");
        self.db
            .execute_raw(statement(
                "DELETE FROM throttle_counters WHERE key = $1",
                [key.as_str().into()],
            ))
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn purge_expired(&self, now: DateTime<Utc>) -> RepositoryResult<u64> {
        let _timer = timed!("purge_expired");
        let mut purged = 0;
        loop {
            let deleted = self
                .db
                .execute_raw(statement(PURGE_SQL, [now.into(), PURGE_BATCH.into()]))
                .await
                .map_err(map_db_err)?
                .rows_affected();
            purged += deleted;
            if deleted < u64::try_from(PURGE_BATCH).unwrap_or(u64::MAX) {
                return Ok(purged);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_number_their_parameters_in_order() {
        assert!(reserve_sql(2).contains("VALUES ($2, 1, $3), ($4, 1, $5) ON CONFLICT"));
        assert_eq!(key_list(2, 3), "key IN ($2, $3, $4)");
    }
}
