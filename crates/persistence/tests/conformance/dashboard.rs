//! `PgDashboardFigures`: a company's figures in one statement, for its own scope or an admin's
//! only. (The figures themselves are checked beside the data they sum: invoices in `invoice.rs`,
//! active projects in `project.rs`, visitors in `stats.rs`.)

use chrono::NaiveDate;
use prosektor_application::{
    CompanyFigures, DashboardFigures, InvoiceSummary, RepositoryError, TenantScope,
};
use prosektor_domain::{CompanyId, DateRange};
use prosektor_persistence::PgDashboardFigures;
use rust_decimal::Decimal;

use crate::support::{company, database};

#[tokio::test]
async fn figures_are_read_in_the_company_s_scope_or_an_admin_s_only() {
    let db = database().await;
    let figures = PgDashboardFigures::new(db.connection().clone());
    let acme = company(db.connection(), "Acme OSGB").await;
    let other = company(db.connection(), "Beta OSGB").await;
    let day = NaiveDate::from_ymd_opt(2024, 8, 1).unwrap();
    let window = DateRange::new(day, day).unwrap();
    let nothing_yet = CompanyFigures {
        invoices: InvoiceSummary {
            paid_total: Decimal::ZERO,
            unpaid_count: 0,
            unpaid_total: Decimal::ZERO,
            overdue_count: 0,
        },
        active_projects: 0,
        visitors: 0,
    };
    for scope in [TenantScope::All, TenantScope::Company(acme)] {
        assert_eq!(
            figures.figures(scope, acme, day, window).await,
            Ok(nothing_yet)
        );
    }
    assert_eq!(
        figures
            .figures(TenantScope::Company(other), acme, day, window)
            .await,
        Err(RepositoryError::NotFound),
        "another tenant's company is not found"
    );
    assert_eq!(
        figures
            .figures(TenantScope::All, CompanyId::new_v7(), day, window)
            .await,
        Err(RepositoryError::NotFound),
        "a missing company is not found"
    );
}
