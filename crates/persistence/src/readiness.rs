//! [`ReadinessProbe`] on PostgreSQL.

use std::time::Duration;

use async_trait::async_trait;
use prosektor_application::{NotReady, ReadinessProbe};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

use crate::pool::{PoolSettings, Pooling, connect};

/// Ready when PostgreSQL answers `SELECT 1` within [`PostgresReadiness::TIMEOUT`], on a connection
/// of the probe's own: a request pool busy under a load spike never makes the instance unready.
#[derive(Debug, Clone)]
pub struct PostgresReadiness {
    db: DatabaseConnection,
}

impl PostgresReadiness {
    /// How long the probe waits for PostgreSQL.
    pub const TIMEOUT: Duration = Duration::from_secs(2);

    /// A probe with its own connection to `url` (through what `pooling` says stands between),
    /// opened when first needed (and again after the database broke it).
    ///
    /// # Errors
    /// When `url` cannot be read as a PostgreSQL URL.
    pub async fn connect(url: &str, pooling: Pooling) -> Result<Self, DbErr> {
        let settings = PoolSettings {
            max_connections: 1,
            acquire_timeout: Self::TIMEOUT,
            statement_timeout: Some(Self::TIMEOUT),
            lazy: true,
            application_name: None,
            pooling,
        };
        Ok(Self {
            db: connect(url, &settings).await?,
        })
    }
}

#[async_trait]
impl ReadinessProbe for PostgresReadiness {
    #[tracing::instrument(skip_all)]
    async fn check(&self) -> Result<(), NotReady> {
        let ping = self.db.execute_unprepared("SELECT 1");
        match tokio::time::timeout(Self::TIMEOUT, ping).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(error)) => Err(NotReady {
                reason: error.to_string(),
            }),
            Err(_) => Err(NotReady {
                reason: format!("PostgreSQL did not answer within {:?}", Self::TIMEOUT),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    #[tokio::test]
    async fn ready_while_postgres_answers_and_not_ready_in_time_when_nothing_listens() {
        let database = prosektor_testkit::TestDatabase::migrated()
            .await
            .expect("test database");
        let probe = PostgresReadiness::connect(database.url(), Pooling::Direct)
            .await
            .expect("probe");
        assert_eq!(probe.check().await, Ok(()));

        let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let probe = PostgresReadiness::connect(
            &format!("postgres://postgres@127.0.0.1:{closed_port}/x"),
            Pooling::Direct,
        )
        .await
        .expect("probe");
        let started = Instant::now();
        assert!(probe.check().await.is_err());
        assert!(started.elapsed() <= PostgresReadiness::TIMEOUT + Duration::from_millis(500));
    }
}
