//! `PgConnectionScope`: the statements of work run in a scope share one connection, held until
//! the work ends; a transaction inside gives it back first (a scope never holds two); a
//! connection that broke is not kept.

use std::time::Duration;

use prosektor_application::{Intent, RepositoryError, UserRepository};
use prosektor_domain::UserId;
use prosektor_persistence::{PgUserRepository, PoolSettings, connections_handed_out};
use prosektor_testkit::TestDatabase;
use sea_orm::DatabaseConnection;

use crate::support::{client, company, database, exec, in_request};

/// A pool of at most `max_connections` on `db`, named `name`, that waits half a second for one.
async fn pool(db: &TestDatabase, max_connections: u32, name: &str) -> DatabaseConnection {
    let settings = PoolSettings {
        max_connections,
        acquire_timeout: Duration::from_millis(500),
        application_name: Some(name.to_owned()),
        ..PoolSettings::default()
    };
    prosektor_persistence::connect(db.url(), &settings)
        .await
        .expect("a pool")
}

#[tokio::test]
async fn statements_in_a_scope_take_one_connection_and_hold_it_to_the_end() {
    let db = database().await;
    let pool = pool(&db, 4, "held-one").await;
    let users = PgUserRepository::new(pool.clone());
    let sqlx_pool = pool.get_postgres_connection_pool().clone();
    let (taken, busy_inside) = in_request(pool.clone(), Intent::Read, async {
        let before = connections_handed_out();
        for _ in 0..5 {
            let missing = users.get_session(UserId::new_v7()).await;
            assert_eq!(missing.err(), Some(RepositoryError::NotFound));
        }
        // Held between statements: not back in the pool.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let busy = sqlx_pool.size() as usize - sqlx_pool.num_idle();
        (connections_handed_out() - before, busy)
    })
    .await;
    assert_eq!(taken, 1, "five statements, one checkout");
    assert_eq!(
        busy_inside, 1,
        "the scope holds its connection between statements"
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        sqlx_pool.num_idle(),
        sqlx_pool.size() as usize,
        "given back when the work ends"
    );

    // Outside a scope, each statement takes its own.
    let before = connections_handed_out();
    for _ in 0..5 {
        let _ = users.get_session(UserId::new_v7()).await;
    }
    assert_eq!(connections_handed_out() - before, 5);
}

#[tokio::test]
async fn a_transaction_in_a_scope_gives_the_held_connection_back_first() {
    let db = database().await;
    // One connection: a transaction waiting for a second would time out.
    let pool = pool(&db, 1, "held-transaction").await;
    let users = PgUserRepository::new(pool.clone());
    let company = company(&pool, "Kapsam OSGB").await;
    let (user, profile) = client(company, "kapsam@example.com");
    let read_back = in_request(pool.clone(), Intent::Read, async {
        assert_eq!(
            users.get_session(user.id()).await.err(),
            Some(RepositoryError::NotFound)
        );
        // Creating a user and its profile is one transaction.
        users.create(&user, &profile).await.expect("created");
        users.get_session(user.id()).await
    })
    .await;
    assert_eq!(read_back.expect("read after the write").user, user);
}

#[tokio::test]
async fn a_connection_that_broke_is_replaced_not_kept() {
    let db = database().await;
    let pool = pool(&db, 2, "held-broken").await;
    let users = PgUserRepository::new(pool.clone());
    let (broken, after) = in_request(pool.clone(), Intent::Read, async {
        assert_eq!(
            users.get_session(UserId::new_v7()).await.err(),
            Some(RepositoryError::NotFound)
        );
        exec(
            db.connection(),
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'held-broken'",
        )
        .await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        let broken = users.get_session(UserId::new_v7()).await;
        let after = users.get_session(UserId::new_v7()).await;
        (broken, after)
    })
    .await;
    assert!(
        matches!(broken, Err(RepositoryError::Unavailable(_))),
        "the statement on the broken connection: {broken:?}"
    );
    assert_eq!(
        after.err(),
        Some(RepositoryError::NotFound),
        "the next statement runs on a fresh connection"
    );
}
