//! The backfill job on the `company_details` split: keyset batches, progress after each, a
//! resumed run continues after the last committed batch, and a finished or contracted backfill
//! does not run again.

use std::time::Duration;

use prosektor_migration::{BackfillSettings, Migrator, MigratorTrait, run_backfills};
use prosektor_testkit::TestDatabase;
use sea_orm::DatabaseConnection;

use crate::support::{exec, scalar};

const EXPAND: &str = "m20261124_000009_expand_company_details";

const BATCHES_OF_TEN: BackfillSettings = BackfillSettings {
    batch_size: 10,
    pause: Duration::ZERO,
};

/// A database at the split's expand step, holding 25 companies written before it (legacy
/// columns filled, no details yet).
async fn expanded_with_companies() -> TestDatabase {
    let database = TestDatabase::empty().await.expect("test database");
    let db = database.connection();
    Migrator::up(db, Some(8)).await.expect("the first schema");
    exec(
        db,
        "INSERT INTO companies (name, city) SELECT 'Firma ' || i, 'Şehir ' || i FROM generate_series(1, 25) AS i",
    )
    .await;
    Migrator::up(db, Some(1)).await.expect("the expand step");
    database
}

/// Runs the backfills of a database where the expand step is the newest migration, recording
/// each report as `(keys_done, keys_total, rows_changed, finished)`.
async fn backfill(db: &DatabaseConnection) -> Vec<(u64, u64, u64, bool)> {
    let mut reports = Vec::new();
    run_backfills(
        db,
        &|migration| migration <= EXPAND,
        BATCHES_OF_TEN,
        &mut |progress| {
            reports.push((
                progress.keys_done,
                progress.keys_total,
                progress.rows_changed,
                progress.finished,
            ));
        },
    )
    .await
    .expect("the backfill");
    reports
}

async fn details(db: &DatabaseConnection) -> i64 {
    scalar(db, "SELECT count(*) FROM company_details").await
}

#[tokio::test]
async fn a_backfill_walks_in_batches_and_reports_each() {
    let database = expanded_with_companies().await;
    let db = database.connection();
    assert_eq!(details(db).await, 0, "the migration itself copies nothing");
    assert_eq!(
        backfill(db).await,
        [
            (10, 25, 10, false),
            (20, 25, 20, false),
            (25, 25, 25, false),
            (25, 25, 25, true)
        ]
    );
    let copied: i64 = scalar(
        db,
        "SELECT count(*) FROM company_details d JOIN companies c ON c.id = d.company_id WHERE d.city = c.city",
    )
    .await;
    assert_eq!(copied, 25);
    assert!(
        backfill(db).await.is_empty(),
        "a finished backfill does not run again"
    );
}

#[tokio::test]
async fn an_interrupted_backfill_resumes_after_its_last_committed_batch() {
    let database = expanded_with_companies().await;
    let db = database.connection();
    backfill(db).await;
    // As if the run had stopped after its first batch: the rows past it are not there yet.
    exec(
        db,
        "UPDATE schema_backfills SET finished_at = NULL, keys_done = 10, rows_changed = 10, \
           last_key = (SELECT id::text FROM companies ORDER BY id OFFSET 9 LIMIT 1);
         DELETE FROM company_details WHERE company_id > (SELECT id FROM companies ORDER BY id OFFSET 9 LIMIT 1);
         DELETE FROM company_details WHERE company_id = (SELECT id FROM companies ORDER BY id LIMIT 1);",
    )
    .await;
    assert_eq!(details(db).await, 9);
    let reports = backfill(db).await;
    assert_eq!(reports.last(), Some(&(25, 25, 25, true)));
    // The 15 keys after the last batch are copied; the first batch's keys are not walked again.
    assert_eq!(details(db).await, 24);
}

#[tokio::test]
async fn a_contracted_split_needs_no_backfill() {
    let database = expanded_with_companies().await;
    let db = database.connection();
    Migrator::up(db, Some(1)).await.expect("the contract step");
    let reports = {
        let mut reports = 0;
        run_backfills(
            db,
            &|migration| migration <= "m20261124_000010_contract_company_details",
            BATCHES_OF_TEN,
            &mut |_| {
                reports += 1;
            },
        )
        .await
        .expect("nothing to run");
        reports
    };
    assert_eq!(reports, 0);
}
