//! [`CompanyService`]: the tenants, their details, listing and the global search.

use std::sync::Arc;

use prosektor_domain::{
    Company, CompanyDetails, CompanyId, CompanyName, CompanyStatus, CompanySuggestion, RowVersion,
    SearchText, TaxId,
};

use super::actor::Actor;
use super::check_version;
use super::error::ServiceResult;
use crate::ports::changes::{CompanyChanges, DetailsChanges, Transition};
use crate::ports::clock::Clock;
use crate::ports::company::CompanyRepository;
use crate::ports::ids::IdGenerator;
use crate::ports::paging::{Page, PageRequest};

/// A company to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCompany {
    /// The company's name.
    pub name: CompanyName,
    /// Its VKN or TCKN, if known.
    pub tax_id: Option<TaxId>,
}

/// Admin changes to a company. `None` keeps a field; `tax_id: Some(None)` clears the tax id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompanyUpdate {
    /// A new name.
    pub name: Option<CompanyName>,
    /// A new (or no) tax id.
    pub tax_id: Option<Option<TaxId>>,
    /// A status to move to, along the documented transitions.
    pub status: Option<CompanyStatus>,
}

/// Companies and their details. Creating, renaming, tax ids, status and classification are
/// admin-only; reading and the contact details are open to the company's own clients.
///
/// Updates write only the fields they name, in one statement, so concurrent updates of different
/// fields all survive; each takes an optional expected version (`If-Match`).
#[derive(Clone)]
pub struct CompanyService {
    companies: Arc<dyn CompanyRepository>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
}

impl CompanyService {
    /// A service over these ports.
    pub fn new(
        companies: Arc<dyn CompanyRepository>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
    ) -> Self {
        Self {
            companies,
            clock,
            ids,
        }
    }

    /// Creates a company, as a `LEAD`, with empty details (admin).
    ///
    /// # Errors
    /// `Forbidden` for a client; `Conflict(TaxIdTaken)`; `Internal`.
    pub async fn create(&self, actor: &Actor, new: NewCompany) -> ServiceResult<Company> {
        actor.require_admin()?;
        let id = CompanyId::from_uuid(self.ids.new_id());
        let company = Company::new(id, new.name, new.tax_id, self.clock.now());
        self.companies
            .create(&company, &CompanyDetails::empty(id))
            .await?;
        Ok(company)
    }

    /// A company.
    ///
    /// # Errors
    /// `NotFound` (also another tenant's); `Internal`.
    pub async fn get(&self, actor: &Actor, id: CompanyId) -> ServiceResult<Company> {
        actor.check_tenant(id)?;
        Ok(self.companies.get(actor.scope(), id).await?)
    }

    /// Changes name, tax id and status (admin), only the fields named. A status change is decided
    /// on the status read and applies only while it is still that one, so of two concurrent status
    /// changes exactly one wins; a rename never competes with it.
    ///
    /// # Errors
    /// `Forbidden` for a client; `NotFound`; `Domain(InvalidTransition)`; `PreconditionFailed`
    /// when `if_match` is stale; `Conflict(TaxIdTaken)`; `Conflict(StaleState)`; `Internal`.
    pub async fn update(
        &self,
        actor: &Actor,
        id: CompanyId,
        update: CompanyUpdate,
        if_match: Option<RowVersion>,
    ) -> ServiceResult<Company> {
        actor.require_admin()?;
        let status = match update.status {
            Some(to) => {
                let company = self.companies.get(actor.scope(), id).await?;
                check_version(company.version(), if_match)?;
                let from = company.status();
                from.transition_to(to)?;
                Some(Transition { from, to })
            }
            None => None,
        };
        let changes = CompanyChanges {
            name: update.name,
            tax_id: update.tax_id,
            status,
        };
        Ok(self.companies.update(id, &changes, if_match).await?)
    }

    /// A company's details.
    ///
    /// # Errors
    /// `NotFound` (also another tenant's); `Internal`.
    pub async fn get_details(&self, actor: &Actor, id: CompanyId) -> ServiceResult<CompanyDetails> {
        actor.check_tenant(id)?;
        Ok(self.companies.get_details(actor.scope(), id).await?)
    }

    /// Changes the named fields of a company's details, and only those. Contact fields (address,
    /// city, contact email and phone) are open to the company's own clients; naming the
    /// classification (danger class, NACE code) is admin-only.
    ///
    /// # Errors
    /// `NotFound` (also another tenant's); `Forbidden` for a client naming the classification;
    /// `CompanySuspended`; `PreconditionFailed` when `if_match` is stale; `Internal`.
    pub async fn update_details(
        &self,
        actor: &Actor,
        id: CompanyId,
        changes: DetailsChanges,
        if_match: Option<RowVersion>,
    ) -> ServiceResult<CompanyDetails> {
        if changes.danger_class.is_some() || changes.nace_code.is_some() {
            actor.require_admin()?;
        }
        actor.check_tenant(id)?;
        actor.require_write_access()?;
        Ok(self
            .companies
            .update_details(id, &changes, if_match)
            .await?)
    }

    /// The companies the actor may see (a client: their own), by name.
    ///
    /// # Errors
    /// `InvalidCursor`; `Internal`.
    pub async fn list(&self, actor: &Actor, page: &PageRequest) -> ServiceResult<Page<Company>> {
        Ok(self.companies.list(actor.scope(), page).await?)
    }

    /// Every company whose name or tax id contains `text` (admin).
    ///
    /// # Errors
    /// `Forbidden` for a client; `InvalidCursor`; `Internal`.
    pub async fn search(
        &self,
        actor: &Actor,
        text: &SearchText,
        page: &PageRequest,
    ) -> ServiceResult<Page<Company>> {
        actor.require_admin()?;
        Ok(self.companies.search(text, page).await?)
    }

    /// The first `limit` companies whose name starts with `prefix` (admin), ignoring case and
    /// Turkish letters.
    ///
    /// # Errors
    /// `Forbidden` for a client; `Internal`.
    pub async fn autocomplete(
        &self,
        actor: &Actor,
        prefix: &SearchText,
        limit: u32,
    ) -> ServiceResult<Vec<CompanySuggestion>> {
        actor.require_admin()?;
        Ok(self.companies.autocomplete(prefix, limit).await?)
    }
}

#[cfg(test)]
mod tests;
