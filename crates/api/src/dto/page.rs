//! [`PageDto`]: one page of a keyset-paginated listing on the wire, for every resource.

use poem_openapi::Object;
use poem_openapi::types::{ParseFromJSON, ToJSON};
use prosektor_application::Page;
use serde::Serialize;

use crate::pagination::next_cursor;

// Answered as `crate::payload::Serialized` (through poem-openapi's JSON value tree, a page of two
// projects cost a twentieth of the server's CPU for the active projects widget), so serde writes
// it: the tests below check that serde and the document agree for every item type.
/// One page of a listing. Pass `next_cursor` back as `cursor` to read the next page; it is absent
/// on the last page.
#[derive(Debug, Clone, Object, Serialize)]
#[oai(rename = "Page")]
pub struct PageDto<T: ParseFromJSON + ToJSON> {
    /// The items, in the listing's order.
    pub items: Vec<T>,
    /// The cursor of the next page (opaque); absent on the last page.
    pub next_cursor: Option<String>,
}

impl<T: ParseFromJSON + ToJSON> PageDto<T> {
    /// The wire page of `page`, each item converted with `convert`.
    pub fn from_page<D>(page: Page<D>, convert: impl FnMut(D) -> T) -> Self {
        let page = page.map(convert);
        Self {
            items: page.items,
            next_cursor: next_cursor(page.next_cursor),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, TimeZone, Utc};
    use poem_openapi::types::ToJSON;
    use serde::Serialize;
    use uuid::Uuid;

    use super::*;
    use crate::dto::activity::ActivityDto;
    use crate::dto::company::CompanyDto;
    use crate::dto::date::ApiDate;
    use crate::dto::decimal::MoneyText;
    use crate::dto::enums::{
        ActivityKindDto, CompanyStatusDto, InvoiceStatusDto, ProjectStatusDto, RoleDto,
        RunStatusDto,
    };
    use crate::dto::invoice::{InvoiceBuyerDto, InvoiceDto};
    use crate::dto::project::ProjectDto;
    use crate::dto::run::RunDto;
    use crate::dto::user::UserDto;
    use crate::payload::tests::serializes_as_documented;

    /// An instant with a fraction of a second, which both sides must write alike.
    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, hour, 32, 59)
            .single()
            .expect("a valid time")
            + Duration::microseconds(123_456)
    }

    fn id() -> Uuid {
        Uuid::now_v7()
    }

    /// Asserts that a page of `items`, a last page of them and an empty page answer as the
    /// document describes them.
    async fn pages_answer_as_documented<T>(items: Vec<T>)
    where
        T: ParseFromJSON + ToJSON + Serialize + Clone,
    {
        serializes_as_documented(&PageDto {
            items: items.clone(),
            next_cursor: Some("b3BhcXVl".to_owned()),
        })
        .await;
        serializes_as_documented(&PageDto {
            items,
            next_cursor: None,
        })
        .await;
        serializes_as_documented(&PageDto::<T> {
            items: Vec::new(),
            next_cursor: None,
        })
        .await;
    }

    #[tokio::test]
    async fn every_listing_answers_as_the_document_describes_it() {
        let project = |domain: Option<&str>| ProjectDto {
            id: id(),
            company_id: id(),
            name: "Anadolu \"OSGB\" sitesi".to_owned(),
            domain: domain.map(str::to_owned),
            status: ProjectStatusDto::Live,
            created_at: at(9),
            updated_at: at(10),
            version: 3,
        };
        pages_answer_as_documented(vec![project(Some("anadolu-osgb.com.tr")), project(None)]).await;

        let company = |tax_id: Option<&str>| CompanyDto {
            id: id(),
            name: "Şişli İSG".to_owned(),
            tax_id: tax_id.map(str::to_owned),
            status: CompanyStatusDto::Active,
            created_at: at(8),
            version: 1,
        };
        pages_answer_as_documented(vec![company(Some("1234567890")), company(None)]).await;

        let invoice = |paid: bool| InvoiceDto {
            id: id(),
            company_id: id(),
            buyer: InvoiceBuyerDto {
                name: "Şişli İSG".to_owned(),
                tax_id: paid.then(|| "1234567890".to_owned()),
                address: None,
            },
            invoice_no: "PS-2026-000042".to_owned(),
            status: InvoiceStatusDto::Paid,
            subtotal: MoneyText("1000.00".to_owned()),
            tax: MoneyText("200.00".to_owned()),
            total: MoneyText("1200.00".to_owned()),
            due_date: paid.then(|| ApiDate::from(at(0).date_naive())),
            issue_date: None,
            paid_at: paid.then(|| at(11)),
            created_at: at(7),
            version: 2,
        };
        pages_answer_as_documented(vec![invoice(true), invoice(false)]).await;

        let run = |finished: bool| RunDto {
            id: id(),
            project_id: id(),
            status: RunStatusDto::Succeeded,
            attempt: 1,
            max_attempts: 3,
            input: serde_json::json!({"sector": "metal", "pages": [1, 2]}),
            error: (!finished).then(|| "timed out".to_owned()),
            created_at: at(6),
            run_after: at(6),
            started_at: finished.then(|| at(7)),
            heartbeat_at: finished.then(|| at(8)),
            finished_at: finished.then(|| at(9)),
        };
        pages_answer_as_documented(vec![run(true), run(false)]).await;

        let user = |deleted: bool| UserDto {
            id: id(),
            email: "ayse@example.com.tr".to_owned(),
            role: RoleDto::Client,
            company_id: (!deleted).then(id),
            created_at: at(5),
            deleted_at: deleted.then(|| at(12)),
        };
        pages_answer_as_documented(vec![user(true), user(false)]).await;

        let activity = |invoice: bool| ActivityDto {
            id: id(),
            company_id: id(),
            kind: ActivityKindDto::InvoicePaid,
            occurred_at: at(13),
            subject_id: id(),
            invoice_no: invoice.then(|| "PS-2026-000042".to_owned()),
            total: invoice.then(|| MoneyText("1200.00".to_owned())),
            project_id: (!invoice).then(id),
            project_name: (!invoice).then(|| "Site 7".to_owned()),
        };
        pages_answer_as_documented(vec![activity(true), activity(false)]).await;
    }
}
