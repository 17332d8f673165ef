//! [`DashboardFigures`]: a company's figures at a glance, read together (SPEC §5 "Dashboard",
//! access pattern 1).

use async_trait::async_trait;
use chrono::NaiveDate;
use prosektor_domain::{CompanyId, DateRange};
use rust_decimal::Decimal;

use crate::ports::error::RepositoryResult;
use crate::ports::scope::TenantScope;

/// A company's invoice figures for its dashboard. Sums are exact and may exceed one invoice's maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvoiceSummary {
    /// Sum of `PAID` totals.
    pub paid_total: Decimal,
    /// Number of `SENT` (unpaid) invoices.
    pub unpaid_count: u64,
    /// Sum of `SENT` totals.
    pub unpaid_total: Decimal,
    /// `SENT` invoices due before the day the figures are for.
    pub overdue_count: u64,
}

/// Everything a company's dashboard shows, as of one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompanyFigures {
    /// Paid total, unpaid count and sum, overdue count.
    pub invoices: InvoiceSummary,
    /// Projects neither `DRAFT` nor `ARCHIVED`.
    pub active_projects: u64,
    /// Visitors over the window, summed across the company's projects.
    pub visitors: u64,
}

/// Reads a company's dashboard figures: one read, so that a dashboard is one round trip to
/// storage and its figures are of one moment.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait DashboardFigures: Send + Sync {
    /// The figures of company `company_id`, if `scope` may read it: invoices as of `as_of`
    /// (overdue means due before it), visitors over `visitor_window`.
    ///
    /// # Errors
    /// `NotFound` for a missing company or one outside `scope`; `Unavailable`; `Failed`.
    async fn figures(
        &self,
        scope: TenantScope,
        company_id: CompanyId,
        as_of: NaiveDate,
        visitor_window: DateRange,
    ) -> RepositoryResult<CompanyFigures>;
}
