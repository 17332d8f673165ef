//! [`DashboardService`]: one company's figures at a glance (SPEC §5 "Dashboard", access
//! pattern 1 for the paid total).

use std::sync::Arc;

use chrono::NaiveDate;
use prosektor_domain::{CompanyId, DateRange};

use super::actor::Actor;
use super::error::ServiceResult;
use crate::ports::clock::Clock;
use crate::ports::dashboard::{DashboardFigures, InvoiceSummary};

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
    figures: Arc<dyn DashboardFigures>,
    clock: Arc<dyn Clock>,
}

impl DashboardService {
    /// A service over these ports.
    pub fn new(figures: Arc<dyn DashboardFigures>, clock: Arc<dyn Clock>) -> Self {
        Self { figures, clock }
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
        let today = self.clock.today();
        let window = DateRange::last_n_days(today, VISITOR_WINDOW_DAYS)?;
        let figures = self
            .figures
            .figures(actor.scope(), company_id, today, window)
            .await?;
        Ok(Dashboard {
            company_id,
            as_of: today,
            invoices: figures.invoices,
            active_projects: figures.active_projects,
            visitors_last_30_days: figures.visitors,
        })
    }
}

#[cfg(test)]
mod tests;
