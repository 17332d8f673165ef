//! `PgDailyStatsRepository`: atomic ingestion with breakdown merge, idempotent imports, inclusive
//! ordered ranges scoped through the project's company, company visitor sums, and mapping.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use prosektor_application::{DailyStatsRepository, RepositoryError, TenantScope};
use prosektor_domain::{
    Breakdown, DailyStats, DailyStatsParts, DateRange, DomainError, ProjectId, StatsId,
    StatsIncrement, ValidationReason,
};
use prosektor_persistence::PgDailyStatsRepository;

use crate::support::{company, database, exec, figures, project};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, d).unwrap()
}

fn range(from: u32, to: u32) -> DateRange {
    DateRange::new(day(from), day(to)).unwrap()
}

fn breakdown(entries: &[(&str, &str, u64)]) -> Breakdown {
    let mut map: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for &(dimension, key, count) in entries {
        map.entry(dimension.into())
            .or_default()
            .insert(key.into(), count);
    }
    Breakdown::new(map).unwrap()
}

fn increment(visitors: u32, page_views: u32, entries: &[(&str, &str, u64)]) -> StatsIncrement {
    StatsIncrement {
        visitors,
        page_views,
        breakdown: breakdown(entries),
    }
}

fn stats(
    project_id: ProjectId,
    date: NaiveDate,
    visitors: u32,
    entries: &[(&str, &str, u64)],
) -> DailyStats {
    DailyStats::from_parts(DailyStatsParts {
        id: StatsId::new_v7(),
        project_id,
        date,
        visitors,
        page_views: visitors * 3,
        breakdown: breakdown(entries),
    })
    .unwrap()
}

#[tokio::test]
async fn ingestion_adds_counters_and_merges_the_breakdown() {
    let db = database().await;
    let repo = PgDailyStatsRepository::new(db.connection().clone());
    let acme = company(db.connection(), "Acme OSGB").await;
    let site = project(db.connection(), acme).await;
    let first = StatsId::new_v7();
    repo.ingest(
        first,
        site,
        day(1),
        &increment(10, 30, &[("source", "google", 10)]),
    )
    .await
    .unwrap();
    repo.ingest(
        StatsId::new_v7(),
        site,
        day(1),
        &increment(
            5,
            7,
            &[
                ("source", "google", 1),
                ("source", "direct", 5),
                ("device", "mobile", 2),
            ],
        ),
    )
    .await
    .unwrap();
    repo.ingest(StatsId::new_v7(), site, day(1), &StatsIncrement::default())
        .await
        .unwrap();
    let rows = repo
        .range(TenantScope::All, site, range(1, 1))
        .await
        .unwrap();
    let expected = DailyStats::from_parts(DailyStatsParts {
        id: first,
        project_id: site,
        date: day(1),
        visitors: 15,
        page_views: 37,
        breakdown: breakdown(&[
            ("source", "google", 11),
            ("source", "direct", 5),
            ("device", "mobile", 2),
        ]),
    })
    .unwrap();
    assert_eq!(rows, [expected]);
    assert_eq!(
        repo.ingest(
            StatsId::new_v7(),
            ProjectId::new_v7(),
            day(1),
            &increment(1, 1, &[])
        )
        .await,
        Err(RepositoryError::NotFound)
    );
}

#[tokio::test]
async fn a_counter_past_int_is_an_error_and_nothing_wraps() {
    let db = database().await;
    let repo = PgDailyStatsRepository::new(db.connection().clone());
    let acme = company(db.connection(), "Acme OSGB").await;
    let site = project(db.connection(), acme).await;
    let near = i32::MAX as u32 - 1;
    repo.ingest(StatsId::new_v7(), site, day(2), &increment(near, 0, &[]))
        .await
        .unwrap();
    let over = repo
        .ingest(StatsId::new_v7(), site, day(2), &increment(2, 0, &[]))
        .await;
    assert_eq!(
        over,
        Err(RepositoryError::Rejected(DomainError::Overflow {
            field: "counter"
        }))
    );
    let too_big = repo
        .ingest(
            StatsId::new_v7(),
            site,
            day(3),
            &increment(u32::MAX, 0, &[]),
        )
        .await;
    assert_eq!(
        too_big,
        Err(RepositoryError::Rejected(DomainError::Overflow {
            field: "counter"
        }))
    );
    let rows = repo
        .range(TenantScope::All, site, range(1, 31))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].visitors(), near);
}

#[tokio::test]
async fn imports_replace_whole_days_idempotently() {
    let db = database().await;
    let repo = PgDailyStatsRepository::new(db.connection().clone());
    let acme = company(db.connection(), "Acme OSGB").await;
    let site = project(db.connection(), acme).await;
    repo.ingest(
        StatsId::new_v7(),
        site,
        day(2),
        &increment(99, 99, &[("source", "old", 9)]),
    )
    .await
    .unwrap();
    let days = vec![
        stats(site, day(1), 10, &[("source", "google", 4)]),
        stats(site, day(2), 20, &[]),
        stats(site, day(3), 30, &[("device", "desktop", 30)]),
    ];
    assert_eq!(repo.import_days(&days).await.unwrap(), 3);
    let once = repo
        .range(TenantScope::All, site, range(1, 3))
        .await
        .unwrap();
    assert_eq!(repo.import_days(&days).await.unwrap(), 3);
    let twice = repo
        .range(TenantScope::All, site, range(1, 3))
        .await
        .unwrap();
    assert_eq!(once, twice);
    let summary: Vec<(NaiveDate, u32, u32, Option<u64>)> = twice
        .iter()
        .map(|d| {
            (
                d.date(),
                d.visitors(),
                d.page_views(),
                d.breakdown().get("source", "old"),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (day(1), 10, 30, None),
            (day(2), 20, 60, None),
            (day(3), 30, 90, None)
        ]
    );
    assert_eq!(twice[2].breakdown().get("device", "desktop"), Some(30));
    assert_eq!(repo.import_days(&[]).await.unwrap(), 0);
    let ghost = stats(ProjectId::new_v7(), day(4), 1, &[]);
    assert_eq!(
        repo.import_days(&[stats(site, day(4), 1, &[]), ghost])
            .await,
        Err(RepositoryError::NotFound)
    );
    assert_eq!(
        repo.range(TenantScope::All, site, range(4, 4))
            .await
            .unwrap(),
        []
    );
}

#[tokio::test]
async fn ranges_are_inclusive_ordered_and_scoped() {
    let db = database().await;
    let repo = PgDailyStatsRepository::new(db.connection().clone());
    let acme = company(db.connection(), "Acme OSGB").await;
    let other = company(db.connection(), "Beta OSGB").await;
    let site = project(db.connection(), acme).await;
    let second = project(db.connection(), acme).await;
    let theirs = project(db.connection(), other).await;
    let days: Vec<DailyStats> = [9, 1, 5, 10, 4, 11]
        .iter()
        .map(|&d| stats(site, day(d), d, &[]))
        .chain([
            stats(second, day(5), 100, &[]),
            stats(theirs, day(5), 1000, &[]),
        ])
        .collect();
    repo.import_days(&days).await.unwrap();
    let dates: Vec<NaiveDate> = repo
        .range(TenantScope::Company(acme), site, range(4, 10))
        .await
        .unwrap()
        .iter()
        .map(DailyStats::date)
        .collect();
    assert_eq!(dates, [day(4), day(5), day(9), day(10)]);
    assert_eq!(
        repo.range(TenantScope::Company(other), site, range(1, 31))
            .await,
        Err(RepositoryError::NotFound)
    );
    assert_eq!(
        repo.range(TenantScope::All, ProjectId::new_v7(), range(1, 31))
            .await,
        Err(RepositoryError::NotFound)
    );
    // Days 4, 5, 9, 10 of `site` and day 5 of `second`; never another company's.
    let visitors = async |company, window: DateRange| {
        figures(db.connection(), company, window.end(), window)
            .await
            .visitors
    };
    assert_eq!(visitors(acme, range(4, 10)).await, 4 + 5 + 9 + 10 + 100);
    assert_eq!(visitors(other, range(1, 4)).await, 0);
}

#[tokio::test]
async fn a_row_the_domain_rejects_is_corrupt() {
    let db = database().await;
    let repo = PgDailyStatsRepository::new(db.connection().clone());
    let acme = company(db.connection(), "Acme OSGB").await;
    let site = project(db.connection(), acme).await;
    // An object (the CHECK's only demand) whose dimension is not an object of counts.
    exec(
        db.connection(),
        &format!(
            "INSERT INTO daily_stats (project_id, date, meta_breakdown) \
             VALUES ('{site}', '2024-03-01', '{{\"source\": \"google\"}}')"
        ),
    )
    .await;
    assert_eq!(
        repo.range(TenantScope::All, site, range(1, 1)).await,
        Err(RepositoryError::Corrupt(DomainError::invalid(
            "meta_breakdown",
            ValidationReason::Format
        )))
    );
}

#[tokio::test]
async fn a_merge_past_the_breakdown_caps_is_refused_and_the_day_stays_readable() {
    let db = database().await;
    let repo = PgDailyStatsRepository::new(db.connection().clone());
    let acme = company(db.connection(), "Acme OSGB").await;
    let site = project(db.connection(), acme).await;
    // Each ingestion is within the caps on its own; only their merge would pass them.
    let one = |visitors: u32, dimension: String, key: String| {
        let repo = repo.clone();
        async move {
            let entry = [(dimension.as_str(), key.as_str(), 1)];
            repo.ingest(
                StatsId::new_v7(),
                site,
                day(2),
                &increment(visitors, 0, &entry),
            )
            .await
        }
    };
    let too_many = |max| {
        Err(RepositoryError::Rejected(DomainError::invalid(
            "breakdown",
            ValidationReason::TooMany { max },
        )))
    };
    for n in 0..Breakdown::MAX_KEYS {
        one(1, "source".into(), format!("k{n}")).await.unwrap();
    }
    assert_eq!(
        one(1, "source".into(), "one-more".into()).await,
        too_many(256)
    );
    for n in 1..Breakdown::MAX_DIMENSIONS {
        one(0, format!("d{n}"), "k".into()).await.unwrap();
    }
    assert_eq!(one(0, "d-extra".into(), "k".into()).await, too_many(32));
    let rows = repo
        .range(TenantScope::All, site, range(1, 31))
        .await
        .unwrap();
    assert_eq!(rows[0].visitors(), 256);
}
