//! Unit tests of [`DashboardService`]: the figures come from the right queries, for the right
//! day and window, and only for the actor's own company.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::*;
use crate::mocks::MockDashboardFigures;
use crate::ports::dashboard::CompanyFigures;
use crate::ports::error::RepositoryError;
use crate::ports::scope::TenantScope;
use crate::services::error::ServiceError;
use crate::services::test_support::{admin, client, clock, now, other_company, own_company};

/// A port expecting `calls` reads of the own company's figures, in `scope`, for today and the
/// 30 days ending today.
fn figures(calls: usize, scope: TenantScope) -> MockDashboardFigures {
    let mut figures = MockDashboardFigures::new();
    figures
        .expect_figures()
        .withf(move |asked_scope, company, as_of, window| {
            *asked_scope == scope
                && *company == own_company()
                && *as_of == now().date_naive()
                && window.start() == NaiveDate::from_ymd_opt(2024, 6, 16).unwrap()
                && window.end() == NaiveDate::from_ymd_opt(2024, 7, 15).unwrap()
        })
        .times(calls)
        .returning(|_, _, _, _| {
            Ok(CompanyFigures {
                invoices: summary(),
                active_projects: 3,
                visitors: 1234,
            })
        });
    figures
}

fn service(figures: MockDashboardFigures) -> DashboardService {
    DashboardService::new(Arc::new(figures), clock())
}

fn summary() -> InvoiceSummary {
    InvoiceSummary {
        paid_total: Decimal::new(1_250_000, 2),
        unpaid_count: 2,
        unpaid_total: Decimal::new(48_050, 2),
        overdue_count: 1,
    }
}

#[tokio::test]
async fn assembles_the_figures_for_today_and_the_last_30_days() {
    for actor in [admin(), client()] {
        let dashboard = service(figures(1, actor.scope()))
            .dashboard(&actor, own_company())
            .await;
        assert_eq!(
            dashboard,
            Ok(Dashboard {
                company_id: own_company(),
                as_of: now().date_naive(),
                invoices: summary(),
                active_projects: 3,
                visitors_last_30_days: 1234,
            })
        );
    }
}

#[tokio::test]
async fn another_tenants_dashboard_is_not_found_and_nothing_is_queried() {
    let refused = service(figures(0, TenantScope::All))
        .dashboard(&client(), other_company())
        .await;
    assert_eq!(refused, Err(ServiceError::NotFound));
}

#[tokio::test]
async fn a_missing_company_has_no_dashboard() {
    let mut figures = MockDashboardFigures::new();
    figures
        .expect_figures()
        .times(1)
        .returning(|_, _, _, _| Err(RepositoryError::NotFound));
    let refused = service(figures).dashboard(&admin(), own_company()).await;
    assert_eq!(refused, Err(ServiceError::NotFound));
}
