//! SeaORM model of `invoices` and its mapping to and from [`Invoice`]. Money is `NUMERIC(12,2)`
//! read as [`Decimal`], never a float.

use super::mapping::{IntoDomain, optional, text};
use prosektor_domain::{
    Address, Buyer, CompanyName, DomainError, DomainResult, Invoice, InvoiceAmounts, InvoiceNo,
    InvoiceParts, InvoiceStatus, Money, RowVersion, TaxId, ValidationReason,
};
use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;

/// One row of `invoices`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub company_id: Uuid,
    /// The buyer's snapshot (evolution 3): nullable until the contract migration, never `NULL`
    /// for this build (it writes the snapshot; the backfill and the insert trigger of the
    /// expanded schema give every other row one).
    pub buyer_name: Option<String>,
    pub buyer_tax_id: Option<String>,
    pub buyer_address: Option<String>,
    pub invoice_no: String,
    #[sea_orm(column_type = "Decimal(Some((12, 2)))")]
    pub amount_subtotal: Decimal,
    #[sea_orm(column_type = "Decimal(Some((12, 2)))")]
    pub amount_tax: Decimal,
    #[sea_orm(column_type = "Decimal(Some((12, 2)))")]
    pub amount_total: Decimal,
    pub status: String,
    pub due_date: Option<Date>,
    pub issue_date: Option<Date>,
    pub paid_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// The row version, bumped by a trigger on every update.
    pub version: i64,
}

/// `invoices` has no relation the adapter navigates.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl IntoDomain for Model {
    type Domain = Invoice;

    /// The domain invoice; a row the domain rejects fails with the domain's error.
    fn into_domain(self) -> DomainResult<Invoice> {
        self.into_parts().and_then(Invoice::from_parts)
    }
}

impl Model {
    fn into_parts(self) -> DomainResult<InvoiceParts> {
        Ok(InvoiceParts {
            id: self.id.into(),
            company_id: self.company_id.into(),
            buyer: Buyer {
                name: optional(self.buyer_name, CompanyName::parse)?
                    .ok_or_else(|| DomainError::invalid("buyer_name", ValidationReason::Empty))?,
                tax_id: optional(self.buyer_tax_id, TaxId::parse)?,
                address: optional(self.buyer_address, Address::parse)?,
            },
            invoice_no: InvoiceNo::parse(&self.invoice_no)?,
            amounts: InvoiceAmounts::from_stored(
                Money::new(self.amount_subtotal)?,
                Money::new(self.amount_tax)?,
                Money::new(self.amount_total)?,
            )?,
            status: InvoiceStatus::parse(&self.status)?,
            due_date: self.due_date,
            issue_date: self.issue_date,
            paid_at: self.paid_at,
            created_at: self.created_at,
            version: RowVersion::new(self.version)?,
        })
    }
}

/// The whole row of `invoice`, for inserting it.
pub(crate) fn new_row(invoice: &Invoice) -> ActiveModel {
    ActiveModel {
        id: Set(invoice.id().as_uuid()),
        company_id: Set(invoice.company_id().as_uuid()),
        buyer_name: Set(Some(invoice.buyer().name.as_str().to_owned())),
        buyer_tax_id: Set(text(invoice.buyer().tax_id.as_ref())),
        buyer_address: Set(text(invoice.buyer().address.as_ref())),
        invoice_no: Set(invoice.invoice_no().to_string()),
        created_at: Set(invoice.created_at()),
        ..changes(invoice)
    }
}

/// The columns a save may change: amounts, due date, status and its dates.
pub(crate) fn changes(invoice: &Invoice) -> ActiveModel {
    let amounts = invoice.amounts();
    ActiveModel {
        amount_subtotal: Set(amounts.subtotal().amount()),
        amount_tax: Set(amounts.tax().amount()),
        amount_total: Set(amounts.total().amount()),
        status: Set(invoice.status().as_str().to_owned()),
        due_date: Set(invoice.due_date()),
        issue_date: Set(invoice.issue_date()),
        paid_at: Set(invoice.paid_at()),
        ..Default::default()
    }
}
