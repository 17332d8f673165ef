//! Unit tests of [`StatsService`]'s decisions: ingestion and import are admin-only, ranges are
//! read in the actor's scope and zero-filled on request.

use std::sync::Arc;

use prosektor_domain::{Breakdown, DailyStatsParts};

use super::*;
use crate::mocks::{MockDailyStatsRepository, MockThrottle, MockWebProjectRepository};
use crate::ports::error::RepositoryError;
use crate::ports::throttle::{ThrottleDecision, ThrottleKey};
use crate::services::limits::Limits;
use crate::services::test_support::{
    NEW_ID, Outcome, admin, check_matrix, client, clock, ids, own_company,
};

fn service(stats: MockDailyStatsRepository) -> StatsService {
    keyed_service(stats, MockWebProjectRepository::new())
}

fn keyed_service(
    stats: MockDailyStatsRepository,
    projects: MockWebProjectRepository,
) -> StatsService {
    let mut throttle = MockThrottle::new();
    throttle
        .expect_reserve()
        .returning(|_, _| Ok(ThrottleDecision::Allowed));
    throttled_service(stats, projects, throttle)
}

fn throttled_service(
    stats: MockDailyStatsRepository,
    projects: MockWebProjectRepository,
    throttle: MockThrottle,
) -> StatsService {
    StatsService::new(
        Arc::new(stats),
        Arc::new(projects),
        ids(),
        Arc::new(throttle),
        clock(),
        Limits::default().ingestion,
    )
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 7, d).unwrap()
}

fn stored_day(project_id: ProjectId, date: NaiveDate, visitors: u32) -> DailyStats {
    DailyStats::from_parts(DailyStatsParts {
        id: StatsId::new_v7(),
        project_id,
        date,
        visitors,
        page_views: visitors * 3,
        breakdown: Breakdown::default(),
    })
    .unwrap()
}

/// The project [`attempt`] acts on; it belongs to [`own_company`].
fn project() -> ProjectId {
    ProjectId::from_uuid(uuid::Uuid::from_u128(0x9))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Ingest,
    ImportDays,
    Range,
}

async fn attempt(action: Action, actor: &Actor, allowed: bool) -> ServiceResult<()> {
    let mut stats = MockDailyStatsRepository::new();
    let writes = |of: Action| usize::from(allowed && action == of);
    stats
        .expect_ingest()
        .times(writes(Action::Ingest))
        .returning(|_, _, _, _| Ok(()));
    stats
        .expect_import_days()
        .times(writes(Action::ImportDays))
        .returning(|days| Ok(days.len() as u64));
    // As the port's contract says: another tenant's project is not found.
    stats.expect_range().returning(|scope, _, _| {
        if scope.allows(own_company()) {
            Ok(vec![])
        } else {
            Err(RepositoryError::NotFound)
        }
    });
    let stats = service(stats);
    match action {
        Action::Ingest => {
            let increment = StatsIncrement::default();
            stats.ingest(actor, project(), day(1), &increment).await
        }
        Action::ImportDays => {
            let days = [stored_day(project(), day(1), 4)];
            stats.import_days(actor, &days).await.map(drop)
        }
        Action::Range => {
            let range = DateRange::new(day(1), day(7)).unwrap();
            stats.range(actor, project(), range, true).await.map(drop)
        }
    }
}

#[tokio::test]
async fn permission_matrix() {
    use Outcome::{Allowed as A, Forbidden as F, NotFound as N};
    let matrix = [
        (Action::Ingest, [A, F, F]),
        (Action::ImportDays, [A, F, F]),
        (Action::Range, [A, A, N]),
    ];
    check_matrix(&matrix, attempt).await;
}

#[tokio::test]
async fn ingest_passes_a_fresh_id_for_a_new_day() {
    let mut stats = MockDailyStatsRepository::new();
    let increment = StatsIncrement {
        visitors: 2,
        page_views: 5,
        breakdown: Breakdown::default(),
    };
    let expected = increment.clone();
    stats
        .expect_ingest()
        .withf(move |new_id, project_id, date, added| {
            *new_id == StatsId::from_uuid(NEW_ID)
                && *project_id == project()
                && *date == day(3)
                && *added == expected
        })
        .times(1)
        .returning(|_, _, _, _| Ok(()));
    let ingested = service(stats)
        .ingest(&admin(), project(), day(3), &increment)
        .await;
    assert_eq!(ingested, Ok(()));
}

#[tokio::test]
async fn ranges_come_raw_or_zero_filled() {
    let rows = vec![stored_day(project(), day(2), 5)];
    let range = DateRange::new(day(1), day(3)).unwrap();
    for fill in [false, true] {
        let mut stats = MockDailyStatsRepository::new();
        let stored = rows.clone();
        stats
            .expect_range()
            .withf(move |scope, project_id, asked| {
                *scope == client().scope() && *project_id == project() && *asked == range
            })
            .times(1)
            .returning(move |_, _, _| Ok(stored.clone()));
        let series = service(stats)
            .range(&client(), project(), range, fill)
            .await
            .unwrap();
        let expected = if fill {
            let point = |d, visitors| DayPoint {
                date: day(d),
                visitors,
                page_views: visitors * 3,
            };
            StatsSeries::ZeroFilled(vec![point(1, 0), point(2, 5), point(3, 0)])
        } else {
            StatsSeries::Days(rows.clone())
        };
        assert_eq!(series, expected, "fill: {fill}");
    }
}

#[tokio::test]
async fn a_known_ingestion_key_ingests_into_its_project_and_an_unknown_one_is_refused() {
    let key_hash = IngestKey::hash_of("psk_known");
    let mut projects = MockWebProjectRepository::new();
    projects
        .expect_find_by_ingest_key_hash()
        .returning(move |hash| Ok((hash == key_hash).then(project)));
    let mut stats = MockDailyStatsRepository::new();
    stats
        .expect_ingest()
        .withf(|_, project_id, date, _| *project_id == project() && *date == day(3))
        .times(1)
        .returning(|_, _, _, _| Ok(()));
    let service = keyed_service(stats, projects);
    let increment = StatsIncrement::default();
    assert_eq!(
        service
            .ingest_with_key("psk_known", day(3), &increment)
            .await,
        Ok(())
    );
    assert_eq!(
        service
            .ingest_with_key("psk_guessed", day(3), &increment)
            .await,
        Err(ServiceError::Unauthenticated)
    );
}

#[tokio::test]
async fn ingestion_with_a_key_is_limited_per_project() {
    let mut projects = MockWebProjectRepository::new();
    projects
        .expect_find_by_ingest_key_hash()
        .returning(|_| Ok(Some(project())));
    let mut throttle = MockThrottle::new();
    throttle
        .expect_reserve()
        .withf(|attempts, _| {
            attempts
                == [(
                    ThrottleKey::ingestion(project()),
                    Limits::default().ingestion,
                )]
        })
        .times(1)
        .returning(|_, _| {
            Ok(ThrottleDecision::Limited {
                retry_after: std::time::Duration::from_secs(12),
            })
        });
    let mut stats = MockDailyStatsRepository::new();
    stats.expect_ingest().times(0);
    let refused = throttled_service(stats, projects, throttle)
        .ingest_with_key("psk_known", day(3), &StatsIncrement::default())
        .await;
    assert_eq!(
        refused,
        Err(ServiceError::TooManyAttempts {
            retry_after_secs: 12
        })
    );
}
