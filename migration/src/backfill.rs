//! Backfills: the data an expand migration's new schema needs for existing rows, written as a
//! batch job instead of one statement inside the migration's DDL transaction. A backfill walks its
//! table in key order, a batch of [`BackfillSettings::batch_size`] keys per transaction (under the
//! migrations' `lock_timeout`), pauses between batches so that the database keeps serving, and
//! records where it stands in `schema_backfills` in the same transaction as the batch: interrupted
//! (a crash, a deploy cancelled), it resumes after the last committed batch. The rollout runs a
//! backfill once its migration is applied and before the contract migration that relies on it;
//! after that contract it is done for good (what it read may be gone).

use std::time::Duration;

use sea_orm_migration::sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement, TransactionTrait,
};

use crate::sql::LOCK_TIMEOUT;

/// A data change that follows an expand migration.
#[derive(Debug, Clone, Copy)]
pub struct Backfill {
    /// Its name, the key of its progress in `schema_backfills`.
    pub name: &'static str,
    /// The migration whose schema it fills: it runs once that migration is applied.
    pub after: &'static str,
    /// The contract migration that relies on it (and may remove what it reads): it runs before
    /// that migration, and never once it is applied.
    pub before: &'static str,
    /// How many keys the walk covers, for progress (an estimate is enough).
    pub total: &'static str,
    /// One batch: SQL taking `$1`, the last key done as text (`NULL` at the start), and `$2`, the
    /// batch size, and returning one row: the batch's last key as text (`NULL` when no key is
    /// left), the keys it walked and the rows it changed.
    pub batch: &'static str,
}

/// How a backfill paces itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackfillSettings {
    /// Keys per batch (one transaction each).
    pub batch_size: u32,
    /// The pause between two batches.
    pub pause: Duration,
}

impl Default for BackfillSettings {
    fn default() -> Self {
        Self {
            batch_size: 5_000,
            pause: Duration::from_millis(10),
        }
    }
}

/// Where a running backfill stands, reported after every batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackfillProgress<'a> {
    /// The backfill.
    pub name: &'a str,
    /// Keys walked so far (batches of earlier, interrupted runs included).
    pub keys_done: u64,
    /// Keys to walk in all, as estimated when this run started.
    pub keys_total: u64,
    /// Rows changed so far.
    pub rows_changed: u64,
    /// Whether the walk is complete.
    pub finished: bool,
}

/// Receives a backfill's progress after each batch.
pub type BackfillObserver<'a> = dyn FnMut(&BackfillProgress<'_>) + Send + 'a;

/// Every backfill of the history, in the order of their migrations.
pub const BACKFILLS: &[Backfill] = &[COMPANY_DETAILS, INVOICE_BUYER];

/// The `company_details` split: one details row per company that has none, from its legacy
/// columns. A company an older server writes meanwhile gets its row from the sync trigger, which
/// the backfill leaves as it is (`ON CONFLICT DO NOTHING`: the trigger's copy is the newer one).
const COMPANY_DETAILS: Backfill = Backfill {
    name: "company_details",
    after: "m20261124_000009_expand_company_details",
    before: "m20261124_000010_contract_company_details",
    total: "SELECT count(*) FROM companies",
    batch: r#"
WITH batch AS (
    SELECT id FROM companies WHERE $1::uuid IS NULL OR id > $1::uuid ORDER BY id LIMIT $2
), filled AS (
    INSERT INTO company_details
        (company_id, address, city, danger_class, nace_code, contact_email, contact_phone)
    SELECT c.id, c.address, c.city, c.danger_class, c.nace_code, c.contact_email, c.contact_phone
    FROM companies c JOIN batch USING (id)
    ON CONFLICT (company_id) DO NOTHING
    RETURNING 1
)
SELECT (SELECT id::text FROM batch ORDER BY id DESC LIMIT 1),
       (SELECT count(*) FROM batch),
       (SELECT count(*) FROM filled)
"#,
};

/// Evolution 3: the buyer snapshot of every invoice that has none, from its company as it is
/// now. Each batch updates at most `$2` invoices (bumping their row version: their representation
/// gains the buyer), each its own transaction.
const INVOICE_BUYER: Backfill = Backfill {
    name: "invoice_buyer",
    after: "m20261201_000022_add_invoice_buyer_snapshot",
    before: "m20261201_000023_contract_invoice_buyer_fill",
    total: "SELECT count(*) FROM invoices",
    batch: r#"
WITH batch AS (
    SELECT id FROM invoices WHERE $1::uuid IS NULL OR id > $1::uuid ORDER BY id LIMIT $2
), filled AS (
    UPDATE invoices i
    SET buyer_name = c.name, buyer_tax_id = c.tax_id, buyer_address = d.address
    FROM batch, companies c LEFT JOIN company_details d ON d.company_id = c.id
    WHERE i.id = batch.id AND c.id = i.company_id AND i.buyer_name IS NULL
    RETURNING 1
)
SELECT (SELECT id::text FROM batch ORDER BY id DESC LIMIT 1),
       (SELECT count(*) FROM batch),
       (SELECT count(*) FROM filled)
"#,
};

/// The table recording each backfill's position, created on first use (bookkeeping of the
/// runner, like `seaql_migrations`, not part of the schema history).
const CREATE_PROGRESS_TABLE: &str = r"
CREATE TABLE IF NOT EXISTS schema_backfills (
    name TEXT PRIMARY KEY,
    last_key TEXT,
    keys_done BIGINT NOT NULL DEFAULT 0,
    rows_changed BIGINT NOT NULL DEFAULT 0,
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at TIMESTAMPTZ
)";

/// Runs every backfill whose migration is applied, whose contract is not, and that has not
/// finished, to completion.
///
/// # Errors
/// The driver's error; the batches committed before it stay, and the next run resumes after them.
pub async fn run_backfills(
    db: &DatabaseConnection,
    applied: &(dyn Fn(&str) -> bool + Sync),
    settings: BackfillSettings,
    observer: &mut BackfillObserver<'_>,
) -> Result<(), DbErr> {
    db.execute_unprepared(CREATE_PROGRESS_TABLE).await?;
    for backfill in BACKFILLS {
        if applied(backfill.after) && !applied(backfill.before) {
            run(db, backfill, settings, observer).await?;
        }
    }
    Ok(())
}

/// Where `backfill` stands: its last key, keys walked, rows changed, whether it finished.
type Position = (Option<String>, i64, i64, bool);

async fn position(db: &impl ConnectionTrait, backfill: &Backfill) -> Result<Position, DbErr> {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO schema_backfills (name) VALUES ($1) ON CONFLICT (name) DO NOTHING",
        [backfill.name.into()],
    ))
    .await?;
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT last_key, keys_done, rows_changed, finished_at IS NOT NULL \
             FROM schema_backfills WHERE name = $1",
            [backfill.name.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(backfill.name.to_owned()))?;
    Ok((
        row.try_get_by_index(0)?,
        row.try_get_by_index(1)?,
        row.try_get_by_index(2)?,
        row.try_get_by_index(3)?,
    ))
}

async fn run(
    db: &DatabaseConnection,
    backfill: &Backfill,
    settings: BackfillSettings,
    observer: &mut BackfillObserver<'_>,
) -> Result<(), DbErr> {
    let (mut last_key, mut keys_done, mut rows_changed, finished) = position(db, backfill).await?;
    if finished {
        return Ok(());
    }
    let keys_total: i64 = db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, backfill.total))
        .await?
        .map(|row| row.try_get_by_index(0))
        .transpose()?
        .unwrap_or(0);
    let report = |keys_done: i64, rows_changed: i64, finished: bool| BackfillProgress {
        name: backfill.name,
        keys_done: u64::try_from(keys_done).unwrap_or(0),
        keys_total: u64::try_from(keys_total.max(keys_done)).unwrap_or(0),
        rows_changed: u64::try_from(rows_changed).unwrap_or(0),
        finished,
    };
    loop {
        let transaction = db.begin().await?;
        transaction
            .execute_unprepared(&format!("SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
            .await?;
        let row = transaction
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                backfill.batch,
                [
                    last_key.clone().into(),
                    i64::from(settings.batch_size).into(),
                ],
            ))
            .await?
            .ok_or_else(|| DbErr::RecordNotFound(format!("a batch of {}", backfill.name)))?;
        let batch_last: Option<String> = row.try_get_by_index(0)?;
        let keys: i64 = row.try_get_by_index(1)?;
        let changed: i64 = row.try_get_by_index(2)?;
        let finished = batch_last.is_none();
        if !finished {
            last_key = batch_last;
        }
        keys_done += keys;
        rows_changed += changed;
        transaction
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE schema_backfills SET last_key = $2, keys_done = $3, rows_changed = $4, \
                 finished_at = CASE WHEN $5 THEN now() END WHERE name = $1",
                [
                    backfill.name.into(),
                    last_key.clone().into(),
                    keys_done.into(),
                    rows_changed.into(),
                    finished.into(),
                ],
            ))
            .await?;
        transaction.commit().await?;
        observer(&report(keys_done, rows_changed, finished));
        if finished {
            return Ok(());
        }
        tokio::time::sleep(settings.pause).await;
    }
}
