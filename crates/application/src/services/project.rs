//! [`ProjectService`]: the websites built for companies. Clients create and rename their own
//! company's projects; publishing, pausing and archiving (status changes) are admin-only.

use std::sync::Arc;

use prosektor_domain::{
    CompanyId, DomainName, ProjectId, ProjectName, ProjectStatus, RowVersion, WebProject,
};

use super::actor::Actor;
use super::check_version;
use super::error::ServiceResult;
use super::ingest_key::IngestKey;
use crate::ports::changes::{ProjectChanges, Transition};
use crate::ports::clock::Clock;
use crate::ports::company::CompanyRepository;
use crate::ports::ids::IdGenerator;
use crate::ports::paging::{Page, PageRequest};
use crate::ports::project::WebProjectRepository;

/// Web projects.
#[derive(Clone)]
pub struct ProjectService {
    projects: Arc<dyn WebProjectRepository>,
    companies: Arc<dyn CompanyRepository>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
}

impl ProjectService {
    /// A service over these ports.
    pub fn new(
        projects: Arc<dyn WebProjectRepository>,
        companies: Arc<dyn CompanyRepository>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
    ) -> Self {
        Self {
            projects,
            companies,
            clock,
            ids,
        }
    }

    /// Creates a `DRAFT` project for `company_id` (admin, or a client of the company).
    ///
    /// # Errors
    /// `NotFound` for another tenant's or a missing company; `CompanySuspended`;
    /// `Conflict(DomainTaken)`; `Internal`.
    pub async fn create(
        &self,
        actor: &Actor,
        company_id: CompanyId,
        name: ProjectName,
        domain: Option<DomainName>,
    ) -> ServiceResult<WebProject> {
        actor.check_tenant(company_id)?;
        actor.require_write_access()?;
        let id = ProjectId::from_uuid(self.ids.new_id());
        let project = WebProject::new(id, company_id, name, domain, self.clock.now());
        self.projects.create(&project).await?;
        Ok(project)
    }

    /// Changes a project's name and domain (admin, or a client of its company), only the fields
    /// named, with `updated_at` now. A rename never competes with a status change or with a
    /// change of the other field.
    ///
    /// # Errors
    /// `NotFound` (also another tenant's); `CompanySuspended`; `PreconditionFailed` when
    /// `if_match` is stale; `Conflict(DomainTaken)`; `Internal`.
    pub async fn update(
        &self,
        actor: &Actor,
        id: ProjectId,
        changes: ProjectChanges,
        if_match: Option<RowVersion>,
    ) -> ServiceResult<WebProject> {
        actor.require_write_access()?;
        Ok(self
            .projects
            .update(actor.scope(), id, &changes, self.clock.now(), if_match)
            .await?)
    }

    /// Publishes, pauses, archives... a project along the documented transitions (admin). The
    /// change is decided on the status read and applies only while it is still that one.
    ///
    /// # Errors
    /// `Forbidden` for a client; `NotFound`; `Domain(InvalidTransition)`; `PreconditionFailed`;
    /// `Conflict(StaleState)` when a concurrent status change won; `Internal`.
    pub async fn change_status(
        &self,
        actor: &Actor,
        id: ProjectId,
        to: ProjectStatus,
        if_match: Option<RowVersion>,
    ) -> ServiceResult<WebProject> {
        actor.require_admin()?;
        let project = self.get(actor, id).await?;
        check_version(project.version(), if_match)?;
        let from = project.status();
        from.transition_to(to)?;
        let transition = Transition { from, to };
        Ok(self
            .projects
            .change_status(id, transition, self.clock.now(), if_match)
            .await?)
    }

    /// A project of the actor's tenancy.
    ///
    /// # Errors
    /// `NotFound` (also another tenant's); `Internal`.
    pub async fn get(&self, actor: &Actor, id: ProjectId) -> ServiceResult<WebProject> {
        let project = self.projects.get(actor.scope(), id).await?;
        // The repository scopes the read; checking again keeps the decision in this layer.
        actor.check_tenant(project.company_id())?;
        Ok(project)
    }

    /// Creates a new ingestion key for the project (admin or the project's own client), replacing
    /// the previous one, which stops working. The key is returned once and only its hash is kept.
    ///
    /// # Errors
    /// `NotFound` (also for another tenant's project); `CompanySuspended`; `Internal`.
    pub async fn rotate_ingest_key(
        &self,
        actor: &Actor,
        id: ProjectId,
    ) -> ServiceResult<IngestKey> {
        self.get(actor, id).await?;
        actor.require_write_access()?;
        let key = IngestKey::generate();
        self.projects
            .set_ingest_key_hash(id, &IngestKey::hash_of(key.expose()))
            .await?;
        Ok(key)
    }

    /// Projects within the actor's tenancy, optionally of one company, newest first. A client
    /// naming another company gets an empty page, as for a company without projects.
    ///
    /// # Errors
    /// `InvalidCursor`; `Internal`.
    pub async fn list(
        &self,
        actor: &Actor,
        company_id: Option<CompanyId>,
        page: &PageRequest,
    ) -> ServiceResult<Page<WebProject>> {
        Ok(self.projects.list(actor.scope(), company_id, page).await?)
    }

    /// The company's active projects (not `DRAFT`, not `ARCHIVED`), newest first (access pattern 2).
    ///
    /// # Errors
    /// `NotFound` for another tenant's or a missing company (as the dashboard answers);
    /// `InvalidCursor`; `Internal`.
    pub async fn list_active(
        &self,
        actor: &Actor,
        company_id: CompanyId,
        page: &PageRequest,
    ) -> ServiceResult<Page<WebProject>> {
        actor.check_tenant(company_id)?;
        if actor.is_admin() {
            // A client's own company exists; an admin may name any id.
            self.companies.get(actor.scope(), company_id).await?;
        }
        Ok(self.projects.list_active(company_id, page).await?)
    }
}

#[cfg(test)]
mod tests;
