//! The recent-activity feed: [`Activity`], one business event of a company (an invoice issued,
//! paid or voided, a project gone live, a run finished), with its [`ActivityKind`] and the
//! [`ActivitySubject`] it is about. Events are facts: recorded once, never changed.

use chrono::{DateTime, Utc};

use crate::enums::string_enum;
use crate::error::{DomainError, DomainResult, ValidationReason};
use crate::ids::{ActivityId, CompanyId, InvoiceId, ProjectId, RunId};
use crate::invoice::InvoiceNo;
use crate::money::Money;
use crate::project::ProjectName;

string_enum! {
    /// What happened.
    pub enum ActivityKind {
        /// An invoice was sent to its company.
        InvoiceIssued => "INVOICE_ISSUED",
        /// An invoice was paid.
        InvoicePaid => "INVOICE_PAID",
        /// An invoice was voided.
        InvoiceVoided => "INVOICE_VOIDED",
        /// A project's site was published.
        ProjectLive => "PROJECT_LIVE",
        /// A pipeline run finished with a site.
        RunSucceeded => "RUN_SUCCEEDED",
        /// A pipeline run failed for good.
        RunFailed => "RUN_FAILED",
        /// A pipeline run was cancelled.
        RunCancelled => "RUN_CANCELLED",
    }
    field = "kind";
}

/// What an event is about, with what the feed shows of it as it was then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActivitySubject {
    /// An invoice: its number and total.
    Invoice {
        /// The invoice.
        id: InvoiceId,
        /// Its number.
        number: InvoiceNo,
        /// Its total.
        total: Money,
    },
    /// A project.
    Project {
        /// The project.
        id: ProjectId,
        /// Its name.
        name: ProjectName,
    },
    /// A pipeline run of a project.
    Run {
        /// The run.
        id: RunId,
        /// Its project.
        project_id: ProjectId,
        /// The project's name.
        project_name: ProjectName,
    },
}

/// One event of the activity feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    id: ActivityId,
    company_id: CompanyId,
    kind: ActivityKind,
    subject: ActivitySubject,
    occurred_at: DateTime<Utc>,
}

impl Activity {
    /// An event of `company_id`.
    ///
    /// # Errors
    /// [`DomainError::Validation`] on field `kind` with `Mismatch` when the kind is not about the
    /// subject's sort (an invoice event about a run, say).
    pub fn new(
        id: ActivityId,
        company_id: CompanyId,
        kind: ActivityKind,
        subject: ActivitySubject,
        occurred_at: DateTime<Utc>,
    ) -> DomainResult<Self> {
        let fits = match subject {
            ActivitySubject::Invoice { .. } => matches!(
                kind,
                ActivityKind::InvoiceIssued
                    | ActivityKind::InvoicePaid
                    | ActivityKind::InvoiceVoided
            ),
            ActivitySubject::Project { .. } => kind == ActivityKind::ProjectLive,
            ActivitySubject::Run { .. } => matches!(
                kind,
                ActivityKind::RunSucceeded | ActivityKind::RunFailed | ActivityKind::RunCancelled
            ),
        };
        if !fits {
            return Err(DomainError::invalid("kind", ValidationReason::Mismatch));
        }
        Ok(Self {
            id,
            company_id,
            kind,
            subject,
            occurred_at,
        })
    }

    /// The event's id.
    pub const fn id(&self) -> ActivityId {
        self.id
    }

    /// The company it happened to.
    pub const fn company_id(&self) -> CompanyId {
        self.company_id
    }

    /// What happened.
    pub const fn kind(&self) -> ActivityKind {
        self.kind
    }

    /// What it happened to.
    pub const fn subject(&self) -> &ActivitySubject {
        &self.subject
    }

    /// When it happened.
    pub const fn occurred_at(&self) -> DateTime<Utc> {
        self.occurred_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invoice() -> ActivitySubject {
        ActivitySubject::Invoice {
            id: InvoiceId::new_v7(),
            number: InvoiceNo::parse("2026-001").unwrap(),
            total: Money::parse("120.00").unwrap(),
        }
    }

    fn run() -> ActivitySubject {
        ActivitySubject::Run {
            id: RunId::new_v7(),
            project_id: ProjectId::new_v7(),
            project_name: ProjectName::parse("Site").unwrap(),
        }
    }

    fn event(kind: ActivityKind, subject: ActivitySubject) -> DomainResult<Activity> {
        Activity::new(
            ActivityId::new_v7(),
            CompanyId::new_v7(),
            kind,
            subject,
            Utc::now(),
        )
    }

    #[test]
    fn each_kind_is_about_its_own_sort_of_subject() {
        let project = ActivitySubject::Project {
            id: ProjectId::new_v7(),
            name: ProjectName::parse("Site").unwrap(),
        };
        for kind in ActivityKind::ALL {
            let about = |subject: &ActivitySubject| event(*kind, subject.clone()).is_ok();
            let sorts = [about(&invoice()), about(&project), about(&run())];
            assert_eq!(
                sorts.iter().filter(|fits| **fits).count(),
                1,
                "{kind:?} fits exactly one sort of subject: {sorts:?}"
            );
        }
    }

    #[test]
    fn an_invoice_event_about_a_run_is_refused() {
        let refused = event(ActivityKind::InvoicePaid, run()).unwrap_err();
        assert_eq!(
            refused,
            DomainError::invalid("kind", ValidationReason::Mismatch)
        );
        assert!(event(ActivityKind::InvoicePaid, invoice()).is_ok());
    }
}
