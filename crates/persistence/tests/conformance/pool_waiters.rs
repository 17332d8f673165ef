//! `connection_waiters`: a repository call counts from the call until the pool hands it a
//! connection (an idle one it reuses or one it opens), and no longer once it has one or gave up.
//! The count is the process's: nextest runs each test in a process of its own.

use std::time::Duration;

use prosektor_application::{
    RepositoryError, Throttle, ThrottleDecision, ThrottleKey, ThrottleRule,
};
use prosektor_domain::Email;
use prosektor_persistence::{PgThrottle, PoolSettings, connection_waiters};
use prosektor_testkit::TestDatabase;
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use tokio::task::JoinHandle;

use crate::support::{database, now, scalar};

const RULE: ThrottleRule = ThrottleRule {
    max_attempts: 100,
    window: Duration::from_secs(60),
};

/// A pool of `max_connections` on `db` that gives up waiting after `acquire_timeout`.
async fn pool(
    db: &TestDatabase,
    max_connections: u32,
    acquire_timeout: Duration,
) -> DatabaseConnection {
    let settings = PoolSettings {
        max_connections,
        acquire_timeout,
        ..PoolSettings::default()
    };
    prosektor_persistence::connect(db.url(), &settings)
        .await
        .expect("a pool")
}

type Reserved = Result<ThrottleDecision, RepositoryError>;

/// A login attempt of `account` reserved through `pool`.
fn reserve(pool: &DatabaseConnection, account: usize) -> impl Future<Output = Reserved> + use<> {
    let throttle = PgThrottle::new(pool.clone());
    let email = Email::parse(&format!("user{account}@example.com")).unwrap();
    let key = ThrottleKey::account(&email);
    async move { throttle.reserve(&[(key, RULE)], now()).await }
}

/// `reserve` in a task of its own.
fn spawn_reserve(pool: &DatabaseConnection, account: usize) -> JoinHandle<Reserved> {
    tokio::spawn(reserve(pool, account))
}

/// Waits (at most 5 s) until `condition` holds.
async fn until(what: &str, mut condition: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !condition().await {
        assert!(tokio::time::Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn callers_count_while_the_pool_has_no_connection_for_them() {
    let db = database().await;
    let pool = pool(&db, 1, Duration::from_secs(5)).await;
    let holder = pool.begin().await.expect("the pool's only connection");
    let calls: Vec<_> = (0..3)
        .map(|account| spawn_reserve(&pool, account))
        .collect();
    until("three callers wait", async || connection_waiters() == 3).await;
    holder.rollback().await.unwrap();
    for call in calls {
        assert_eq!(call.await.unwrap(), Ok(ThrottleDecision::Allowed));
    }
    assert_eq!(connection_waiters(), 0);
}

#[tokio::test]
async fn a_caller_holding_a_connection_is_not_waiting_for_one() {
    let db = database().await;
    // Connecting leaves one idle connection: the first call reuses it, the second opens one.
    let pool = pool(&db, 2, Duration::from_secs(5)).await;
    let locker = db.connection().begin().await.unwrap();
    locker
        .execute_unprepared("LOCK TABLE throttle_counters IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let calls: Vec<_> = (0..2)
        .map(|account| spawn_reserve(&pool, account))
        .collect();
    let blocked = format!(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = '{}' AND wait_event_type = 'Lock'",
        db.name()
    );
    until(
        "both calls hold a connection, blocked on the lock",
        async || scalar::<i64>(db.connection(), &blocked).await == 2,
    )
    .await;
    assert_eq!(connection_waiters(), 0);
    locker.rollback().await.unwrap();
    for call in calls {
        assert_eq!(call.await.unwrap(), Ok(ThrottleDecision::Allowed));
    }
}

#[tokio::test]
async fn a_wait_that_ends_without_a_connection_stops_counting() {
    let db = database().await;
    let pool = pool(&db, 1, Duration::from_millis(300)).await;
    let holder = pool.begin().await.expect("the pool's only connection");
    // The pool gives up on one caller; another caller's request is abandoned while it waits.
    assert!(reserve(&pool, 0).await.is_err());
    let abandoned = tokio::time::timeout(Duration::from_millis(100), reserve(&pool, 1)).await;
    assert!(abandoned.is_err());
    assert_eq!(connection_waiters(), 0);
    holder.rollback().await.unwrap();
}
