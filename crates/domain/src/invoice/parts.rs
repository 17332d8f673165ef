//! [`InvoiceParts`]: an invoice taken apart for storage, and the checked way back.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Buyer, Invoice, InvoiceAmounts, InvoiceNo, InvoiceStatus};
use crate::error::{DomainError, DomainResult, ValidationReason};
use crate::ids::{CompanyId, InvoiceId};
use crate::version::RowVersion;

/// Every field of an [`Invoice`], unchecked: what storage hands back. Turn it into an invoice with
/// [`Invoice::from_parts`] (or `TryFrom`), and back with `InvoiceParts::from(invoice)`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct InvoiceParts {
    /// See [`Invoice::id`].
    pub id: InvoiceId,
    /// See [`Invoice::company_id`].
    pub company_id: CompanyId,
    /// See [`Invoice::buyer`].
    pub buyer: Buyer,
    /// See [`Invoice::invoice_no`].
    pub invoice_no: InvoiceNo,
    /// See [`Invoice::amounts`].
    pub amounts: InvoiceAmounts,
    /// See [`Invoice::status`].
    pub status: InvoiceStatus,
    /// See [`Invoice::due_date`].
    pub due_date: Option<NaiveDate>,
    /// See [`Invoice::issue_date`].
    pub issue_date: Option<NaiveDate>,
    /// See [`Invoice::paid_at`].
    pub paid_at: Option<DateTime<Utc>>,
    /// See [`Invoice::created_at`].
    pub created_at: DateTime<Utc>,
    /// See [`Invoice::version`].
    pub version: RowVersion,
}

impl Invoice {
    /// Rebuilds an invoice from storage, checking that the dates agree with the status.
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] with `Inconsistent` on field `issue_date` (set on a draft, or
    /// missing on a sent or paid invoice) or `paid_at` (set unless paid, or missing when paid).
    pub fn from_parts(parts: InvoiceParts) -> DomainResult<Self> {
        use InvoiceStatus::{Draft, Paid, Sent, Void};
        let issue_ok = match parts.status {
            Draft => parts.issue_date.is_none(),
            Sent | Paid => parts.issue_date.is_some(),
            // Voided drafts have no issue date, voided sent invoices keep theirs.
            Void => true,
        };
        if !issue_ok {
            return Err(DomainError::invalid(
                "issue_date",
                ValidationReason::Inconsistent,
            ));
        }
        if parts.paid_at.is_some() != (parts.status == Paid) {
            return Err(DomainError::invalid(
                "paid_at",
                ValidationReason::Inconsistent,
            ));
        }
        let InvoiceParts {
            id,
            company_id,
            buyer,
            invoice_no,
            amounts,
            status,
            due_date,
            issue_date,
            paid_at,
            created_at,
            version,
        } = parts;
        Ok(Self {
            id,
            company_id,
            buyer,
            invoice_no,
            amounts,
            status,
            due_date,
            issue_date,
            paid_at,
            created_at,
            version,
        })
    }
}

impl From<Invoice> for InvoiceParts {
    fn from(invoice: Invoice) -> Self {
        let Invoice {
            id,
            company_id,
            buyer,
            invoice_no,
            amounts,
            status,
            due_date,
            issue_date,
            paid_at,
            created_at,
            version,
        } = invoice;
        Self {
            id,
            company_id,
            buyer,
            invoice_no,
            amounts,
            status,
            due_date,
            issue_date,
            paid_at,
            created_at,
            version,
        }
    }
}

impl TryFrom<InvoiceParts> for Invoice {
    type Error = DomainError;

    fn try_from(parts: InvoiceParts) -> DomainResult<Self> {
        Self::from_parts(parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invoice::tests::draft;
    use chrono::TimeZone;

    fn parts(status: InvoiceStatus, issued: bool, paid: bool) -> InvoiceParts {
        InvoiceParts {
            status,
            issue_date: issued.then(|| NaiveDate::from_ymd_opt(2024, 7, 2).unwrap()),
            paid_at: paid.then(|| Utc.with_ymd_and_hms(2024, 7, 3, 0, 0, 0).unwrap()),
            ..InvoiceParts::from(draft())
        }
    }

    #[test]
    fn accepts_consistent_rows() {
        use InvoiceStatus::*;
        for (status, issued, paid) in [
            (Draft, false, false),
            (Sent, true, false),
            (Paid, true, true),
            (Void, false, false),
            (Void, true, false),
        ] {
            let parts = parts(status, issued, paid);
            let invoice = Invoice::from_parts(parts.clone()).unwrap();
            assert_eq!(InvoiceParts::from(invoice), parts);
        }
    }

    #[test]
    fn rejects_dates_that_contradict_the_status() {
        use InvoiceStatus::*;
        let issue = Err(DomainError::invalid(
            "issue_date",
            ValidationReason::Inconsistent,
        ));
        let paid = Err(DomainError::invalid(
            "paid_at",
            ValidationReason::Inconsistent,
        ));
        for (status, issued, paid_at, expected) in [
            (Draft, true, false, &issue),
            (Sent, false, false, &issue),
            (Paid, false, true, &issue),
            (Draft, false, true, &paid),
            (Sent, true, true, &paid),
            (Paid, true, false, &paid),
            (Void, true, true, &paid),
        ] {
            assert_eq!(
                &Invoice::try_from(parts(status, issued, paid_at)),
                expected,
                "{status}"
            );
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_goes_through_the_checks() {
        let invoice = draft();
        let json = serde_json::to_value(&invoice).unwrap();
        assert_eq!(json["invoice_no"], "2024-001");
        assert_eq!(json["status"], "DRAFT");
        assert_eq!(json["amounts"]["total"], "1200.00");
        assert_eq!(
            serde_json::from_value::<Invoice>(json.clone()).unwrap(),
            invoice
        );
        let mut inconsistent = json;
        inconsistent["paid_at"] = "2024-07-03T00:00:00Z".into();
        assert!(serde_json::from_value::<Invoice>(inconsistent).is_err());
    }
}
