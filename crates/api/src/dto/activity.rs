//! [`ActivityDto`]: one event of the activity feed on the wire, flat (the fields of its subject's
//! sort are present, the others absent) so that every client generator maps it to one type.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use prosektor_domain::{Activity, ActivitySubject};
use serde::Serialize;
use uuid::Uuid;

use crate::dto::decimal::MoneyText;
use crate::dto::enums::ActivityKindDto;
use crate::dto::timestamp::rfc3339;

/// A business event: an invoice issued, paid or voided, a project gone live, a run finished.
#[derive(Debug, Clone, Object, Serialize)]
#[oai(rename = "Activity")]
pub struct ActivityDto {
    /// The event's id.
    pub id: Uuid,
    /// The company it happened to.
    pub company_id: Uuid,
    /// What happened.
    pub kind: ActivityKindDto,
    /// When it happened.
    #[serde(serialize_with = "rfc3339")]
    pub occurred_at: DateTime<Utc>,
    /// What it happened to: the invoice, the project or the run.
    pub subject_id: Uuid,
    /// The invoice's number (invoice events).
    pub invoice_no: Option<String>,
    /// The invoice's total (invoice events; `"1200.00"`).
    pub total: Option<MoneyText>,
    /// The project (project and run events).
    pub project_id: Option<Uuid>,
    /// The project's name when it happened (project and run events).
    pub project_name: Option<String>,
}

impl From<&Activity> for ActivityDto {
    fn from(event: &Activity) -> Self {
        let (subject_id, invoice, project) = match event.subject() {
            ActivitySubject::Invoice { id, number, total } => (
                id.as_uuid(),
                Some((number.to_string(), MoneyText::from(*total))),
                None,
            ),
            ActivitySubject::Project { id, name } => {
                (id.as_uuid(), None, Some((id.as_uuid(), name.to_string())))
            }
            ActivitySubject::Run {
                id,
                project_id,
                project_name,
            } => (
                id.as_uuid(),
                None,
                Some((project_id.as_uuid(), project_name.to_string())),
            ),
        };
        let (invoice_no, total) = invoice.unzip();
        let (project_id, project_name) = project.unzip();
        Self {
            id: event.id().as_uuid(),
            company_id: event.company_id().as_uuid(),
            kind: event.kind().into(),
            occurred_at: event.occurred_at(),
            subject_id,
            invoice_no,
            total,
            project_id,
            project_name,
        }
    }
}
