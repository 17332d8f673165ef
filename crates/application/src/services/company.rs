//! [`CompanyService`]: the tenants, their details, listing and the global search.

use std::sync::Arc;

use prosektor_domain::{
    Address, City, Company, CompanyDetails, CompanyId, CompanyName, CompanyStatus, DangerClass,
    Email, NaceCode, Phone, TaxId,
};

use super::actor::Actor;
use super::error::ServiceResult;
use super::patch;
use crate::ports::clock::Clock;
use crate::ports::company::{CompanyRepository, DetailsPart, SearchText};
use crate::ports::ids::IdGenerator;
use crate::ports::page::{Page, PageRequest};

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

/// Changes to the contact details, which a company's own clients may make too. For each field
/// `None` keeps it, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactDetailsUpdate {
    /// Postal address.
    pub address: Option<Option<Address>>,
    /// City.
    pub city: Option<Option<City>>,
    /// Contact email.
    pub contact_email: Option<Option<Email>>,
    /// Contact phone.
    pub contact_phone: Option<Option<Phone>>,
}

/// Admin changes to a company's classification. For each field `None` keeps it, `Some(None)`
/// clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClassificationUpdate {
    /// Occupational-safety hazard class.
    pub danger_class: Option<Option<DangerClass>>,
    /// Economic activity code.
    pub nace_code: Option<Option<NaceCode>>,
}

/// Companies and their details. Creating, renaming, tax ids, status and classification are
/// admin-only; reading and the contact details are open to the company's own clients.
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

    /// Changes name, tax id and status (admin). The save is conditional on the status read, so of
    /// two concurrent status changes exactly one wins.
    ///
    /// # Errors
    /// `Forbidden` for a client; `NotFound`; `Domain(InvalidTransition)`; `Conflict(TaxIdTaken)`;
    /// `Conflict(StaleState)`; `Internal`.
    pub async fn update(
        &self,
        actor: &Actor,
        id: CompanyId,
        update: CompanyUpdate,
    ) -> ServiceResult<Company> {
        actor.require_admin()?;
        let mut company = self.companies.get(actor.scope(), id).await?;
        let expected = company.status();
        if let Some(status) = update.status {
            company.change_status(status)?;
        }
        if let Some(name) = update.name {
            company.rename(name);
        }
        if let Some(tax_id) = update.tax_id {
            company.set_tax_id(tax_id);
        }
        self.companies.save(&company, expected).await?;
        Ok(company)
    }

    /// A company's details.
    ///
    /// # Errors
    /// `NotFound` (also another tenant's); `Internal`.
    pub async fn get_details(&self, actor: &Actor, id: CompanyId) -> ServiceResult<CompanyDetails> {
        actor.check_tenant(id)?;
        Ok(self.companies.get_details(actor.scope(), id).await?)
    }

    /// Changes address, city, contact email and phone (admin, or a client of the company).
    ///
    /// # Errors
    /// `NotFound` (also another tenant's); `CompanySuspended`; `Internal`.
    pub async fn update_contact_details(
        &self,
        actor: &Actor,
        id: CompanyId,
        update: ContactDetailsUpdate,
    ) -> ServiceResult<CompanyDetails> {
        actor.check_tenant(id)?;
        actor.require_write_access()?;
        self.modify_details(actor, id, DetailsPart::Contact, |details| {
            patch(&mut details.address, update.address);
            patch(&mut details.city, update.city);
            patch(&mut details.contact_email, update.contact_email);
            patch(&mut details.contact_phone, update.contact_phone);
        })
        .await
    }

    /// Changes danger class and NACE code (admin).
    ///
    /// # Errors
    /// `Forbidden` for a client; `NotFound`; `Internal`.
    pub async fn update_classification(
        &self,
        actor: &Actor,
        id: CompanyId,
        update: ClassificationUpdate,
    ) -> ServiceResult<CompanyDetails> {
        actor.require_admin()?;
        self.modify_details(actor, id, DetailsPart::Classification, |details| {
            patch(&mut details.danger_class, update.danger_class);
            patch(&mut details.nace_code, update.nace_code);
        })
        .await
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

    /// Reads the details in the actor's scope, changes them and saves the changed `part`.
    async fn modify_details(
        &self,
        actor: &Actor,
        id: CompanyId,
        part: DetailsPart,
        change: impl FnOnce(&mut CompanyDetails),
    ) -> ServiceResult<CompanyDetails> {
        let mut details = self.companies.get_details(actor.scope(), id).await?;
        change(&mut details);
        self.companies.save_details(&details, part).await?;
        Ok(details)
    }
}

#[cfg(test)]
mod tests;
