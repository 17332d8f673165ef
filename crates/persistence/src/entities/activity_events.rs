//! SeaORM model of `activity_events` (written by the triggers of migration 27, read only here) and
//! its mapping to [`Activity`].

use super::mapping::IntoDomain;
use prosektor_domain::{
    Activity, ActivityKind, ActivitySubject, DomainError, DomainResult, InvoiceNo, Money,
    ProjectName, ValidationReason,
};
use sea_orm::entity::prelude::*;

/// One row of `activity_events`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activity_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub company_id: Uuid,
    pub kind: String,
    pub subject_id: Uuid,
    /// The project of a project's or a run's event.
    pub project_id: Option<Uuid>,
    /// The invoice's number, or the project's name.
    pub label: String,
    /// The invoice's total, for an invoice's event.
    #[sea_orm(column_type = "Decimal(Some((12, 2)))")]
    pub amount: Option<Decimal>,
    pub occurred_at: DateTimeUtc,
}

/// Events are read by company and time; no relation is navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl IntoDomain for Model {
    type Domain = Activity;

    /// The domain event; a row whose columns do not describe its kind's subject is refused.
    fn into_domain(self) -> DomainResult<Activity> {
        let kind = ActivityKind::parse(&self.kind)?;
        let missing = |field| DomainError::invalid(field, ValidationReason::Empty);
        let subject = match kind {
            ActivityKind::InvoiceIssued
            | ActivityKind::InvoicePaid
            | ActivityKind::InvoiceVoided => ActivitySubject::Invoice {
                id: self.subject_id.into(),
                number: InvoiceNo::parse(&self.label)?,
                total: Money::new(self.amount.ok_or_else(|| missing("amount"))?)?,
            },
            ActivityKind::ProjectLive => ActivitySubject::Project {
                id: self.subject_id.into(),
                name: ProjectName::parse(&self.label)?,
            },
            ActivityKind::RunSucceeded | ActivityKind::RunFailed | ActivityKind::RunCancelled => {
                ActivitySubject::Run {
                    id: self.subject_id.into(),
                    project_id: self.project_id.ok_or_else(|| missing("project_id"))?.into(),
                    project_name: ProjectName::parse(&self.label)?,
                }
            }
        };
        Activity::new(
            self.id.into(),
            self.company_id.into(),
            kind,
            subject,
            self.occurred_at,
        )
    }
}
