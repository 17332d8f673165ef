//! [`DashboardFigures`] on PostgreSQL: a company's dashboard in one statement
//! ([`DASHBOARD_SQL`]), so that a dashboard costs one round trip and its figures are of one
//! snapshot.

use async_trait::async_trait;
use chrono::NaiveDate;
use prosektor_application::{
    CompanyFigures, DashboardFigures, InvoiceSummary, RepositoryError, RepositoryResult,
    TenantScope,
};
use prosektor_domain::{CompanyId, DateRange};
use rust_decimal::Decimal;
use sea_orm::{FromQueryResult, Value};

use super::shared::{scope_argument, statement};
use crate::error::map_db_err;
use crate::pools::DatabasePools;
use crate::timing::timed;
use crate::unit_of_work::Db;

/// Access pattern 1: the figures of company `$1` (when `$5` is `NULL`, an admin's scope, or the
/// company itself) as of day `$2`, visitors from `$3` to `$4` (inclusive). No row when the
/// company is missing or outside the scope. Each figure is an uncorrelated subquery on `$1`,
/// planned once:
/// - invoices: the `WHERE` and every column read are in `idx_invoices_dashboard (company_id,
///   status, due_date) INCLUDE (amount_total)`, an index-only scan;
/// - active projects: `idx_web_projects_active`, the partial index of the active-projects list;
/// - visitors: the company's projects (`idx_web_projects_company`), then each one's days in the
///   window (`daily_stats_project_date_key`).
pub const DASHBOARD_SQL: &str = "SELECT \
     i.paid_total, i.unpaid_count, i.unpaid_total, i.overdue_count, \
     (SELECT COUNT(*) FROM web_projects \
        WHERE company_id = $1 AND status NOT IN ('DRAFT', 'ARCHIVED')) AS active_projects, \
     (SELECT COALESCE(SUM(s.visitors), 0)::bigint \
        FROM daily_stats s JOIN web_projects p ON p.id = s.project_id \
        WHERE p.company_id = $1 AND s.date BETWEEN $3 AND $4) AS visitors \
     FROM companies c, \
     (SELECT COALESCE(SUM(amount_total) FILTER (WHERE status = 'PAID'), 0) AS paid_total, \
        COUNT(*) FILTER (WHERE status = 'SENT') AS unpaid_count, \
        COALESCE(SUM(amount_total) FILTER (WHERE status = 'SENT'), 0) AS unpaid_total, \
        COUNT(*) FILTER (WHERE status = 'SENT' AND due_date < $2) AS overdue_count \
        FROM invoices WHERE company_id = $1 AND status IN ('PAID', 'SENT')) i \
     WHERE c.id = $1 AND ($5::uuid IS NULL OR c.id = $5)";

/// The row [`DASHBOARD_SQL`] returns.
#[derive(Debug, FromQueryResult)]
struct FiguresRow {
    paid_total: Decimal,
    unpaid_count: i64,
    unpaid_total: Decimal,
    overdue_count: i64,
    active_projects: i64,
    visitors: i64,
}

/// The arguments of [`DASHBOARD_SQL`] (public for tools that replay the SQL).
pub fn dashboard_arguments(
    scope: TenantScope,
    company_id: CompanyId,
    as_of: NaiveDate,
    visitor_window: DateRange,
) -> [Value; 5] {
    [
        company_id.as_uuid().into(),
        as_of.into(),
        visitor_window.start().into(),
        visitor_window.end().into(),
        scope_argument(scope),
    ]
}

/// [`DashboardFigures`] on PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgDashboardFigures {
    db: Db,
}

impl PgDashboardFigures {
    /// Figures read through `pools`.
    pub fn new(pools: impl Into<DatabasePools>) -> Self {
        Self { db: Db::new(pools) }
    }
}

#[async_trait]
impl DashboardFigures for PgDashboardFigures {
    async fn figures(
        &self,
        scope: TenantScope,
        company_id: CompanyId,
        as_of: NaiveDate,
        visitor_window: DateRange,
    ) -> RepositoryResult<CompanyFigures> {
        let _timer = timed!("figures");
        let arguments = dashboard_arguments(scope, company_id, as_of, visitor_window);
        let row = FiguresRow::find_by_statement(statement(DASHBOARD_SQL, arguments))
            .one(&self.db.stale_ok())
            .await
            .map_err(map_db_err)?
            .ok_or(RepositoryError::NotFound)?;
        let count = |n: i64| u64::try_from(n).unwrap_or_default();
        Ok(CompanyFigures {
            invoices: InvoiceSummary {
                paid_total: row.paid_total,
                unpaid_count: count(row.unpaid_count),
                unpaid_total: row.unpaid_total,
                overdue_count: count(row.overdue_count),
            },
            active_projects: count(row.active_projects),
            visitors: count(row.visitors),
        })
    }
}
