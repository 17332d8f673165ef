//! 32 concurrent registrations of one email address: exactly one wins, every other one is told the
//! email is taken, and one row is stored (the partial unique index `users_email_active_key`).

use prosektor_application::{Conflict, RepositoryError, UserRepository};
use prosektor_persistence::PgUserRepository;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::support;

const CONTENDERS: usize = 32;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_of_32_concurrent_registrations_wins() {
    let db = support::database().await;
    let pool = support::wide_pool(&db).await;
    let repo = PgUserRepository::new(pool.clone());
    let company = support::company(&pool, "Acme").await;

    let tasks: Vec<_> = (0..CONTENDERS)
        .map(|_| {
            let repo = repo.clone();
            let (user, profile) = support::client(company, "race@example.com");
            tokio::spawn(async move { repo.create(&user, &profile).await })
        })
        .collect();
    let outcomes: Vec<_> = futures::future::join_all(tasks)
        .await
        .into_iter()
        .map(|joined| joined.unwrap())
        .collect();

    let won = outcomes.iter().filter(|outcome| outcome.is_ok()).count();
    let taken = outcomes
        .iter()
        .filter(|outcome| **outcome == Err(RepositoryError::Conflict(Conflict::EmailTaken)))
        .count();
    assert_eq!((won, taken), (1, CONTENDERS - 1), "{outcomes:?}");

    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            let row = pool
                .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
                .await
                .unwrap()
                .unwrap();
            row.try_get::<i64>("", "n").unwrap()
        }
    };
    let users = count("SELECT count(*) AS n FROM users WHERE email = 'race@example.com'").await;
    assert_eq!(users, 1);
    let profiles = count("SELECT count(*) AS n FROM user_profiles").await;
    assert_eq!(profiles, 1, "the losers' profiles rolled back with them");
}
