//! The benchmark's databases: one per scale and seed version
//! (`prosektor_bench_<scale>_<seed fingerprint>`) on the PostgreSQL server
//! the benchmark is pointed at, migrated, seeded once and then reused, plus the accounts the
//! benchmark signs in with (real argon2id hashes, unlike the seed's placeholders).

use std::time::{Duration, Instant};

use anyhow::Context;
use prosektor_application::PasswordHasher;
use prosektor_dataset::{Scale, Volumes};
use prosektor_domain::PlainPassword;
use prosektor_persistence::{DatabaseConnection, PoolSettings};
use prosektor_security::Argon2Hasher;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

/// The benchmark's administrator (admin-only patterns such as the company search).
pub const ADMIN_EMAIL: &str = "bench-admin@prosektor.bench";
/// The password of the administrator and of the [`LOGIN_USERS`] seeded clients.
pub const PASSWORD: &str = "bench-password-2026";
/// Seeded clients `user1` .. `userN` that get a real hash of [`PASSWORD`], for the login runs.
pub const LOGIN_USERS: u64 = 64;

/// A seeded benchmark database.
#[derive(Debug)]
pub struct BenchDatabase {
    /// Its connection URL.
    pub url: String,
    /// What the seed loaded.
    pub volumes: Volumes,
    /// How long seeding took in this run; `None` when the database was already seeded.
    pub seeded_in: Option<Duration>,
}

impl BenchDatabase {
    /// The database of `scale` on the server of `server_url`: created and seeded unless an
    /// earlier run did so, always migrated to the current schema, with the benchmark's accounts.
    ///
    /// # Errors
    /// When the server is unreachable or a statement fails.
    pub async fn prepare(server_url: &str, scale: Scale) -> anyhow::Result<Self> {
        // Named by the seed's fingerprint: data of an older seed is never reused.
        let name = format!(
            "prosektor_bench_{}_{}",
            scale.name(),
            prosektor_dataset::fingerprint()
        );
        let url = database_url(server_url, &name)?;
        create_if_missing(server_url, &name).await?;
        Self::ready(url, scale).await
    }

    /// The database at `url` (which exists), migrated, seeded with `scale` unless it holds the
    /// seed already, with the benchmark's accounts (a fleet's database, `prosektor-bench-fleet`).
    ///
    /// # Errors
    /// When the server is unreachable or a statement fails.
    pub async fn ready(url: String, scale: Scale) -> anyhow::Result<Self> {
        let name = url
            .rsplit('/')
            .next()
            .and_then(|last| last.split('?').next())
            .unwrap_or_default()
            .to_owned();
        prosektor_persistence::migrate(
            &url,
            prosektor_persistence::Rollout::Contract,
            prosektor_persistence::BackfillSettings::default(),
        )
        .await
        .with_context(|| format!("migrating {name}"))?;
        let db = connect(&url).await?;
        let seeded_in = if prosektor_dataset::is_seeded(&db).await? {
            None
        } else {
            let started = Instant::now();
            let job = format!("seeding {name} (once; later runs reuse it)");
            prosektor_dataset::load_showing_progress(&db, scale, &job)
                .await
                .context("seeding")?;
            Some(started.elapsed())
        };
        add_accounts(&db).await?;
        db.close().await?;
        Ok(Self {
            url,
            volumes: scale.volumes(),
            seeded_in,
        })
    }
}

/// `server_url` with its database replaced by `database`.
pub(crate) fn database_url(server_url: &str, database: &str) -> anyhow::Result<String> {
    let mut url = url::Url::parse(server_url).context("DATABASE_URL is not a URL")?;
    url.set_path(database);
    // Loopback needs no TLS: both sides, server and pgbench, connect in the clear.
    if !url.query_pairs().any(|(key, _)| key == "sslmode") {
        url.query_pairs_mut().append_pair("sslmode", "disable");
    }
    Ok(url.into())
}

/// A small pool to `url`, for the benchmark's own setup queries.
///
/// # Errors
/// When the server does not answer.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    let settings = PoolSettings {
        max_connections: 2,
        acquire_timeout: Duration::from_secs(30),
        statement_timeout: None,
        lazy: false,
        application_name: None,
        ..PoolSettings::default()
    };
    prosektor_persistence::connect(url, &settings)
        .await
        .with_context(|| format!("connecting to {url}"))
}

async fn create_if_missing(server_url: &str, name: &str) -> anyhow::Result<()> {
    let server = connect(server_url).await?;
    let exists = server
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 FROM pg_database WHERE datname = $1",
            [name.into()],
        ))
        .await?
        .is_some();
    if !exists {
        // The name is ours (a fixed prefix and a scale), not input.
        server
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await?;
    }
    server.close().await?;
    Ok(())
}

/// The administrator, a real hash of [`PASSWORD`] on the login users, and clients that may act:
/// the seed's churned companies (a sixth) become active, since their clients are refused
/// (`403 company_closed`) and would count as errors of every keyed pattern (idempotent).
async fn add_accounts(db: &DatabaseConnection) -> anyhow::Result<()> {
    db.execute_unprepared("UPDATE companies SET status = 'ACTIVE' WHERE status = 'CHURNED'")
        .await?;
    let hasher = Argon2Hasher::new()?;
    let hash = hasher.hash(&PlainPassword::new(PASSWORD)?).await?;
    let hash = hash.as_str();
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO users (id, email, password_hash, role) \
         VALUES (md5($3)::uuid, $1, $2, 'ADMIN') \
         ON CONFLICT (id) DO UPDATE SET password_hash = EXCLUDED.password_hash",
        [
            ADMIN_EMAIL.into(),
            hash.into(),
            crate::keys::ADMIN_KEY.into(),
        ],
    ))
    .await?;
    let login_users = i64::try_from(LOGIN_USERS)?;
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE users SET password_hash = $1 \
         WHERE id IN (SELECT md5('user' || i)::uuid FROM generate_series(1, $2::bigint) AS i)",
        [hash.into(), login_users.into()],
    ))
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scale_has_its_own_database_on_the_same_server() {
        assert_eq!(
            database_url(
                "postgres://postgres@127.0.0.1:5432/postgres",
                "prosektor_bench_small"
            )
            .expect("a URL"),
            "postgres://postgres@127.0.0.1:5432/prosektor_bench_small?sslmode=disable"
        );
    }
}
