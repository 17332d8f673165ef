//! [`ReadinessProbe`] on PostgreSQL.

use std::time::Duration;

use async_trait::async_trait;
use prosektor_application::{NotReady, ReadinessProbe};
use sea_orm::{ConnectionTrait, DatabaseConnection};

/// Ready when PostgreSQL answers `SELECT 1` within [`PostgresReadiness::TIMEOUT`].
#[derive(Debug, Clone)]
pub struct PostgresReadiness {
    db: DatabaseConnection,
}

impl PostgresReadiness {
    /// How long the probe waits for PostgreSQL.
    pub const TIMEOUT: Duration = Duration::from_secs(2);

    /// A probe over the server's pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
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
    use super::*;
    use crate::{PoolSettings, connect};

    #[tokio::test]
    async fn ready_while_postgres_answers_and_not_after_the_pool_closes() {
        let database = prosektor_testkit::TestDatabase::migrated()
            .await
            .expect("test database");
        let db = connect(database.url(), &PoolSettings::default())
            .await
            .expect("pool");
        let probe = PostgresReadiness::new(db.clone());
        assert_eq!(probe.check().await, Ok(()));
        db.close().await.expect("close");
        assert!(probe.check().await.is_err());
    }
}
