//! `PgConnectionScope`: the statements of work run in a scope share one connection, held until
//! the work ends; a transaction inside gives it back first (a scope never holds two); a
//! connection that broke is not kept. When a holder ends, its connection waits on the pool's
//! shelf for the next statement, without the pool's check: never while someone else needs it,
//! never after it idled long enough to need the check, never past the pools' closing. Work beside
//! a request takes a shelved connection if one is there, or else shares the request's.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use prosektor_application::{Intent, RepositoryError, UserRepository};
use prosektor_domain::UserId;
use prosektor_persistence::{
    PgUserRepository, PoolSettings, connections_handed_out, connections_reused,
};
use prosektor_testkit::TestDatabase;
use sea_orm::DatabaseConnection;

use crate::support::{client, company, database, exec, in_request, scalar};

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
}

#[tokio::test]
async fn the_next_request_takes_the_shelved_connection_without_a_checkout() {
    let db = database().await;
    let pool = pool(&db, 4, "shelf-next").await;
    let users = PgUserRepository::new(pool.clone());
    let sqlx_pool = pool.get_postgres_connection_pool().clone();
    let read = || async {
        in_request(pool.clone(), Intent::Read, async {
            users.get_session(UserId::new_v7()).await.err()
        })
        .await
    };
    assert_eq!(read().await, Some(RepositoryError::NotFound));
    assert_eq!(
        sqlx_pool.num_idle(),
        0,
        "on the shelf, not back in the pool (which would check it with a round trip)"
    );
    let before = connections_handed_out();
    for _ in 0..5 {
        assert_eq!(read().await, Some(RepositoryError::NotFound));
        // Statements outside a scope shelve theirs too.
        let _ = users.get_session(UserId::new_v7()).await;
    }
    assert_eq!(connections_handed_out() - before, 0, "no checkout at all");
    assert_eq!(sqlx_pool.size(), 1, "one connection served them all");
}

#[tokio::test]
async fn a_connection_shelved_longer_than_the_idle_check_goes_back_to_the_pool_first() {
    let db = database().await;
    let pool = pool(&db, 4, "shelf-idle").await;
    let users = PgUserRepository::new(pool.clone());
    let _ = users.get_session(UserId::new_v7()).await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    let before = connections_handed_out();
    assert_eq!(
        users.get_session(UserId::new_v7()).await.err(),
        Some(RepositoryError::NotFound)
    );
    assert_eq!(
        connections_handed_out() - before,
        1,
        "taken from the pool, which checks a connection idle that long"
    );
}

#[tokio::test]
async fn a_shelved_connection_the_server_ended_is_not_used_once_it_idled() {
    let db = database().await;
    let pool = pool(&db, 2, "shelf-ended").await;
    let users = PgUserRepository::new(pool.clone());
    let _ = users.get_session(UserId::new_v7()).await;
    exec(
        db.connection(),
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'shelf-ended'",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(
        users.get_session(UserId::new_v7()).await.err(),
        Some(RepositoryError::NotFound),
        "served on a connection the pool checked"
    );
}

#[tokio::test]
async fn a_pool_of_one_serves_every_shelf_and_transaction_over_it() {
    let db = database().await;
    // One connection, half a second to get it: a shelf keeping it would fail the others.
    let pool = pool(&db, 1, "shelf-one").await;
    // Two repositories built from the pool: each has a shelf of its own.
    let users = PgUserRepository::new(pool.clone());
    let others = PgUserRepository::new(pool.clone());
    let company = company(&pool, "Raf OSGB").await;
    let _ = users.get_session(UserId::new_v7()).await;
    assert_eq!(
        others.get_session(UserId::new_v7()).await.err(),
        Some(RepositoryError::NotFound),
        "the other shelf's connection was given back for this one"
    );
    let (user, profile) = client(company, "raf@example.com");
    users
        .create(&user, &profile)
        .await
        .expect("a transaction gets the connection the shelf held");
    assert_eq!(
        others.get_session(user.id()).await.expect("read").user,
        user
    );
}

#[tokio::test]
async fn concurrent_callers_on_a_small_pool_with_several_shelves_never_starve() {
    let db = database().await;
    let pool = pool(&db, 2, "shelf-race").await;
    let repositories: Vec<PgUserRepository> = (0..3)
        .map(|_| PgUserRepository::new(pool.clone()))
        .collect();
    let company = company(&pool, "Yarış OSGB").await;
    let callers = (0..8).map(|caller| {
        let users = repositories[caller % 3].clone();
        let pool = pool.clone();
        tokio::spawn(async move {
            let mut failures = Vec::new();
            for round in 0..40 {
                let outcome = if round % 10 == caller % 10 {
                    let (user, profile) =
                        client(company, &format!("r{caller}-{round}@example.com"));
                    users.create(&user, &profile).await.err()
                } else if round % 2 == 0 {
                    in_request(pool.clone(), Intent::Read, async {
                        users.get_session(UserId::new_v7()).await.err()
                    })
                    .await
                    .filter(|error| *error != RepositoryError::NotFound)
                } else {
                    users
                        .get_session(UserId::new_v7())
                        .await
                        .err()
                        .filter(|error| *error != RepositoryError::NotFound)
                };
                failures.extend(outcome);
            }
            failures
        })
    });
    for caller in futures::future::join_all(callers).await {
        assert_eq!(caller.expect("caller"), vec![]);
    }
}

/// A database (kept until the test ends), a pool of `size` connections named `name` on it, the
/// users read through that pool and the connection scope of the requests on it: what the tests
/// of work beside a request start from.
async fn beside_a_request(
    size: u32,
    name: &str,
) -> (
    TestDatabase,
    prosektor_persistence::DatabasePools,
    PgUserRepository,
    prosektor_persistence::PgConnectionScope,
) {
    let db = database().await;
    let pools = prosektor_persistence::DatabasePools::from(pool(&db, size, name).await);
    let users = PgUserRepository::new(pools.clone());
    let scope = prosektor_persistence::PgConnectionScope::new(pools.clone());
    (db, pools, users, scope)
}

/// Runs two read requests at once, each reading a session that does not exist, so that both
/// their connections end on the shelf.
async fn shelve_two(pools: &prosektor_persistence::DatabasePools, users: &PgUserRepository) {
    let hold = || {
        in_request(pools.clone(), Intent::Read, async {
            let missed = users.get_session(UserId::new_v7()).await.err();
            tokio::time::sleep(Duration::from_millis(20)).await;
            missed
        })
    };
    let (first, second) = tokio::join!(hold(), hold());
    assert_eq!(first, Some(RepositoryError::NotFound));
    assert_eq!(second, Some(RepositoryError::NotFound));
    assert_eq!(pools.shelved_connections(), 2);
}

#[tokio::test]
async fn work_beside_a_request_takes_a_shelved_connection_or_else_shares_the_requests() {
    use prosektor_application::ConnectionScope;

    let (_db, pools, users, scope) = beside_a_request(4, "beside").await;
    let missing = || async { users.get_session(UserId::new_v7()).await.err() };
    let shelf = &pools;
    shelve_two(&pools, &users).await;

    // The request takes one; the work beside it the other, and gives it back when it ends.
    let shelved = in_request(pools.clone(), Intent::Read, async {
        assert_eq!(missing().await, Some(RepositoryError::NotFound));
        let mut beside = None;
        let seen = &mut beside;
        scope
            .run_beside(Box::pin(async move {
                let missed = missing().await;
                *seen = Some((missed, shelf.shelved_connections()));
            }))
            .await;
        (beside, pools.shelved_connections())
    })
    .await;
    assert_eq!(
        shelved,
        (Some((Some(RepositoryError::NotFound), 0)), 1),
        "beside the request on the shelf's second connection, back on the shelf after"
    );

    // With the shelf empty (its connections idled past the check and went back to the pool), it
    // shares the request's connection and asks the pool for one more, which the next work beside
    // a request finds on the shelf.
    tokio::time::sleep(Duration::from_millis(150)).await;
    let shelved = in_request(pools.clone(), Intent::Read, async {
        assert_eq!(missing().await, Some(RepositoryError::NotFound));
        assert_eq!(pools.shelved_connections(), 0);
        let before = connections_handed_out();
        scope
            .run_beside(Box::pin(async {
                assert_eq!(missing().await, Some(RepositoryError::NotFound));
            }))
            .await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        (
            connections_handed_out() - before,
            pools.shelved_connections(),
        )
    })
    .await;
    assert_eq!(
        shelved,
        (1, 1),
        "one checkout only, the background's: the work beside shared the request's connection; \
         the pool's connection, asked for in the background"
    );
}

#[tokio::test]
async fn work_beside_a_request_on_a_pool_of_one_shares_the_requests_connection() {
    use prosektor_application::ConnectionScope;

    let (_db, pools, users, scope) = beside_a_request(1, "beside-one").await;
    let missing = || async { users.get_session(UserId::new_v7()).await.err() };
    for _ in 0..3 {
        let beside = in_request(pools.clone(), Intent::Read, async {
            assert_eq!(missing().await, Some(RepositoryError::NotFound));
            let mut beside = None;
            let seen = &mut beside;
            scope
                .run_beside(Box::pin(async move {
                    *seen = Some(missing().await);
                }))
                .await;
            beside
        })
        .await;
        // Waiting for the pool instead would time out: the request holds its only connection.
        assert_eq!(beside, Some(Some(RepositoryError::NotFound)));
    }
}

#[tokio::test]
async fn work_beside_a_request_is_offered_only_while_two_connections_are_to_be_had() {
    use prosektor_application::ConnectionScope;

    let (_db, pools, users, scope) = beside_a_request(2, "beside-two").await;
    let missing = || async { users.get_session(UserId::new_v7()).await.err() };
    assert!(scope.runs_beside(), "the pool may open both");
    shelve_two(&pools, &users).await;
    assert!(scope.runs_beside(), "both shelved");
    // One request holds a connection, the other is shelved: a read starting now would take the
    // shelved one, and the work beside it could only share it.
    let offered = in_request(pools.clone(), Intent::Read, async {
        let missed = missing().await;
        (missed, pools.shelved_connections(), scope.runs_beside())
    })
    .await;
    assert_eq!(offered, (Some(RepositoryError::NotFound), 1, false));
    assert!(scope.runs_beside(), "both shelved again");
}

#[tokio::test]
async fn closing_the_pools_gives_the_shelved_connections_back_first() {
    let db = database().await;
    let pools = prosektor_persistence::DatabasePools::from(pool(&db, 2, "shelf-close").await);
    let users = PgUserRepository::new(pools.clone());
    let _ = users.get_session(UserId::new_v7()).await;
    tokio::time::timeout(Duration::from_secs(2), pools.close())
        .await
        .expect("closed without waiting for the shelved connection")
        .expect("closed");
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

/// One read request of two statements with `pause` between them (so that other callers run
/// meanwhile); its first error other than `NotFound`, if any.
async fn read_twice(
    pool: &DatabaseConnection,
    users: &PgUserRepository,
    pause: impl std::future::Future<Output = ()> + Send,
) -> Option<RepositoryError> {
    in_request(pool.clone(), Intent::Read, async {
        let first = users.get_session(UserId::new_v7()).await.err();
        pause.await;
        first.or(users.get_session(UserId::new_v7()).await.err())
    })
    .await
    .filter(|error| *error != RepositoryError::NotFound)
}

#[tokio::test]
async fn with_more_callers_than_connections_a_finished_request_hands_its_connection_on() {
    let db = database().await;
    let pool = pool(&db, 2, "shelf-handover").await;
    let users = PgUserRepository::new(pool.clone());
    let requests_per_caller = 20;
    let callers = 12;
    let before = (connections_handed_out(), connections_reused());
    let outcomes = (0..callers).map(|_| {
        let (users, pool) = (users.clone(), pool.clone());
        tokio::spawn(async move {
            let mut failures = Vec::new();
            for _ in 0..requests_per_caller {
                // A statement's wait lets the other callers queue for a connection.
                failures.extend(read_twice(&pool, &users, tokio::task::yield_now()).await);
            }
            failures
        })
    });
    for caller in futures::future::join_all(outcomes).await {
        assert_eq!(caller.expect("caller"), vec![]);
    }
    let checkouts = connections_handed_out() - before.0;
    let requests = u64::try_from(callers * requests_per_caller).expect("small");
    // Without hand-overs every request takes its connection from the pool; with them, only the
    // first ones and those the pool served first in a race: about a tenth at worst with the test
    // alone, a third once while the whole suite ran beside it on two cores (a caller descheduled
    // past the shelf's idle bound, or finding a connection idle in the pool, goes to the pool).
    assert!(
        checkouts * 2 <= requests,
        "{checkouts} checkouts for {requests} requests on a pool of two: a waiting request \
         should be handed the connection of one that ended, without the pool's check"
    );
    assert!(connections_reused() - before.1 >= requests - checkouts);
}

#[tokio::test]
async fn a_transaction_waiting_for_the_pool_is_not_starved_by_handed_over_reads() {
    let db = database().await;
    let pool = pool(&db, 2, "shelf-fair").await;
    let users = PgUserRepository::new(pool.clone());
    let company = company(&pool, "Adil OSGB").await;
    let reading = Arc::new(AtomicBool::new(true));
    let readers: Vec<_> = (0..8)
        .map(|_| {
            let (users, pool, reading) = (users.clone(), pool.clone(), reading.clone());
            tokio::spawn(async move {
                while reading.load(Ordering::Relaxed) {
                    let _ = read_twice(&pool, &users, tokio::task::yield_now()).await;
                }
            })
        })
        .collect();
    // The readers keep both connections busy and always have someone queued for them.
    tokio::time::sleep(Duration::from_millis(100)).await;
    for round in 0..5 {
        let (user, profile) = client(company, &format!("adil{round}@example.com"));
        users
            .create(&user, &profile)
            .await
            .expect("the transaction got a connection within the pool's half second");
    }
    reading.store(false, Ordering::Relaxed);
    for reader in readers {
        reader.await.expect("reader");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_connections_to_spare_no_caller_starts_a_session_it_then_abandons() {
    let db = database().await;
    let pool = pool(&db, 16, "shelf-spare").await;
    let users = PgUserRepository::new(pool.clone());
    // Eight callers on a pool of up to sixteen, coming and going: now and then one finds every
    // open connection held while the pool could open another.
    let callers = (0..8_u64).map(|caller| {
        let (users, pool) = (users.clone(), pool.clone());
        tokio::spawn(async move {
            for round in 0..40 {
                let pause = tokio::time::sleep(Duration::from_micros(500));
                let _ = read_twice(&pool, &users, pause).await;
                tokio::time::sleep(Duration::from_micros((caller + round) % 4 * 300)).await;
            }
        })
    });
    for caller in futures::future::join_all(callers).await {
        caller.expect("caller");
    }
    drop(users);
    pool.close().await.expect("closed");
    // Each session's backend reports itself when it ends.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let abandoned: i64 = scalar(
        db.connection(),
        "SELECT sessions_abandoned FROM pg_stat_database WHERE datname = current_database()",
    )
    .await;
    assert_eq!(
        abandoned, 0,
        "a caller queued for a connection while the pool could open one, then dropped the \
         session it was opening when another was handed over"
    );
}
