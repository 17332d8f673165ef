//! The random keys both sides draw. A transaction or request picks `k` uniformly from
//! `0..SAMPLE`; `k` names a seeded client user `u`, whose company `c` and whose company's project
//! with stats `p` follow from the seed's formulas. wrk replays one line per `k`; pgbench computes
//! the same `u`, `c` and `p` from its own random `k`.

use anyhow::Context;
use prosektor_dataset::Volumes;
use prosektor_persistence::DatabaseConnection;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use uuid::Uuid;

/// How many distinct users the requests are spread over.
pub const SAMPLE: u64 = 4096;
/// Spreads consecutive `k` over the whole users table (a prime, so no two `k` share a user).
const STRIDE: u64 = 7919;
/// The seed key of the benchmark's administrator (`md5` of it is the id).
pub const ADMIN_KEY: &str = "bench-admin";

/// The key formulas of one seeded scale.
#[derive(Debug, Clone, Copy)]
pub struct KeySpace {
    volumes: Volumes,
}

/// The ids behind one `k`.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    /// The seeded client user.
    pub user: Uuid,
    /// The user's company.
    pub company: Uuid,
    /// The company's project with a year of stats.
    pub project: Uuid,
}

impl KeySpace {
    /// The key space of data seeded with `volumes`. Every company has exactly one project with
    /// stats when the scale has as many stats projects as companies, which every scale does.
    pub fn new(volumes: Volumes) -> Self {
        assert_eq!(
            volumes.stats_projects, volumes.companies,
            "every company has one project with stats"
        );
        Self { volumes }
    }

    /// The seed number of `k`'s user.
    fn user(&self, k: u64) -> u64 {
        1 + (k * STRIDE) % self.volumes.users
    }

    /// pgbench's lines computing `u`, `c` and `p` from a random `k`, as `user` and the
    /// seed's `company = 1 + i % companies` do.
    pub fn pgbench_variables(&self) -> Vec<String> {
        let Volumes {
            users, companies, ..
        } = self.volumes;
        vec![
            format!("\\set k random(0, {})", SAMPLE - 1),
            format!("\\set u 1 + (:k * {STRIDE}) % {users}"),
            format!("\\set c 1 + :u % {companies}"),
            // The project `p` with `1 + p % companies = c` among 1..=companies.
            format!("\\set p 1 + (:u - 1) % {companies}"),
        ]
    }

    /// The ids of every `k`, computed by the database with the seed's own `md5` formulas.
    ///
    /// # Errors
    /// The driver's error.
    pub async fn load(&self, db: &DatabaseConnection) -> anyhow::Result<Vec<Key>> {
        let companies = self.volumes.companies;
        // A `bigint[]` literal: `{u0,u1,...}`.
        let users = format!(
            "{{{}}}",
            (0..SAMPLE)
                .map(|k| self.user(k).to_string())
                .collect::<Vec<_>>()
                .join(",")
        );
        let sql = format!(
            "SELECT md5('user' || u)::uuid, md5('company' || (1 + u % {companies}))::uuid, \
             md5('project' || (1 + (u - 1) % {companies}))::uuid \
             FROM unnest($1::text::bigint[]) WITH ORDINALITY AS sample (u, n) ORDER BY n"
        );
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                sql,
                [users.into()],
            ))
            .await?;
        let keys = rows
            .iter()
            .map(|row| {
                Ok(Key {
                    user: row.try_get_by_index(0)?,
                    company: row.try_get_by_index(1)?,
                    project: row.try_get_by_index(2)?,
                })
            })
            .collect::<Result<Vec<_>, sea_orm::DbErr>>()
            .context("reading the keys")?;
        Ok(keys)
    }
}

/// The benchmark administrator's id: `md5('bench-admin')::uuid`, as the accounts were written.
///
/// # Errors
/// The driver's error.
pub async fn admin_id(db: &DatabaseConnection) -> anyhow::Result<Uuid> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT md5($1)::uuid",
            [ADMIN_KEY.into()],
        ))
        .await?
        .context("no row")?;
    Ok(row.try_get_by_index(0)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use prosektor_dataset::Scale;

    #[test]
    fn the_sample_has_distinct_users_inside_the_table() {
        for scale in [Scale::Small, Scale::Medium, Scale::Large] {
            let keys = KeySpace::new(scale.volumes());
            let users: std::collections::BTreeSet<u64> =
                (0..SAMPLE).map(|k| keys.user(k)).collect();
            assert_eq!(users.len() as u64, SAMPLE);
            assert!(
                users
                    .iter()
                    .all(|&u| (1..=scale.volumes().users).contains(&u))
            );
        }
    }

    #[test]
    fn pgbench_computes_the_same_user() {
        let keys = KeySpace::new(Scale::Medium.volumes());
        assert_eq!(
            keys.pgbench_variables()[1],
            "\\set u 1 + (:k * 7919) % 50000"
        );
        assert_eq!(keys.user(10), 1 + 79_190 % 50_000);
    }
}
