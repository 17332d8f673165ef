//! The small scale loaded into a migrated database: every table written as the scale says, the
//! same rows every time, and every row readable through the repositories.

use prosektor_application::{
    CompanyRepository, InvoiceFilter, InvoiceRepository, PageRequest, TenantScope, UserRepository,
    WebProjectRepository,
};
use prosektor_dataset::{Scale, is_seeded, load};
use prosektor_domain::{SearchText, UserId};
use prosektor_persistence::{
    DatabaseConnection, PgCompanyRepository, PgInvoiceRepository, PgUserRepository,
    PgWebProjectRepository,
};
use sea_orm::ConnectionTrait;

#[tokio::test]
#[ignore = "loads 470 000 rows (about 15 s): `make proof` runs it"]
async fn the_small_scale_loads_every_table_deterministically() {
    let database = prosektor_testkit::TestDatabase::migrated()
        .await
        .expect("test database");
    let db = database.connection();
    assert!(!is_seeded(db).await.expect("asked"));
    let mut events = Vec::new();
    let volumes = load(db, Scale::Small, &mut |event| {
        events.push(format!("{event:?}"))
    })
    .await
    .expect("loads");
    assert_eq!(
        events.first().map(String::as_str),
        Some(r#"Writing { table: "companies", rows: 1000 }"#)
    );
    assert_eq!(
        events.len(),
        2 * 7 + 1,
        "each table written, then the vacuum: {events:?}"
    );
    assert!(is_seeded(db).await.expect("asked"));
    let count = |table: &str| {
        let sql = format!("SELECT count(*) FROM {table}");
        async move {
            db.query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                sql,
            ))
            .await
            .expect("counted")
            .expect("a row")
            .try_get_by_index::<i64>(0)
            .expect("a count")
        }
    };
    assert_eq!(count("companies").await, 1_000);
    assert_eq!(count("company_details").await, 1_000);
    assert_eq!(count("users").await, 5_000);
    assert_eq!(count("user_profiles").await, 5_000);
    assert_eq!(count("invoices").await, 100_000);
    assert_eq!(count("web_projects").await, 3_000);
    assert_eq!(
        u64::try_from(count("daily_stats").await).unwrap(),
        volumes.daily_stats()
    );
    let first_invoice: String = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT concat_ws('|', invoice_no, amount_total, status) FROM invoices WHERE id = md5('invoice1')::uuid",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index(0)
            .unwrap();
    assert_eq!(first_invoice, "2025-1001|962.28|PAID");
    the_domain_accepts_the_rows(db).await;
}

/// Reads seeded rows of every table back through the repositories: a value the database
/// allows but the domain refuses (a VKN check digit, a phone format) would read as `Corrupt`.
async fn the_domain_accepts_the_rows(db: &DatabaseConnection) {
    let page = PageRequest::new(PageRequest::MAX_LIMIT, None).expect("a page");
    let osgb = SearchText::parse("OSGB").expect("a search text");
    let companies = PgCompanyRepository::new(db.clone())
        .search(&osgb, &page)
        .await
        .expect("companies read back");
    assert_eq!(companies.items.len(), 100);
    let users = PgUserRepository::new(db.clone());
    let user = UserId::from_uuid(seeded_id(db, "user1").await);
    users
        .get(TenantScope::All, user, false)
        .await
        .expect("a user reads back");
    users.get_profile(user).await.expect("a profile reads back");
    let invoices = PgInvoiceRepository::new(db.clone())
        .list(TenantScope::All, &InvoiceFilter::default(), &page)
        .await
        .expect("invoices read back");
    assert_eq!(invoices.items.len(), 100);
    let projects = PgWebProjectRepository::new(db.clone())
        .list(TenantScope::All, None, &page)
        .await
        .expect("projects read back");
    assert_eq!(projects.items.len(), 100);
}

async fn seeded_id(db: &DatabaseConnection, key: &str) -> uuid::Uuid {
    db.query_one_raw(sea_orm::Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT md5($1)::uuid",
        [key.into()],
    ))
    .await
    .expect("queried")
    .expect("a row")
    .try_get_by_index(0)
    .expect("a uuid")
}
