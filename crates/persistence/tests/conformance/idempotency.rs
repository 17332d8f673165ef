//! `PgIdempotencyStore`: a request's effects (made through the ordinary repositories) and its
//! stored response commit together or not at all; replays, reused keys, keys in use, expiry and
//! purging.

use std::sync::Arc;

use chrono::{Duration, Utc};
use prosektor_application::{
    Caller, CompanyRepository, IdempotencyStore, Idempotent, IdempotentRequest, StoredResponse,
    Work,
};
use prosektor_domain::{Company, CompanyDetails, CompanyId, CompanyName, UserId};
use prosektor_persistence::{PgCompanyRepository, PgIdempotencyStore};
use tokio::sync::oneshot;

use crate::support::{database, scalar};

fn request(user: UserId, key: &str, body: &str) -> IdempotentRequest {
    IdempotentRequest::new(
        Caller::User(user),
        key,
        "POST",
        "/api/v1/companies",
        body.as_bytes(),
        Utc::now(),
    )
    .unwrap()
}

/// Work that creates a company named `name` through the repository, then answers `status`.
fn create_company(companies: &Arc<PgCompanyRepository>, name: &str, status: u16) -> Work {
    let companies = Arc::clone(companies);
    let name = name.to_owned();
    Box::pin(async move {
        let company = Company::new(
            CompanyId::new_v7(),
            CompanyName::parse(&name).unwrap(),
            None,
            Utc::now(),
        );
        let details = CompanyDetails::empty(company.id());
        companies.create(&company, &details).await.unwrap();
        StoredResponse {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: format!("{{\"name\":\"{name}\"}}").into_bytes(),
        }
    })
}

async fn companies_named(db: &sea_orm::DatabaseConnection, name: &str) -> i64 {
    scalar(
        db,
        &format!("SELECT count(*) FROM companies WHERE name = '{name}'"),
    )
    .await
}

#[tokio::test]
async fn a_success_commits_with_its_record_and_is_replayed_never_rerun() {
    let db = database().await;
    let store = PgIdempotencyStore::new(db.connection().clone());
    let companies = Arc::new(PgCompanyRepository::new(db.connection().clone()));
    let user = UserId::new_v7();

    let first = store
        .run_once(
            &request(user, "k-1", "{}"),
            create_company(&companies, "Once OSGB", 201),
        )
        .await
        .unwrap();
    let Idempotent::Executed(response) = first else {
        panic!("{first:?}");
    };
    assert_eq!(response.status, 201);
    let again = store
        .run_once(
            &request(user, "k-1", "{}"),
            create_company(&companies, "Once OSGB", 201),
        )
        .await;
    assert_eq!(again, Ok(Idempotent::Replayed(response)));
    assert_eq!(companies_named(db.connection(), "Once OSGB").await, 1);

    let reused = store
        .run_once(
            &request(user, "k-1", "{\"other\":1}"),
            create_company(&companies, "Twice OSGB", 201),
        )
        .await;
    assert_eq!(reused, Ok(Idempotent::KeyReused));
    let other_caller = store
        .run_once(
            &request(UserId::new_v7(), "k-1", "{}"),
            create_company(&companies, "Theirs OSGB", 201),
        )
        .await
        .unwrap();
    assert!(
        matches!(other_caller, Idempotent::Executed(_)),
        "keys are per caller"
    );
    assert_eq!(companies_named(db.connection(), "Twice OSGB").await, 0);
    assert_eq!(companies_named(db.connection(), "Theirs OSGB").await, 1);
}

#[tokio::test]
async fn a_failure_stores_nothing_and_its_effects_roll_back() {
    let db = database().await;
    let store = PgIdempotencyStore::new(db.connection().clone());
    let companies = Arc::new(PgCompanyRepository::new(db.connection().clone()));
    let user = UserId::new_v7();

    let failed = store
        .run_once(
            &request(user, "k-2", "{}"),
            create_company(&companies, "Rolled Back OSGB", 422),
        )
        .await
        .unwrap();
    assert!(matches!(
        failed,
        Idempotent::Executed(StoredResponse { status: 422, .. })
    ));
    assert_eq!(
        companies_named(db.connection(), "Rolled Back OSGB").await,
        0
    );
    let records: i64 = scalar(db.connection(), "SELECT count(*) FROM idempotency_keys").await;
    assert_eq!(records, 0);
    // Retrying the failed request runs it again.
    let retried = store
        .run_once(
            &request(user, "k-2", "{}"),
            create_company(&companies, "Rolled Back OSGB", 201),
        )
        .await
        .unwrap();
    assert!(matches!(
        retried,
        Idempotent::Executed(StoredResponse { status: 201, .. })
    ));
    assert_eq!(
        companies_named(db.connection(), "Rolled Back OSGB").await,
        1
    );
}

#[tokio::test]
async fn a_failed_request_frees_its_key_before_it_answers() {
    let db = database().await;
    let store = PgIdempotencyStore::new(db.connection().clone());
    let companies = Arc::new(PgCompanyRepository::new(db.connection().clone()));
    let user = UserId::new_v7();

    // The retry follows the failure at once, with nothing in between: many times, since a key
    // freed only after the answer loses this race some of the time, not every time.
    for attempt in 0..40 {
        let key = format!("freed-{attempt}");
        for status in [422, 500] {
            let outcome = store
                .run_once(
                    &request(user, &key, "{}"),
                    create_company(&companies, "Failing OSGB", status),
                )
                .await
                .unwrap();
            assert!(
                matches!(outcome, Idempotent::Executed(StoredResponse { status: got, .. }) if got == status),
                "attempt {attempt}: the retry of a failure runs again"
            );
        }
    }
    assert_eq!(companies_named(db.connection(), "Failing OSGB").await, 0);
}

#[tokio::test]
async fn a_key_in_use_answers_at_once_and_the_first_request_still_completes() {
    let db = database().await;
    let store = Arc::new(PgIdempotencyStore::new(db.connection().clone()));
    let companies = Arc::new(PgCompanyRepository::new(db.connection().clone()));
    let user = UserId::new_v7();
    let (release, released) = oneshot::channel::<()>();
    let (started, has_started) = oneshot::channel::<()>();
    let slow_work = {
        let create = create_company(&companies, "Slow OSGB", 201);
        Box::pin(async move {
            let _ = started.send(());
            let _ = released.await;
            create.await
        })
    };
    let first = tokio::spawn({
        let store = Arc::clone(&store);
        async move { store.run_once(&request(user, "k-3", "{}"), slow_work).await }
    });
    has_started.await.unwrap();

    let second = store
        .run_once(
            &request(user, "k-3", "{}"),
            create_company(&companies, "Slow OSGB", 201),
        )
        .await;
    assert_eq!(second, Ok(Idempotent::InProgress));
    release.send(()).unwrap();
    assert!(matches!(first.await.unwrap(), Ok(Idempotent::Executed(_))));
    assert_eq!(companies_named(db.connection(), "Slow OSGB").await, 1);
}

#[tokio::test]
async fn records_past_the_window_are_forgotten_and_purged() {
    let db = database().await;
    let store = PgIdempotencyStore::new(db.connection().clone());
    let companies = Arc::new(PgCompanyRepository::new(db.connection().clone()));
    let user = UserId::new_v7();
    store
        .run_once(
            &request(user, "k-4", "{}"),
            create_company(&companies, "Old OSGB", 201),
        )
        .await
        .unwrap();
    crate::support::exec(
        db.connection(),
        "UPDATE idempotency_keys SET created_at = now() - interval '25 hours'",
    )
    .await;

    let afresh = store
        .run_once(
            &request(user, "k-4", "{}"),
            create_company(&companies, "Old OSGB", 201),
        )
        .await
        .unwrap();
    assert!(
        matches!(afresh, Idempotent::Executed(_)),
        "the key may be used afresh"
    );
    crate::support::exec(
        db.connection(),
        "UPDATE idempotency_keys SET created_at = now() - interval '25 hours'",
    )
    .await;
    assert_eq!(
        store.purge_expired(Utc::now() - Duration::hours(24)).await,
        Ok(1)
    );
    let records: i64 = scalar(db.connection(), "SELECT count(*) FROM idempotency_keys").await;
    assert_eq!(records, 0);
}
