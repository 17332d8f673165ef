//! Fixtures shared by the conformance suites: rows written with plain SQL, so that a suite for one
//! port does not depend on another port's implementation.

use prosektor_domain::{CompanyId, ProjectId};
use prosektor_testkit::TestDatabase;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use uuid::Uuid;

/// A fresh migrated database for one test.
pub async fn database() -> TestDatabase {
    TestDatabase::migrated().await.expect("test database")
}

/// Runs SQL written by the test itself.
pub async fn exec(db: &DatabaseConnection, sql: &str) {
    db.execute_unprepared(sql)
        .await
        .unwrap_or_else(|error| panic!("{error}\n in: {sql}"));
}

/// Inserts a company (with an empty details row) named `name`.
pub async fn company(db: &DatabaseConnection, name: &str) -> CompanyId {
    let id = Uuid::now_v7();
    exec(
        db,
        &format!(
            "INSERT INTO companies (id, name) VALUES ('{id}', '{}');
             INSERT INTO company_details (company_id) VALUES ('{id}');",
            name.replace('\'', "''")
        ),
    )
    .await;
    CompanyId::from_uuid(id)
}

/// Inserts a `DRAFT` web project of `company`.
pub async fn project(db: &DatabaseConnection, company: CompanyId) -> ProjectId {
    let id = Uuid::now_v7();
    exec(
        db,
        &format!(
            "INSERT INTO web_projects (id, company_id, name) VALUES ('{id}', '{company}', 'Site')"
        ),
    )
    .await;
    ProjectId::from_uuid(id)
}

/// A pool of its own on `db`, big enough for 40 concurrent tasks (the test kit's holds 16).
pub async fn wide_pool(db: &TestDatabase) -> DatabaseConnection {
    let settings = prosektor_persistence::PoolSettings {
        max_connections: 40,
        ..Default::default()
    };
    prosektor_persistence::connect(db.url(), &settings)
        .await
        .expect("a wide pool")
}
