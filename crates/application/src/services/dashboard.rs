//! [`DashboardService`]: one company's figures at a glance (SPEC §5 "Dashboard", access
//! pattern 1 for the paid total).

use std::sync::Arc;

use chrono::NaiveDate;
use prosektor_domain::{CompanyId, DateRange};

use super::actor::Actor;
use super::error::ServiceResult;
use crate::ports::clock::Clock;
use crate::ports::company::CompanyRepository;
use crate::ports::invoice::{InvoiceRepository, InvoiceSummary};
use crate::ports::project::WebProjectRepository;
use crate::ports::stats::DailyStatsRepository;

/// How many days, ending today, the dashboard's visitor count covers.
pub const VISITOR_WINDOW_DAYS: u32 = 30;

/// A company's dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dashboard {
    /// The company.
    pub company_id: CompanyId,
    /// The day the figures are for (overdue means due before it).
    pub as_of: NaiveDate,
    /// Paid total, unpaid count and sum, overdue count.
    pub invoices: InvoiceSummary,
    /// Projects neither `DRAFT` nor `ARCHIVED`.
    pub active_projects: u64,
    /// Visitors over the [`VISITOR_WINDOW_DAYS`] days ending `as_of`, across the company's projects.
    pub visitors_last_30_days: u64,
}

/// Dashboards, readable by admins and by the company's own clients.
#[derive(Clone)]
pub struct DashboardService {
    companies: Arc<dyn CompanyRepository>,
    invoices: Arc<dyn InvoiceRepository>,
    projects: Arc<dyn WebProjectRepository>,
    stats: Arc<dyn DailyStatsRepository>,
    clock: Arc<dyn Clock>,
}

impl DashboardService {
    /// A service over these ports.
    pub fn new(
        companies: Arc<dyn CompanyRepository>,
        invoices: Arc<dyn InvoiceRepository>,
        projects: Arc<dyn WebProjectRepository>,
        stats: Arc<dyn DailyStatsRepository>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            companies,
            invoices,
            projects,
            stats,
            clock,
        }
    }

    /// The dashboard of `company_id` as of today.
    ///
    /// # Errors
    /// `NotFound` for another tenant's or a missing company; `Internal`.
    pub async fn dashboard(
        &self,
        actor: &Actor,
        company_id: CompanyId,
    ) -> ServiceResult<Dashboard> {
        actor.check_tenant(company_id)?;
        // The figures below are aggregates that are zero for a missing company: check it exists.
        self.companies.get(actor.scope(), company_id).await?;
        let today = self.clock.today();
        let window = DateRange::last_n_days(today, VISITOR_WINDOW_DAYS)?;
        Ok(Dashboard {
            company_id,
            as_of: today,
            invoices: self.invoices.summary(company_id, today).await?,
            active_projects: self.projects.count_active(company_id).await?,
            visitors_last_30_days: self.stats.company_visitors(company_id, window).await?,
        })
    }
}

#[cfg(test)]
mod tests;
