//! A company's dashboard on the wire, money as decimal strings.

use std::fmt::Display;

use poem_openapi::Object;
use prosektor_application::services::Dashboard;
use serde::Serialize;
use uuid::Uuid;

use super::date::ApiDate;

/// One company's figures at a glance.
#[derive(Debug, Clone, Object, Serialize)]
#[oai(rename = "Dashboard")]
pub struct DashboardDto {
    /// The company.
    pub company_id: Uuid,
    /// The day the figures are for (UTC); "overdue" means due before it.
    pub as_of: ApiDate,
    /// Sum of the totals of `PAID` invoices, in lira, as a decimal string with 2 decimals
    /// (`"1250.00"`).
    pub paid_total: String,
    /// Number of unpaid (`SENT`) invoices.
    pub unpaid_count: u64,
    /// Sum of the totals of unpaid (`SENT`) invoices, in lira, as a decimal string with 2
    /// decimals (`"1250.00"`).
    pub unpaid_total: String,
    /// Unpaid (`SENT`) invoices due before `as_of`.
    pub overdue_count: u64,
    /// Web projects neither `DRAFT` nor `ARCHIVED`.
    pub active_projects: u64,
    /// Visitors over the 30 days ending `as_of`, across the company's projects.
    pub visitors_last_30_days: u64,
}

impl From<&Dashboard> for DashboardDto {
    fn from(dashboard: &Dashboard) -> Self {
        let invoices = &dashboard.invoices;
        Self {
            company_id: dashboard.company_id.as_uuid(),
            as_of: dashboard.as_of.into(),
            paid_total: lira(invoices.paid_total),
            unpaid_count: invoices.unpaid_count,
            unpaid_total: lira(invoices.unpaid_total),
            overdue_count: invoices.overdue_count,
            active_projects: dashboard.active_projects,
            visitors_last_30_days: dashboard.visitors_last_30_days,
        }
    }
}

/// An amount as a decimal string with exactly 2 decimals, as `Money` displays itself. Sums may
/// pass `Money::MAX`, so they are formatted directly rather than through `Money`.
fn lira(amount: impl Display) -> String {
    format!("{amount:.2}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::tests::serializes_as_documented;
    use chrono::NaiveDate;
    use prosektor_domain::Money;

    #[tokio::test]
    async fn the_dashboard_answers_as_the_document_describes_it() {
        serializes_as_documented(&DashboardDto {
            company_id: Uuid::now_v7(),
            as_of: NaiveDate::from_ymd_opt(2026, 12, 3)
                .expect("a valid day")
                .into(),
            paid_total: lira(Money::MAX.amount()),
            unpaid_count: 3,
            unpaid_total: "0.00".to_owned(),
            overdue_count: 1,
            active_projects: u64::from(u32::MAX) + 1,
            visitors_last_30_days: 0,
        })
        .await;
    }

    #[test]
    fn amounts_have_exactly_two_decimals_whatever_their_scale_or_size() {
        let amount = Money::parse("1250.5").map(Money::amount);
        assert_eq!(amount.map(lira).as_deref(), Ok("1250.50"));
        // A SUM over no rows may come back as a bare `0`, with scale 0.
        assert_eq!(lira(Money::ZERO.amount().normalize()), "0.00");
        let past_money_max = Money::MAX.amount() + Money::MAX.amount();
        assert_eq!(lira(past_money_max), "19999999999.98");
    }
}
