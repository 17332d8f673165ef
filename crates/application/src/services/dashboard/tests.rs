//! Unit tests of [`DashboardService`]: the figures come from the right queries, for the right
//! day and window, and only for the actor's own company.

use std::sync::Arc;

use prosektor_domain::{Company, CompanyName};
use rust_decimal::Decimal;

use super::*;
use crate::mocks::{
    MockCompanyRepository, MockDailyStatsRepository, MockInvoiceRepository,
    MockWebProjectRepository,
};
use crate::ports::error::RepositoryError;
use crate::services::error::ServiceError;
use crate::services::test_support::{admin, client, clock, now, other_company, own_company};

/// The mocks of one dashboard, each expecting exactly `calls` calls.
struct Mocks {
    companies: MockCompanyRepository,
    invoices: MockInvoiceRepository,
    projects: MockWebProjectRepository,
    stats: MockDailyStatsRepository,
}

impl Mocks {
    fn new(calls: usize) -> Self {
        let mut companies = MockCompanyRepository::new();
        companies.expect_get().times(calls).returning(|_, id| {
            Ok(Company::new(
                id,
                CompanyName::parse("Acme").unwrap(),
                None,
                now(),
            ))
        });
        let mut invoices = MockInvoiceRepository::new();
        invoices
            .expect_summary()
            .withf(|company, today| *company == own_company() && *today == now().date_naive())
            .times(calls)
            .returning(|_, _| Ok(summary()));
        let mut projects = MockWebProjectRepository::new();
        projects
            .expect_count_active()
            .withf(|company| *company == own_company())
            .times(calls)
            .returning(|_| Ok(3));
        let mut stats = MockDailyStatsRepository::new();
        stats
            .expect_company_visitors()
            .withf(|company, window| {
                *company == own_company()
                    && window.start() == NaiveDate::from_ymd_opt(2024, 6, 16).unwrap()
                    && window.end() == NaiveDate::from_ymd_opt(2024, 7, 15).unwrap()
            })
            .times(calls)
            .returning(|_, _| Ok(1234));
        Self {
            companies,
            invoices,
            projects,
            stats,
        }
    }

    fn service(self) -> DashboardService {
        DashboardService::new(
            Arc::new(self.companies),
            Arc::new(self.invoices),
            Arc::new(self.projects),
            Arc::new(self.stats),
            clock(),
        )
    }
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
        let dashboard = Mocks::new(1)
            .service()
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
    let refused = Mocks::new(0)
        .service()
        .dashboard(&client(), other_company())
        .await;
    assert_eq!(refused, Err(ServiceError::NotFound));
}

#[tokio::test]
async fn a_missing_company_has_no_dashboard() {
    let mut mocks = Mocks::new(0);
    mocks.companies = MockCompanyRepository::new();
    mocks
        .companies
        .expect_get()
        .times(1)
        .returning(|_, _| Err(RepositoryError::NotFound));
    let refused = mocks.service().dashboard(&admin(), own_company()).await;
    assert_eq!(refused, Err(ServiceError::NotFound));
}
