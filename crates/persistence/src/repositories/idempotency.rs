//! [`PgIdempotencyStore`]: [`IdempotencyStore`] on PostgreSQL.
//!
//! One transaction per request: the stored record if there is one (replayed without a lock, so
//! concurrent retries of a finished request all replay); otherwise a transaction-scoped advisory
//! lock on the key (a second request with the key while the first runs answers `InProgress` at
//! once instead of waiting), and the request's work run as the transaction's unit of work
//! ([`crate::unit_of_work`]) with its success response inserted before the commit; a failure is
//! rolled back before it is answered, which frees the key for its retry.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use prosektor_application::{
    IdempotencyStore, Idempotent, IdempotentRequest, RepositoryError, RepositoryResult,
    StoredResponse, Work,
};
use sea_orm::{ConnectionTrait, DatabaseTransaction, TransactionTrait};

use super::shared::{scalar, statement};
use crate::error::map_db_err;
use crate::pools::DatabasePools;
use crate::timing::timed;
use crate::unit_of_work::{self, Db};

/// Takes the key's lock for the transaction, if no one holds it.
const LOCK_SQL: &str = "SELECT pg_try_advisory_xact_lock(hashtextextended($1 || ' ' || $2, 0))";
/// The record of a key, stored since `$3`.
const FIND_SQL: &str = "SELECT fingerprint, status, headers::text, body FROM idempotency_keys \
     WHERE scope = $1 AND key = $2 AND created_at >= $3";
/// Stores a success (over an expired record of the same key, if any).
const STORE_SQL: &str = "INSERT INTO idempotency_keys \
     (scope, key, fingerprint, status, headers, body, created_at) \
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, now()) \
     ON CONFLICT (scope, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, \
     status = EXCLUDED.status, headers = EXCLUDED.headers, body = EXCLUDED.body, \
     created_at = EXCLUDED.created_at";
/// Purges the records stored before `$1`.
const PURGE_SQL: &str = "DELETE FROM idempotency_keys WHERE created_at < $1";

/// [`IdempotencyStore`] on PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgIdempotencyStore {
    db: Db,
}

impl PgIdempotencyStore {
    /// A store over `pools`.
    pub fn new(pools: impl Into<DatabasePools>) -> Self {
        Self { db: Db::new(pools) }
    }
}

#[async_trait]
impl IdempotencyStore for PgIdempotencyStore {
    async fn run_once(
        &self,
        request: &IdempotentRequest,
        work: Work,
    ) -> RepositoryResult<Idempotent> {
        let _timer = timed!("run_once");
        let transaction = self.db.begin().await.map_err(map_db_err)?;
        // A stored response needs no lock: concurrent retries of a finished request all replay.
        if let Some(outcome) = stored_outcome(&transaction, request).await? {
            return Ok(outcome);
        }
        let key = [request.scope.clone().into(), request.key.clone().into()];
        let locked: bool = scalar(&transaction, statement(LOCK_SQL, key)).await?;
        if !locked {
            return Ok(Idempotent::InProgress);
        }
        // The holder of the lock may have committed between the first look and the lock.
        if let Some(outcome) = stored_outcome(&transaction, request).await? {
            return Ok(released(transaction, outcome).await);
        }

        let transaction = Arc::new(transaction);
        let response = unit_of_work::within(Arc::clone(&transaction), work).await;
        let transaction = Arc::try_unwrap(transaction).map_err(|_| {
            RepositoryError::Failed("the request's unit of work outlived the request".into())
        })?;
        if !response.is_success() {
            // Whatever the failed request wrote is rolled back, and its key is free again.
            return Ok(released(transaction, Idempotent::Executed(response)).await);
        }
        let headers = serde_json::to_string(&response.headers)
            .map_err(|error| RepositoryError::Failed(error.to_string()))?;
        let values = [
            request.scope.clone().into(),
            request.key.clone().into(),
            request.fingerprint.clone().into(),
            i16::try_from(response.status).unwrap_or(i16::MAX).into(),
            headers.into(),
            response.body.clone().into(),
        ];
        transaction
            .execute_raw(statement(STORE_SQL, values))
            .await
            .map_err(map_db_err)?;
        transaction.commit().await.map_err(map_db_err)?;
        Ok(Idempotent::Executed(response))
    }

    async fn purge_expired(&self, before: DateTime<Utc>) -> RepositoryResult<u64> {
        let _timer = timed!("purge_expired");
        let purged = self
            .db
            .execute_raw(statement(PURGE_SQL, [before.into()]))
            .await
            .map_err(map_db_err)?;
        Ok(purged.rows_affected())
    }
}

/// `outcome`, once `transaction` (holding the key's lock) is rolled back: before the answer, not
/// when its connection is next used, so that a retry sent the moment the answer arrives finds the
/// key free. A rollback that fails (the connection is gone) ended the session, and its lock, as
/// well: the answer stands.
async fn released(transaction: DatabaseTransaction, outcome: Idempotent) -> Idempotent {
    if let Err(error) = transaction.rollback().await {
        tracing::warn!(%error, "an idempotent request's rollback failed");
    }
    outcome
}

/// What the record stored for `request`'s key says: a replay, a reused key, or nothing yet.
async fn stored_outcome(
    transaction: &DatabaseTransaction,
    request: &IdempotentRequest,
) -> RepositoryResult<Option<Idempotent>> {
    let values = [
        request.scope.clone().into(),
        request.key.clone().into(),
        request.replayable_since.into(),
    ];
    let Some(row) = transaction
        .query_one_raw(statement(FIND_SQL, values))
        .await
        .map_err(map_db_err)?
    else {
        return Ok(None);
    };
    let fingerprint: String = row.try_get_by_index(0).map_err(map_db_err)?;
    if fingerprint != request.fingerprint {
        return Ok(Some(Idempotent::KeyReused));
    }
    Ok(Some(Idempotent::Replayed(stored_response(&row)?)))
}

/// The stored response of a record row (`fingerprint, status, headers, body`).
fn stored_response(row: &sea_orm::QueryResult) -> RepositoryResult<StoredResponse> {
    let status: i16 = row.try_get_by_index(1).map_err(map_db_err)?;
    let headers: String = row.try_get_by_index(2).map_err(map_db_err)?;
    let body: Vec<u8> = row.try_get_by_index(3).map_err(map_db_err)?;
    let headers: Vec<(String, String)> = serde_json::from_str(&headers).map_err(|error| {
        RepositoryError::Failed(format!("a stored response's headers: {error}"))
    })?;
    Ok(StoredResponse {
        status: u16::try_from(status)
            .map_err(|_| RepositoryError::Failed(format!("a stored status of {status}")))?,
        headers,
        body,
    })
}
