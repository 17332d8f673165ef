//! 48 concurrent ingestions into one day, with breakdowns: every visitor, page view and breakdown
//! count arrives.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use prosektor_application::{DailyStatsRepository, TenantScope};
use prosektor_domain::{Breakdown, DateRange, StatsId, StatsIncrement};
use prosektor_persistence::PgDailyStatsRepository;

use crate::support::{company, database, project, wide_pool};

const TASKS: u32 = 48;
const SOURCES: [&str; 3] = ["google", "direct", "social"];

/// Task `i`'s increment: `i + 1` visitors, `2i + 1` page views, one hit from a rotating source
/// and `i` from desktop.
fn increment(i: u32) -> StatsIncrement {
    let mut map: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    map.entry("source".into())
        .or_default()
        .insert(SOURCES[i as usize % SOURCES.len()].into(), 1);
    map.entry("device".into())
        .or_default()
        .insert("desktop".into(), u64::from(i));
    StatsIncrement {
        visitors: i + 1,
        page_views: 2 * i + 1,
        breakdown: Breakdown::new(map).unwrap(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_increments_are_never_lost() {
    let db = database().await;
    let acme = company(db.connection(), "Acme OSGB").await;
    let site = project(db.connection(), acme).await;
    let repo = PgDailyStatsRepository::new(wide_pool(&db).await);
    let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    let tasks: Vec<_> = (0..TASKS)
        .map(|i| {
            let repo = repo.clone();
            tokio::spawn(async move {
                repo.ingest(StatsId::new_v7(), site, date, &increment(i))
                    .await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let rows = repo
        .range(TenantScope::All, site, DateRange::new(date, date).unwrap())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let day = &rows[0];
    let breakdown = day.breakdown();
    let sources: Vec<u64> = SOURCES
        .iter()
        .map(|s| breakdown.get("source", s).unwrap_or(0))
        .collect();
    eprintln!(
        "stats increments: {TASKS} concurrent ingests -> visitors {}, page views {}, sources {:?}, desktop {:?}",
        day.visitors(),
        day.page_views(),
        sources,
        breakdown.get("device", "desktop")
    );
    // Sums of 1..=48, of 2i+1 for i < 48, of 0..48; 48 hits split 16/16/16.
    assert_eq!((day.visitors(), day.page_views()), (1176, 2304));
    assert_eq!(sources, [16, 16, 16]);
    assert_eq!(breakdown.get("device", "desktop"), Some(1128));
}
