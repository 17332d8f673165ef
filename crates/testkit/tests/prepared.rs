//! Prepared templates: what `prepare` writes is in every database asked for with its key, and it
//! runs once per key, however many databases are asked for.

use std::sync::atomic::{AtomicUsize, Ordering};

use prosektor_testkit::{TestDatabase, TestkitError};
use sea_orm::{ConnectionTrait, Database, Statement};

/// A version of its own for this run, so that the test prepares afresh even on a server that
/// kept the templates of earlier runs.
fn fresh_version() -> String {
    uuid::Uuid::new_v4().to_string()
}

async fn companies_named(database: &TestDatabase, name: &str) -> i64 {
    let db = database.connection();
    db.query_one_raw(Statement::from_string(
        db.get_database_backend(),
        format!("SELECT count(*) FROM companies WHERE name = '{name}'"),
    ))
    .await
    .expect("the count runs")
    .and_then(|row| row.try_get_by_index::<i64>(0).ok())
    .expect("a count")
}

#[tokio::test]
async fn what_prepare_writes_is_in_every_copy_and_it_runs_once_per_key() {
    let version = fresh_version();
    let runs = AtomicUsize::new(0);
    let prepare = async |url: String| {
        runs.fetch_add(1, Ordering::SeqCst);
        let db = Database::connect(&url).await.map_err(|e| e.to_string())?;
        db.execute_unprepared("INSERT INTO companies (name) VALUES ('Hazir OSGB')")
            .await
            .map_err(|e| e.to_string())?;
        db.close().await.map_err(|e| e.to_string())
    };
    let first = TestDatabase::prepared("kitonce", &version, prepare)
        .await
        .unwrap();
    let second = TestDatabase::prepared("kitonce", &version, prepare)
        .await
        .unwrap();
    assert_eq!(runs.load(Ordering::SeqCst), 1, "prepared once");
    assert_ne!(first.name(), second.name(), "each test has its own copy");
    assert_eq!(companies_named(&first, "Hazir OSGB").await, 1);
    assert_eq!(companies_named(&second, "Hazir OSGB").await, 1);

    // A copy is the test's own: what one test writes, the next copy does not see.
    first
        .connection()
        .execute_unprepared("DELETE FROM companies")
        .await
        .unwrap();
    let third = TestDatabase::prepared("kitonce", &version, prepare)
        .await
        .unwrap();
    assert_eq!(companies_named(&third, "Hazir OSGB").await, 1);
}

#[tokio::test]
async fn a_new_version_replaces_the_template_of_the_old_one() {
    let prepare_with = async |url: String, name: &str| {
        let db = Database::connect(&url).await.map_err(|e| e.to_string())?;
        db.execute_unprepared(&format!("INSERT INTO companies (name) VALUES ('{name}')"))
            .await
            .map_err(|e| e.to_string())?;
        db.close().await.map_err(|e| e.to_string())
    };
    let old = TestDatabase::prepared("kitversion", &fresh_version(), async |url| {
        prepare_with(url, "Eski OSGB").await
    })
    .await
    .unwrap();
    let new = TestDatabase::prepared("kitversion", &fresh_version(), async |url| {
        prepare_with(url, "Yeni OSGB").await
    })
    .await
    .unwrap();
    assert_eq!(companies_named(&old, "Eski OSGB").await, 1);
    assert_eq!(companies_named(&new, "Eski OSGB").await, 0);
    assert_eq!(companies_named(&new, "Yeni OSGB").await, 1);
}

#[tokio::test]
async fn a_failing_preparation_or_a_bad_name_is_an_error_naming_why() {
    let failed = TestDatabase::prepared("kitfails", &fresh_version(), async |_| {
        Err("no fixtures today".to_owned())
    })
    .await
    .unwrap_err();
    assert!(
        matches!(&failed, TestkitError::Setting(reason) if reason.contains("no fixtures today")),
        "{failed}"
    );
    for fixtures in ["", "UPPER", "has-dash", "thirteenchars"] {
        let refused = TestDatabase::prepared(fixtures, "1", async |_| Ok(()))
            .await
            .unwrap_err();
        assert!(
            matches!(refused, TestkitError::Setting(_)),
            "{fixtures:?}: {refused}"
        );
    }
}
