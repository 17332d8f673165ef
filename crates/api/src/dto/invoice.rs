//! Invoices on the wire. Money is a decimal string both ways (`"1250.00"`, see [`MoneyText`]):
//! requests are parsed by the domain's [`Money::parse`], responses use [`Money`]'s `Display`. No
//! floating point touches an amount.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use poem_openapi::payload::Json;
use prosektor_application::services::{InvoiceDraft, InvoiceTax};
use prosektor_domain::{Buyer, Invoice, Money, TaxRate};
use serde::Serialize;
use uuid::Uuid;

use super::date::ApiDate;
use super::decimal::{MoneyText, PercentText};
use super::enums::InvoiceStatusDto;
use super::timestamp::{rfc3339, rfc3339_or_null};
use crate::convert::{field, optional};
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::versioning::Versioned;

/// An invoice.
#[derive(Debug, Clone, Object, Serialize)]
#[oai(rename = "Invoice")]
pub struct InvoiceDto {
    /// The invoice's id.
    pub id: Uuid,
    /// The billed company.
    pub company_id: Uuid,
    /// Who the invoice is made out to: the company as it was when the invoice was created
    /// (renaming or moving the company later does not change it).
    pub buyer: InvoiceBuyerDto,
    /// `YYYY-NNN`, gapless per calendar year (`2026-001`).
    pub invoice_no: String,
    /// `DRAFT`, `SENT`, `PAID` or `VOID`.
    pub status: InvoiceStatusDto,
    /// The amount before tax (`"1000.00"`).
    pub subtotal: MoneyText,
    /// The tax (KDV) (`"200.00"`).
    pub tax: MoneyText,
    /// `subtotal + tax`, exactly (`"1200.00"`).
    pub total: MoneyText,
    /// When payment is due.
    pub due_date: Option<ApiDate>,
    /// When the invoice was sent (issued); absent for a draft.
    pub issue_date: Option<ApiDate>,
    /// When the invoice was paid; absent unless `PAID`.
    #[serde(serialize_with = "rfc3339_or_null")]
    pub paid_at: Option<DateTime<Utc>>,
    /// When the invoice was created (its year is the numbering year).
    #[serde(serialize_with = "rfc3339")]
    pub created_at: DateTime<Utc>,
    /// Its version: one more after every change (also its `ETag`, for `If-Match`).
    pub version: i64,
}

/// The buyer on an invoice, as it was when the invoice was created.
#[derive(Debug, Clone, Object, Serialize)]
#[oai(rename = "InvoiceBuyer")]
pub struct InvoiceBuyerDto {
    /// The company's legal name.
    pub name: String,
    /// Its VKN (10 digits) or TCKN (11 digits), if it had one.
    pub tax_id: Option<String>,
    /// Its postal address, if it had one.
    pub address: Option<String>,
}

impl From<&Buyer> for InvoiceBuyerDto {
    fn from(buyer: &Buyer) -> Self {
        Self {
            name: buyer.name.as_str().to_owned(),
            tax_id: buyer.tax_id.as_ref().map(|id| id.as_str().to_owned()),
            address: buyer.address.as_ref().map(|a| a.as_str().to_owned()),
        }
    }
}

impl Versioned for InvoiceDto {
    fn version(&self) -> i64 {
        self.version
    }
}

impl From<&Invoice> for InvoiceDto {
    fn from(invoice: &Invoice) -> Self {
        let amounts = invoice.amounts();
        Self {
            id: invoice.id().as_uuid(),
            company_id: invoice.company_id().as_uuid(),
            buyer: invoice.buyer().into(),
            invoice_no: invoice.invoice_no().to_string(),
            status: invoice.status().into(),
            subtotal: amounts.subtotal().into(),
            tax: amounts.tax().into(),
            total: amounts.total().into(),
            due_date: invoice.due_date().map(ApiDate::from),
            issue_date: invoice.issue_date().map(ApiDate::from),
            paid_at: invoice.paid_at(),
            created_at: invoice.created_at(),
            version: invoice.version().get(),
        }
    }
}

/// An invoice's amounts and due date. Give the tax either as `tax_rate` or as `tax_amount`,
/// exactly one of them.
#[derive(Debug, Clone, Object)]
#[oai(rename = "InvoiceDraft", deny_unknown_fields)]
pub struct InvoiceDraftDto {
    /// The amount before tax (`"1000.00"`).
    pub subtotal: MoneyText,
    /// A KDV rate in percent (`"20"`, `"10"`, `"1"`); the tax is `subtotal * rate / 100` rounded
    /// half-up to the kuruş. Give this or `tax_amount`.
    pub tax_rate: Option<PercentText>,
    /// An explicit tax amount (`"200.00"`). Give this or `tax_rate`.
    pub tax_amount: Option<MoneyText>,
    /// When payment is due.
    pub due_date: Option<ApiDate>,
}

impl InvoiceDraftDto {
    /// The domain draft, with every amount parsed by the domain.
    ///
    /// # Errors
    /// `422` naming the refused field, or `tax_rate` when not exactly one of `tax_rate` and
    /// `tax_amount` is given.
    pub fn into_draft(self) -> ApiResult<InvoiceDraft> {
        let tax = match (
            optional("tax_rate", self.tax_rate.as_deref(), TaxRate::parse)?,
            optional("tax_amount", self.tax_amount.as_deref(), Money::parse)?,
        ) {
            (Some(rate), None) => InvoiceTax::Rate(rate),
            (None, Some(amount)) => InvoiceTax::Amount(amount),
            _ => return Err(exactly_one_tax()),
        };
        Ok(InvoiceDraft {
            subtotal: field("subtotal", Money::parse(&self.subtotal))?,
            tax,
            due_date: self.due_date.map(ApiDate::get),
        })
    }
}

/// A new invoice: the company billed and the draft's amounts.
#[derive(Debug, Clone, Object)]
#[oai(rename = "NewInvoice", deny_unknown_fields)]
pub struct NewInvoiceDto {
    /// The billed company.
    pub company_id: Uuid,
    /// The amount before tax (`"1000.00"`).
    pub subtotal: MoneyText,
    /// A KDV rate in percent (`"20"`); give this or `tax_amount`.
    pub tax_rate: Option<PercentText>,
    /// An explicit tax amount (`"200.00"`); give this or `tax_rate`.
    pub tax_amount: Option<MoneyText>,
    /// When payment is due.
    pub due_date: Option<ApiDate>,
}

impl NewInvoiceDto {
    /// The billed company and the domain draft.
    ///
    /// # Errors
    /// As [`InvoiceDraftDto::into_draft`].
    pub fn into_parts(self) -> ApiResult<(Uuid, InvoiceDraft)> {
        let draft = InvoiceDraftDto {
            subtotal: self.subtotal,
            tax_rate: self.tax_rate,
            tax_amount: self.tax_amount,
            due_date: self.due_date,
        }
        .into_draft()?;
        Ok((self.company_id, draft))
    }
}

/// `422` when the tax is given both ways or not at all.
fn exactly_one_tax() -> ApiError {
    let reason = "give exactly one of tax_rate and tax_amount";
    ApiError::Unprocessable(Json(
        Problem::new(
            422,
            "validation_failed",
            "Validation failed",
            Some(reason.to_owned()),
        )
        .with_errors(vec![FieldError {
            field: "tax_rate".to_owned(),
            reason: reason.to_owned(),
        }]),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(tax_rate: Option<&str>, tax_amount: Option<&str>) -> InvoiceDraftDto {
        InvoiceDraftDto {
            subtotal: MoneyText("1000.00".into()),
            tax_rate: tax_rate.map(|rate| PercentText(rate.into())),
            tax_amount: tax_amount.map(|amount| MoneyText(amount.into())),
            due_date: None,
        }
    }

    fn refused_field(result: ApiResult<InvoiceDraft>) -> String {
        match result {
            Err(ApiError::Unprocessable(Json(problem))) => problem.errors[0].field.clone(),
            other => panic!("expected a 422, got {other:?}"),
        }
    }

    #[test]
    fn a_rate_or_an_amount_becomes_the_tax() {
        let by_rate = draft(Some("20"), None).into_draft().expect("valid");
        assert_eq!(by_rate.amounts().expect("fits").tax().to_string(), "200.00");
        let by_amount = draft(None, Some("180.5")).into_draft().expect("valid");
        assert_eq!(
            by_amount.amounts().expect("fits").total().to_string(),
            "1180.50"
        );
    }

    #[test]
    fn exactly_one_tax_is_required_and_refusals_name_the_request_field() {
        assert_eq!(refused_field(draft(None, None).into_draft()), "tax_rate");
        assert_eq!(
            refused_field(draft(Some("20"), Some("1.00")).into_draft()),
            "tax_rate"
        );
        assert_eq!(
            refused_field(draft(Some("100.5"), None).into_draft()),
            "tax_rate"
        );
        let mut bad = draft(None, Some("1.00"));
        bad.subtotal = MoneyText("1.005".into());
        assert_eq!(refused_field(bad.into_draft()), "subtotal");
    }
}
