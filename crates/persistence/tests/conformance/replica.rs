//! Reads routed to a streaming replica (`DatabasePools::with_replica`), on a real primary and
//! `pg_basebackup` standby of the test's own: reads that tolerate staleness go to the replica
//! while it is fresh enough; to the primary when it lags past the bound, when it is stopped or
//! frozen, outside a read request, and for a caller whose own write it has not replayed yet.

use std::time::{Duration, Instant};

use prosektor_application::{CompanyRepository, Intent, PageRequest, UserRepository};
use prosektor_domain::SearchText;
use prosektor_persistence::{
    DatabasePools, PgCompanyRepository, PgUserRepository, PoolSettings, ReplicaSettings,
};
use prosektor_testkit::{ControlledCluster, PostgresServer, TestDatabase};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

use crate::support::{client, company, exec, in_request};

/// A primary with a migrated database, its streaming replica, and pools over both.
struct Replicated {
    // Dropped in this order: pools first, then the database, the replica and the primary.
    primary_pool: DatabaseConnection,
    replica_pool: DatabaseConnection,
    settings: PoolSettings,
    _database: TestDatabase,
    replica: ControlledCluster,
    _primary: ControlledCluster,
}

impl Replicated {
    async fn start() -> Self {
        let primary = ControlledCluster::start().await.expect("a primary");
        let replica = primary.streaming_replica().await.expect("a replica");
        let database = PostgresServer::at(&primary.url("postgres"))
            .expect("the primary's URL")
            .migrated_database()
            .await
            .expect("a database on the primary");
        let settings = PoolSettings {
            max_connections: 4,
            acquire_timeout: Duration::from_millis(500),
            ..PoolSettings::default()
        };
        let primary_pool = prosektor_persistence::connect(database.url(), &settings)
            .await
            .expect("the primary's pool");
        let replica_settings = PoolSettings {
            lazy: true,
            ..settings.clone()
        };
        let replica_pool =
            prosektor_persistence::connect(&replica.url(database.name()), &replica_settings)
                .await
                .expect("the replica's pool");
        Self {
            primary_pool,
            replica_pool,
            settings,
            _database: database,
            replica,
            _primary: primary,
        }
    }

    /// Pools sending reads to the replica while it lags at most `max_lag`.
    fn pools(&self, max_lag: Duration) -> DatabasePools {
        DatabasePools::from(self.primary_pool.clone()).with_replica(
            self.replica_pool.clone(),
            &self.settings,
            ReplicaSettings { max_lag },
        )
    }

    /// Waits until `pools` know their replica to be fresh (its sampler has seen it replay the
    /// primary), so that what a test pauses or freezes next is a replica reads go to.
    async fn until_fresh(&self, pools: &DatabasePools) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while pools
            .replica_staleness()
            .is_none_or(|staleness| staleness > Duration::from_millis(500))
        {
            assert!(Instant::now() < deadline, "the replica never became fresh");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Runs `sql` on the replica (to pause or resume its replay).
    async fn on_replica(&self, sql: &str) {
        exec(&self.replica_pool, sql).await;
    }

    /// Waits until the replica itself holds `rows` rows of `table` (the database itself may
    /// not have reached it yet).
    async fn until_replayed(&self, table: &str, rows: i64) {
        let deadline = Instant::now() + Duration::from_secs(10);
        let count =
            Statement::from_string(DbBackend::Postgres, format!("SELECT count(*) FROM {table}"));
        loop {
            let replayed = self
                .replica_pool
                .query_one_raw(count.clone())
                .await
                .ok()
                .flatten()
                .and_then(|row| row.try_get_by_index::<i64>(0).ok());
            if replayed.is_some_and(|replayed| replayed >= rows) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the replica never replayed {table}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// How many companies a search for `text` finds through `companies`.
async fn found(companies: &PgCompanyRepository, text: &str) -> usize {
    companies
        .search(
            &SearchText::parse(text).unwrap(),
            &PageRequest::new(100, None).unwrap(),
        )
        .await
        .expect("a search")
        .items
        .len()
}

/// Waits until a read request over `pools` finds `text` `expected` times (the replica caught up).
async fn until_found(pools: &DatabasePools, text: &str, expected: usize) {
    let companies = PgCompanyRepository::new(pools.clone());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if in_request(pools.clone(), Intent::Read, found(&companies, text)).await == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{text} was never found {expected} times"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn stale_reads_go_to_a_fresh_replica_and_to_the_primary_once_it_lags_past_the_bound() {
    let cluster = Replicated::start().await;
    let patient = cluster.pools(Duration::from_secs(60));
    let strict = cluster.pools(Duration::from_millis(300));
    company(&cluster.primary_pool, "Replika Bir OSGB").await;
    cluster.until_replayed("companies", 1).await;
    cluster.until_fresh(&patient).await;
    cluster.until_fresh(&strict).await;

    cluster.on_replica("SELECT pg_wal_replay_pause()").await;
    company(&cluster.primary_pool, "Replika Iki OSGB").await;
    tokio::time::sleep(Duration::from_millis(600)).await;

    let patient_companies = PgCompanyRepository::new(patient.clone());
    let strict_companies = PgCompanyRepository::new(strict.clone());
    // Within its bound, the paused replica serves the read: the second company is not there.
    let on_replica = in_request(
        patient.clone(),
        Intent::Read,
        found(&patient_companies, "Replika"),
    );
    assert_eq!(on_replica.await, 1);
    // Past its bound, the same read goes to the primary.
    let past_bound = in_request(
        strict.clone(),
        Intent::Read,
        found(&strict_companies, "Replika"),
    );
    assert_eq!(past_bound.await, 2);
    // Outside a read request (a write's, or none at all), reads are the primary's.
    let in_write = in_request(
        patient.clone(),
        Intent::Write,
        found(&patient_companies, "Replika"),
    );
    assert_eq!(in_write.await, 2);
    assert_eq!(found(&patient_companies, "Replika").await, 2);

    cluster.on_replica("SELECT pg_wal_replay_resume()").await;
    until_found(&strict, "Replika", 2).await;
}

#[tokio::test]
async fn a_caller_reads_their_own_write_while_the_replica_has_not_replayed_it() {
    let cluster = Replicated::start().await;
    let pools = cluster.pools(Duration::from_secs(60));
    let firm = company(&cluster.primary_pool, "Kendi OSGB").await;
    let users = PgUserRepository::new(pools.clone());
    let companies = PgCompanyRepository::new(pools.clone());
    let (writer, writer_profile) = client(firm, "yazan@example.com");
    let (other, other_profile) = client(firm, "okuyan@example.com");
    users.create(&writer, &writer_profile).await.unwrap();
    users.create(&other, &other_profile).await.unwrap();
    cluster.until_replayed("users", 2).await;
    cluster.until_fresh(&pools).await;
    cluster.on_replica("SELECT pg_wal_replay_pause()").await;

    // The writer's request: the session check notes them, the write goes to the primary, and the
    // scope records when they wrote.
    in_request(pools.clone(), Intent::Write, async {
        users.get_session(writer.id()).await.unwrap();
        company(&cluster.primary_pool, "Kendi Yeni OSGB").await;
    })
    .await;

    let reads_as = |user| {
        let (users, companies) = (&users, &companies);
        in_request(pools.clone(), Intent::Read, async move {
            users.get_session(user).await.unwrap();
            found(companies, "Kendi").await
        })
    };
    assert_eq!(
        reads_as(writer.id()).await,
        2,
        "the writer sees their write"
    );
    assert_eq!(
        reads_as(other.id()).await,
        1,
        "another caller reads the paused replica"
    );

    cluster.on_replica("SELECT pg_wal_replay_resume()").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while reads_as(other.id()).await != 2 {
        assert!(Instant::now() < deadline, "the replica never caught up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_stopped_or_frozen_replica_sends_reads_to_the_primary_within_the_bound() {
    let cluster = Replicated::start().await;
    let pools = cluster.pools(Duration::from_secs(60));
    let companies = PgCompanyRepository::new(pools.clone());
    company(&cluster.primary_pool, "Durgun OSGB").await;
    cluster.until_replayed("companies", 1).await;
    cluster.until_fresh(&pools).await;

    cluster.replica.freeze().await.expect("freeze the replica");
    company(&cluster.primary_pool, "Durgun Iki OSGB").await;
    let started = Instant::now();
    let frozen = in_request(pools.clone(), Intent::Read, found(&companies, "Durgun")).await;
    assert_eq!(frozen, 2, "answered by the primary");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    cluster.replica.thaw().await.expect("thaw the replica");

    cluster.replica.stop().await.expect("stop the replica");
    for _ in 0..3 {
        let started = Instant::now();
        let stopped = in_request(pools.clone(), Intent::Read, found(&companies, "Durgun")).await;
        assert_eq!(stopped, 2);
        assert!(started.elapsed() < Duration::from_secs(2));
    }
    cluster
        .replica
        .start_again()
        .await
        .expect("start the replica");
    until_found(&pools, "Durgun", 2).await;
}
