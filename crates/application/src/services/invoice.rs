//! [`InvoiceService`]: admins create, edit, send, pay and void invoices; every tenant reads its own.

use std::sync::Arc;

use chrono::NaiveDate;
use prosektor_domain::{
    CompanyId, DomainResult, Invoice, InvoiceAmounts, InvoiceId, Money, RowVersion, TaxRate,
};

use super::actor::Actor;
use super::check_version;
use super::error::ServiceResult;
use crate::ports::clock::Clock;
use crate::ports::ids::IdGenerator;
use crate::ports::invoice::{InvoiceFilter, InvoiceRepository, NewInvoice};
use crate::ports::paging::{Page, PageRequest};

/// How an invoice's tax is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceTax {
    /// A KDV rate; the tax is the subtotal times the rate, rounded half-up to the kuruş.
    Rate(TaxRate),
    /// An explicit tax amount.
    Amount(Money),
}

/// The editable part of an invoice: amounts and due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvoiceDraft {
    /// The amount before tax.
    pub subtotal: Money,
    /// The tax, as a rate or an amount.
    pub tax: InvoiceTax,
    /// When payment is due, if agreed.
    pub due_date: Option<NaiveDate>,
}

impl InvoiceDraft {
    /// Subtotal, tax and total.
    ///
    /// # Errors
    /// `Overflow` on `amount_total` when the total does not fit.
    pub fn amounts(&self) -> DomainResult<InvoiceAmounts> {
        match self.tax {
            InvoiceTax::Rate(rate) => InvoiceAmounts::from_rate(self.subtotal, rate),
            InvoiceTax::Amount(tax) => InvoiceAmounts::new(self.subtotal, tax),
        }
    }
}

/// Invoices. Writes are admin-only; reads are scoped to the actor's tenancy.
#[derive(Clone)]
pub struct InvoiceService {
    invoices: Arc<dyn InvoiceRepository>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
}

impl InvoiceService {
    /// A service over these ports.
    pub fn new(
        invoices: Arc<dyn InvoiceRepository>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
    ) -> Self {
        Self {
            invoices,
            clock,
            ids,
        }
    }

    /// Creates a draft for `company_id`; the repository assigns its number (admin).
    ///
    /// # Errors
    /// `Forbidden` for a client; `Domain(Overflow)`; `NotFound` when the company does not exist;
    /// `Internal`.
    pub async fn create(
        &self,
        actor: &Actor,
        company_id: CompanyId,
        draft: InvoiceDraft,
    ) -> ServiceResult<Invoice> {
        actor.require_admin()?;
        let new = NewInvoice {
            id: InvoiceId::from_uuid(self.ids.new_id()),
            company_id,
            amounts: draft.amounts()?,
            due_date: draft.due_date,
            created_at: self.clock.now(),
        };
        Ok(self.invoices.create_draft(&new).await?)
    }

    /// Replaces a draft's amounts and due date (admin).
    ///
    /// # Errors
    /// `Forbidden` for a client; `NotFound`; `Domain(NotEditable)` unless it is a draft;
    /// `Domain(Overflow)`; `PreconditionFailed`; `Conflict(StaleState)`; `Internal`.
    pub async fn edit_draft(
        &self,
        actor: &Actor,
        id: InvoiceId,
        draft: InvoiceDraft,
        if_match: Option<RowVersion>,
    ) -> ServiceResult<Invoice> {
        self.transition(actor, id, if_match, |invoice| {
            invoice.edit(draft.amounts()?, draft.due_date)
        })
        .await
    }

    /// `DRAFT -> SENT`, issued today (admin).
    ///
    /// # Errors
    /// `Forbidden` for a client; `NotFound`; `Domain(InvalidTransition)`; `PreconditionFailed`
    /// when `if_match` is stale; `Conflict(StaleState)` when a concurrent transition won; `Internal`.
    pub async fn send(
        &self,
        actor: &Actor,
        id: InvoiceId,
        if_match: Option<RowVersion>,
    ) -> ServiceResult<Invoice> {
        self.transition(actor, id, if_match, |invoice| {
            invoice.send(self.clock.today())
        })
        .await
    }

    /// `SENT -> PAID`, paid now (admin).
    ///
    /// # Errors
    /// As [`send`](Self::send).
    pub async fn pay(
        &self,
        actor: &Actor,
        id: InvoiceId,
        if_match: Option<RowVersion>,
    ) -> ServiceResult<Invoice> {
        self.transition(actor, id, if_match, |invoice| invoice.pay(self.clock.now()))
            .await
    }

    /// `DRAFT -> VOID` or `SENT -> VOID` (admin).
    ///
    /// # Errors
    /// As [`send`](Self::send).
    pub async fn void(
        &self,
        actor: &Actor,
        id: InvoiceId,
        if_match: Option<RowVersion>,
    ) -> ServiceResult<Invoice> {
        self.transition(actor, id, if_match, Invoice::void).await
    }

    /// An invoice of the actor's tenancy.
    ///
    /// # Errors
    /// `NotFound` (also another tenant's); `Internal`.
    pub async fn get(&self, actor: &Actor, id: InvoiceId) -> ServiceResult<Invoice> {
        let invoice = self.invoices.get(actor.scope(), id).await?;
        // The repository scopes the read; checking again keeps the decision in this layer.
        actor.check_tenant(invoice.company_id())?;
        Ok(invoice)
    }

    /// Invoices matching `filter` within the actor's tenancy, newest first. A client filtering by
    /// another company gets an empty page, as for a company without invoices.
    ///
    /// # Errors
    /// `InvalidCursor`; `Internal`.
    pub async fn list(
        &self,
        actor: &Actor,
        filter: &InvoiceFilter,
        page: &PageRequest,
    ) -> ServiceResult<Page<Invoice>> {
        Ok(self.invoices.list(actor.scope(), filter, page).await?)
    }

    /// The one way invoices change (admin): loads the invoice, applies a domain change and saves
    /// it on condition that its status is still the one read (and, with `if_match`, its version),
    /// so that of two racing transitions exactly one wins. A refused change writes nothing.
    async fn transition(
        &self,
        actor: &Actor,
        id: InvoiceId,
        if_match: Option<RowVersion>,
        change: impl FnOnce(&mut Invoice) -> DomainResult<()>,
    ) -> ServiceResult<Invoice> {
        actor.require_admin()?;
        let mut invoice = self.invoices.get(actor.scope(), id).await?;
        check_version(invoice.version(), if_match)?;
        let expected = invoice.status();
        change(&mut invoice)?;
        Ok(self.invoices.save(&invoice, expected, if_match).await?)
    }
}

#[cfg(test)]
mod tests;
