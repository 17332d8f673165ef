//! Invoices: the [`Invoice`] entity and its parts — [`InvoiceNo`], [`InvoiceAmounts`], the
//! [`Buyer`] it is made out to and the [`InvoiceStatus`] state machine.

mod amounts;
mod buyer;
mod number;
mod parts;
mod status;

pub use amounts::InvoiceAmounts;
pub use buyer::Buyer;
pub use number::InvoiceNo;
pub use parts::InvoiceParts;
pub use status::InvoiceStatus;

use chrono::{DateTime, NaiveDate, Utc};

use crate::error::{DomainError, DomainResult};
use crate::ids::{CompanyId, InvoiceId};
use crate::version::RowVersion;

/// An invoice to a company. Invoices are never deleted; they are voided.
///
/// Invariants: `issue_date` is set exactly when the invoice has been sent (`SENT`, `PAID`, or a
/// `VOID` that was sent first); `paid_at` is set exactly when `PAID`; amounts and due date change only
/// in `DRAFT`.
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use prosektor_domain::{
///     Buyer, CompanyId, CompanyName, Invoice, InvoiceAmounts, InvoiceId, InvoiceNo, InvoiceStatus,
///     Money, TaxRate,
/// };
///
/// let buyer = Buyer {
///     name: CompanyName::parse("Şişli OSGB").unwrap(),
///     tax_id: None,
///     address: None,
/// };
/// let amounts = InvoiceAmounts::from_rate(Money::parse("1000").unwrap(), TaxRate::STANDARD).unwrap();
/// let due = NaiveDate::from_ymd_opt(2024, 7, 31);
/// let created = Utc.with_ymd_and_hms(2024, 7, 1, 9, 0, 0).unwrap();
/// let mut invoice = Invoice::draft(
///     InvoiceId::new_v7(),
///     CompanyId::new_v7(),
///     buyer,
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
#[cfg_attr(
    feature = "serde",
    serde(try_from = "InvoiceParts", into = "InvoiceParts")
)]
pub struct Invoice {
    id: InvoiceId,
    company_id: CompanyId,
    buyer: Buyer,
    invoice_no: InvoiceNo,
    amounts: InvoiceAmounts,
    status: InvoiceStatus,
    due_date: Option<NaiveDate>,
    issue_date: Option<NaiveDate>,
    paid_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    version: RowVersion,
}

impl Invoice {
    /// A new invoice in `DRAFT` to `company_id`, made out to `buyer` (the company as it is now).
    pub const fn draft(
        id: InvoiceId,
        company_id: CompanyId,
        buyer: Buyer,
        invoice_no: InvoiceNo,
        amounts: InvoiceAmounts,
        due_date: Option<NaiveDate>,
        created_at: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            company_id,
            buyer,
            invoice_no,
            amounts,
            status: InvoiceStatus::Draft,
            due_date,
            issue_date: None,
            paid_at: None,
            created_at,
            version: RowVersion::FIRST,
        }
    }

    /// Replaces the amounts and due date of a draft.
    ///
    /// # Errors
    ///
    /// [`DomainError::NotEditable`] unless the invoice is a `DRAFT`.
    pub fn edit(
        &mut self,
        amounts: InvoiceAmounts,
        due_date: Option<NaiveDate>,
    ) -> DomainResult<()> {
        if self.status != InvoiceStatus::Draft {
            return Err(DomainError::NotEditable {
                entity: "invoice",
                status: self.status.as_str(),
            });
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

    /// Who the invoice is made out to, as the company was when the invoice was created.
    pub const fn buyer(&self) -> &Buyer {
        &self.buyer
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

    /// The version it was stored at (see [`RowVersion`]).
    pub const fn version(&self) -> RowVersion {
        self.version
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::money::{Money, TaxRate};
    use chrono::TimeZone;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 7, d).unwrap()
    }

    /// A draft of 1000 + 20% KDV, due 2024-07-31.
    pub(crate) fn draft() -> Invoice {
        let amounts =
            InvoiceAmounts::from_rate(Money::parse("1000").unwrap(), TaxRate::STANDARD).unwrap();
        Invoice::draft(
            InvoiceId::new_v7(),
            CompanyId::new_v7(),
            Buyer {
                name: crate::company::CompanyName::parse("Şişli OSGB").unwrap(),
                tax_id: None,
                address: None,
            },
            InvoiceNo::parse("2024-001").unwrap(),
            amounts,
            Some(day(31)),
            Utc.with_ymd_and_hms(2024, 7, 1, 9, 0, 0).unwrap(),
        )
    }

    fn sent() -> Invoice {
        let mut invoice = draft();
        invoice.send(day(2)).unwrap();
        invoice
    }

    fn transition(from: &str, to: &'static str) -> DomainResult<()> {
        let from = InvoiceStatus::parse(from).unwrap().as_str();
        Err(DomainError::InvalidTransition {
            entity: "invoice",
            from,
            to,
        })
    }

    #[test]
    fn draft_starts_clean() {
        let invoice = draft();
        assert_eq!(invoice.status(), InvoiceStatus::Draft);
        assert_eq!((invoice.issue_date(), invoice.paid_at()), (None, None));
        assert_eq!(invoice.due_date(), Some(day(31)));
        assert_eq!(invoice.amounts().total(), Money::parse("1200").unwrap());
    }

    #[test]
    fn drafts_are_editable() {
        let mut invoice = draft();
        let amounts = InvoiceAmounts::new(Money::parse("5").unwrap(), Money::ZERO).unwrap();
        invoice.edit(amounts, None).unwrap();
        assert_eq!((invoice.amounts(), invoice.due_date()), (amounts, None));
    }

    #[test]
    fn only_drafts_are_editable() {
        let mut invoice = sent();
        let amounts = invoice.amounts();
        assert_eq!(
            invoice.edit(amounts, None),
            Err(DomainError::NotEditable {
                entity: "invoice",
                status: "SENT"
            })
        );
        assert_eq!(invoice.due_date(), Some(day(31)));
    }

    #[test]
    fn send_then_pay_records_dates() {
        let mut invoice = sent();
        assert_eq!(
            (invoice.status(), invoice.issue_date()),
            (InvoiceStatus::Sent, Some(day(2)))
        );
        let at = Utc.with_ymd_and_hms(2024, 7, 10, 12, 0, 0).unwrap();
        invoice.pay(at).unwrap();
        assert_eq!(
            (invoice.status(), invoice.paid_at()),
            (InvoiceStatus::Paid, Some(at))
        );
    }

    #[test]
    fn void_from_draft_or_sent() {
        let mut voided_draft = draft();
        voided_draft.void().unwrap();
        assert_eq!(
            (voided_draft.status(), voided_draft.issue_date()),
            (InvoiceStatus::Void, None)
        );
        let mut voided_sent = sent();
        voided_sent.void().unwrap();
        assert_eq!(
            (voided_sent.status(), voided_sent.issue_date()),
            (InvoiceStatus::Void, Some(day(2)))
        );
    }

    #[test]
    fn every_other_edge_is_refused() {
        let now = Utc.with_ymd_and_hms(2024, 7, 10, 12, 0, 0).unwrap();
        let mut invoice = draft();
        assert_eq!(invoice.pay(now), transition("DRAFT", "PAID"));
        invoice.send(day(2)).unwrap();
        assert_eq!(invoice.send(day(3)), transition("SENT", "SENT"));
        assert_eq!(invoice.issue_date(), Some(day(2)));
        invoice.pay(now).unwrap();
        assert_eq!(invoice.pay(now), transition("PAID", "PAID"));
        assert_eq!(invoice.void(), transition("PAID", "VOID"));
        assert_eq!(invoice.send(day(3)), transition("PAID", "SENT"));
        let mut voided = draft();
        voided.void().unwrap();
        assert_eq!(voided.void(), transition("VOID", "VOID"));
        assert_eq!(voided.send(day(3)), transition("VOID", "SENT"));
        let amounts = voided.amounts();
        assert_eq!(
            voided.edit(amounts, None),
            Err(DomainError::NotEditable {
                entity: "invoice",
                status: "VOID"
            })
        );
    }

    #[test]
    fn overdue_means_sent_and_past_due() {
        let invoice = sent();
        assert!(!invoice.is_overdue(day(31)));
        assert!(invoice.is_overdue(NaiveDate::from_ymd_opt(2024, 8, 1).unwrap()));
        assert!(!draft().is_overdue(NaiveDate::from_ymd_opt(2024, 8, 1).unwrap()));
        let mut no_due = draft();
        no_due.edit(no_due.amounts(), None).unwrap();
        no_due.send(day(2)).unwrap();
        assert!(!no_due.is_overdue(NaiveDate::from_ymd_opt(2030, 1, 1).unwrap()));
    }
}
