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

/// The first column of the one row `sql` returns.
pub async fn scalar<T: sea_orm::TryGetable>(db: &DatabaseConnection, sql: &str) -> T {
    db.query_one_raw(sea_orm::Statement::from_string(
        sea_orm::DbBackend::Postgres,
        sql.to_owned(),
    ))
    .await
    .unwrap_or_else(|error| panic!("{error}\n in: {sql}"))
    .unwrap_or_else(|| panic!("no row from: {sql}"))
    .try_get_by_index(0)
    .unwrap_or_else(|error| panic!("{error}\n in: {sql}"))
}

/// Inserts a company (with an empty details row, which the sync trigger of the expanded schema
/// may have created already) named `name`.
pub async fn company(db: &DatabaseConnection, name: &str) -> CompanyId {
    let id = Uuid::now_v7();
    exec(
        db,
        &format!(
            "INSERT INTO companies (id, name) VALUES ('{id}', '{}');
             INSERT INTO company_details (company_id) VALUES ('{id}') ON CONFLICT DO NOTHING;",
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

/// Now, at PostgreSQL's precision (microseconds), so that a stored time reads back equal.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}

/// A syntactically valid argon2id PHC string (not a real hash; the repositories do not verify).
pub fn password_hash(tag: &str) -> prosektor_domain::PasswordHash {
    prosektor_domain::PasswordHash::parse(&format!("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA${tag}"))
        .expect("hash")
}

/// A new `CLIENT` of `company` with `email`, and an empty profile.
pub fn client(
    company: CompanyId,
    email: &str,
) -> (prosektor_domain::User, prosektor_domain::UserProfile) {
    let id = prosektor_domain::UserId::new_v7();
    let email = prosektor_domain::Email::parse(email).expect("email");
    let user = prosektor_domain::User::new_client(id, email, password_hash("x"), company, now());
    (user, prosektor_domain::UserProfile::empty(id))
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

/// Company `company`'s dashboard figures as an admin reads them: as of `as_of`, visitors over
/// `visitor_window`.
pub async fn figures(
    db: &DatabaseConnection,
    company: CompanyId,
    as_of: chrono::NaiveDate,
    visitor_window: prosektor_domain::DateRange,
) -> prosektor_application::CompanyFigures {
    use prosektor_application::DashboardFigures;
    prosektor_persistence::PgDashboardFigures::new(db.clone())
        .figures(
            prosektor_application::TenantScope::All,
            company,
            as_of,
            visitor_window,
        )
        .await
        .expect("the company's figures")
}

/// Runs `work` as a request of `intent` in a `PgConnectionScope` over `pools`, and returns what it
/// returned.
pub async fn in_request<T: Send>(
    pools: impl Into<prosektor_persistence::DatabasePools>,
    intent: prosektor_application::Intent,
    work: impl std::future::Future<Output = T> + Send,
) -> T {
    use prosektor_application::ConnectionScope;

    let outcome = std::sync::Mutex::new(None);
    prosektor_persistence::PgConnectionScope::new(pools)
        .run(
            intent,
            Box::pin(async {
                let value = work.await;
                *outcome.lock().unwrap() = Some(value);
            }),
        )
        .await;
    outcome
        .into_inner()
        .unwrap()
        .expect("the scope ran the work")
}
