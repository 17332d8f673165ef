//! Invoices: the [`Invoice`] entity and its parts — [`InvoiceNo`], [`InvoiceAmounts`] and the
//! [`InvoiceStatus`] state machine.

mod amounts;
mod number;
mod parts;
mod status;

pub use amounts::InvoiceAmounts;
pub use number::InvoiceNo;
pub use parts::InvoiceParts;
pub use status::InvoiceStatus;

use chrono::{DateTime, NaiveDate, Utc};

use crate::error::{DomainError, DomainResult};
use crate::ids::{CompanyId, InvoiceId};

/// An invoice to a company. Invoices are never deleted; they are voided.
///
/// Invariants: `issue_date` is set exactly when the invoice has been sent (`SENT`, `PAID`, or a
/// `VOID` that was sent first); `paid_at` is set exactly when `PAID`; amounts and due date change only
/// in `DRAFT`.
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use prosektor_domain::{
///     CompanyId, Invoice, InvoiceAmounts, InvoiceId, InvoiceNo, InvoiceStatus, Money, TaxRate,
/// };
///
/// let amounts = InvoiceAmounts::from_rate(Money::parse("1000").unwrap(), TaxRate::STANDARD).unwrap();
/// let due = NaiveDate::from_ymd_opt(2024, 7, 31);
/// let created = Utc.with_ymd_and_hms(2024, 7, 1, 9, 0, 0).unwrap();
/// let mut invoice = Invoice::draft(
///     InvoiceId::new_v7(),
///     CompanyId::new_v7(),
///     InvoiceNo::parse("2024-001").unwrap(),
///     amounts,
///     due,
///     created,
/// );
///
/// invoice.send(NaiveDate::from_ymd_opt(2024, 7, 2).unwrap()).unwrap();
/// assert!(invoice.edit(amounts, None).is_err()); // only drafts are editable
/// assert!(invoice.is_overdue(NaiveDate::from_ymd_opt(2024, 8, 1).unwrap()));
///
/// invoice.pay(Utc.with_ymd_and_hms(2024, 7, 20, 14, 30, 0).unwrap()).unwrap();
/// assert_eq!(invoice.status(), InvoiceStatus::Paid);
/// assert_eq!(invoice.amounts().total().to_string(), "1200.00");
/// assert!(invoice.void().is_err()); // PAID is final
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "InvoiceParts", into = "InvoiceParts"))]
pub struct Invoice {
    id: InvoiceId,
    company_id: CompanyId,
    invoice_no: InvoiceNo,
    amounts: InvoiceAmounts,
    status: InvoiceStatus,
    due_date: Option<NaiveDate>,
    issue_date: Option<NaiveDate>,
    paid_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl Invoice {
    /// A new invoice in `DRAFT`.
    pub const fn draft(
        id: InvoiceId,
        company_id: CompanyId,
        invoice_no: InvoiceNo,
        amounts: InvoiceAmounts,
        due_date: Option<NaiveDate>,
        created_at: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            company_id,
            invoice_no,
            amounts,
            status: InvoiceStatus::Draft,
            due_date,
            issue_date: None,
            paid_at: None,
            created_at,
        }
    }

    /// Replaces the amounts and due date of a draft.
    ///
    /// # Errors
    ///
    /// [`DomainError::NotEditable`] unless the invoice is a `DRAFT`.
    pub fn edit(&mut self, amounts: InvoiceAmounts, due_date: Option<NaiveDate>) -> DomainResult<()> {
        if self.status != InvoiceStatus::Draft {
            return Err(DomainError::NotEditable { entity: "invoice", status: self.status.as_str() });
        }
        self.amounts = amounts;
        self.due_date = due_date;
        Ok(())
    }

    /// `DRAFT -> SENT`, recording the issue date.
    ///
    /// # Errors
    ///
    /// [`DomainError::InvalidTransition`] unless the invoice is a `DRAFT`.
    pub fn send(&mut self, issue_date: NaiveDate) -> DomainResult<()> {
        self.status = self.status.transition_to(InvoiceStatus::Sent)?;
        self.issue_date = Some(issue_date);
        Ok(())
    }

    /// `SENT -> PAID`, recording when.
    ///
    /// # Errors
    ///
    /// [`DomainError::InvalidTransition`] unless the invoice is `SENT`.
    pub fn pay(&mut self, at: DateTime<Utc>) -> DomainResult<()> {
        self.status = self.status.transition_to(InvoiceStatus::Paid)?;
        self.paid_at = Some(at);
        Ok(())
    }

    /// `DRAFT -> VOID` or `SENT -> VOID`. A voided sent invoice keeps its issue date.
    ///
    /// # Errors
    ///
    /// [`DomainError::InvalidTransition`] from `PAID` or `VOID`.
    pub fn void(&mut self) -> DomainResult<()> {
        self.status = self.status.transition_to(InvoiceStatus::Void)?;
        Ok(())
    }

    /// Whether the invoice is `SENT` and its due date is before `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status == InvoiceStatus::Sent && self.due_date.is_some_and(|due| due < today)
    }

    /// The invoice's id.
    pub const fn id(&self) -> InvoiceId {
        self.id
    }

    /// The invoiced company (the tenant).
    pub const fn company_id(&self) -> CompanyId {
        self.company_id
    }

    /// The invoice number.
    pub const fn invoice_no(&self) -> InvoiceNo {
        self.invoice_no
    }

    /// Subtotal, tax and total.
    pub const fn amounts(&self) -> InvoiceAmounts {
        self.amounts
    }

    /// The current status.
    pub const fn status(&self) -> InvoiceStatus {
        self.status
    }

    /// When payment is due, if agreed.
    pub const fn due_date(&self) -> Option<NaiveDate> {
        self.due_date
    }

    /// When the invoice was sent.
    pub const fn issue_date(&self) -> Option<NaiveDate> {
        self.issue_date
    }

    /// When the invoice was paid.
    pub const fn paid_at(&self) -> Option<DateTime<Utc>> {
        self.paid_at
    }

    /// When the invoice was created.
    pub const fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
}

