//! Unit tests of [`ActivityService`]: which scope each actor's feed is read in.

use super::*;
use crate::mocks::MockActivityFeed;
use crate::services::error::ServiceError;
use crate::services::test_support::{admin, client, empty_page, other_company, own_company};

/// A service whose feed expects one read in `scope`.
fn expecting(scope: TenantScope) -> ActivityService {
    let mut feed = MockActivityFeed::new();
    feed.expect_recent()
        .withf(move |read, _| *read == scope)
        .times(1)
        .returning(|_, _| Ok(empty_page()));
    ActivityService::new(Arc::new(feed))
}

#[tokio::test]
async fn an_admin_reads_every_company_or_the_one_named() {
    let page = PageRequest::first();
    expecting(TenantScope::All)
        .recent(&admin(), None, &page)
        .await
        .unwrap();
    expecting(TenantScope::Company(other_company()))
        .recent(&admin(), Some(other_company()), &page)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_client_reads_its_own_company_only() {
    let page = PageRequest::first();
    expecting(TenantScope::Company(own_company()))
        .recent(&client(), None, &page)
        .await
        .unwrap();
    expecting(TenantScope::Company(own_company()))
        .recent(&client(), Some(own_company()), &page)
        .await
        .unwrap();

    let refused = ActivityService::new(Arc::new(MockActivityFeed::new()))
        .recent(&client(), Some(other_company()), &page)
        .await
        .unwrap_err();
    assert!(matches!(refused, ServiceError::NotFound), "{refused:?}");
}
