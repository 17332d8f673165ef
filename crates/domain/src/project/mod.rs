//! Web projects: the [`WebProject`] entity, a website built and managed for a company, with its
//! [`ProjectName`] and [`ProjectStatus`]. Its domain is a [`DomainName`].

mod status;

pub use status::ProjectStatus;

use chrono::{DateTime, Utc};

use crate::domain_name::DomainName;
use crate::error::DomainResult;
use crate::ids::{CompanyId, ProjectId};
use crate::text::bounded_text;
use crate::version::RowVersion;

bounded_text! {
    /// A web project's name, trimmed, 1..=200 characters.
    ProjectName { field: "name", max: 200 }
}

/// A website built and managed for a company. Every change records `updated_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct WebProject {
    id: ProjectId,
    company_id: CompanyId,
    name: ProjectName,
    domain: Option<DomainName>,
    status: ProjectStatus,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: RowVersion,
}

impl WebProject {
    /// A new project in `DRAFT`, created and updated at `now`.
    pub const fn new(
        id: ProjectId,
        company_id: CompanyId,
        name: ProjectName,
        domain: Option<DomainName>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            company_id,
            name,
            domain,
            status: ProjectStatus::Draft,
            created_at: now,
            updated_at: now,
            version: RowVersion::FIRST,
        }
    }

    /// Rebuilds a stored project at `version`. Every combination of valid fields is a valid
    /// project.
    #[allow(
        clippy::too_many_arguments,
        reason = "one argument per stored column, as storage hands them over"
    )]
    pub const fn restore(
        id: ProjectId,
        company_id: CompanyId,
        name: ProjectName,
        domain: Option<DomainName>,
        status: ProjectStatus,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
        version: RowVersion,
    ) -> Self {
        Self {
            id,
            company_id,
            name,
            domain,
            status,
            created_at,
            updated_at,
            version,
        }
    }

    /// Renames the project.
    pub fn rename(&mut self, name: ProjectName, now: DateTime<Utc>) {
        self.name = name;
        self.updated_at = now;
    }

    /// Sets or clears the domain. Uniqueness across projects is the repository's job.
    pub fn set_domain(&mut self, domain: Option<DomainName>, now: DateTime<Utc>) {
        self.domain = domain;
        self.updated_at = now;
    }

    /// Moves to `to` along the documented transitions.
    ///
    /// # Errors
    ///
    /// [`DomainError::InvalidTransition`](crate::DomainError::InvalidTransition) for any other move;
    /// nothing changes then.
    pub fn change_status(&mut self, to: ProjectStatus, now: DateTime<Utc>) -> DomainResult<()> {
        self.status = self.status.transition_to(to)?;
        self.updated_at = now;
        Ok(())
    }

    /// Whether the project counts as active (see [`ProjectStatus::is_active`]).
    pub const fn is_active(&self) -> bool {
        self.status.is_active()
    }

    /// The project's id.
    pub const fn id(&self) -> ProjectId {
        self.id
    }

    /// The owning company (the tenant).
    pub const fn company_id(&self) -> CompanyId {
        self.company_id
    }

    /// The project's name.
    pub const fn name(&self) -> &ProjectName {
        &self.name
    }

    /// The site's domain, if assigned.
    pub const fn domain(&self) -> Option<&DomainName> {
        self.domain.as_ref()
    }

    /// The current status.
    pub const fn status(&self) -> ProjectStatus {
        self.status
    }

    /// When the project was created.
    pub const fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// When the project last changed.
    pub const fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }

    /// The version it was stored at (see [`RowVersion`]).
    pub const fn version(&self) -> RowVersion {
        self.version
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DomainError, ValidationReason};
    use chrono::{Duration, TimeZone};

    fn t(minutes: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 7, 1, 9, 0, 0).unwrap() + Duration::minutes(minutes)
    }

    fn project() -> WebProject {
        WebProject::new(
            ProjectId::new_v7(),
            CompanyId::new_v7(),
            ProjectName::parse("Site").unwrap(),
            None,
            t(0),
        )
    }

    #[test]
    fn name_is_trimmed_and_bounded() {
        assert_eq!(
            ProjectName::parse(" Kurumsal Site ").unwrap().as_str(),
            "Kurumsal Site"
        );
        assert_eq!(
            ProjectName::parse(""),
            Err(DomainError::invalid("name", ValidationReason::Empty))
        );
        assert!(ProjectName::parse(&"x".repeat(200)).is_ok());
        assert!(ProjectName::parse(&"x".repeat(201)).is_err());
    }

    #[test]
    fn starts_as_draft() {
        let project = project();
        assert_eq!(
            (project.status(), project.is_active()),
            (ProjectStatus::Draft, false)
        );
        assert_eq!((project.created_at(), project.updated_at()), (t(0), t(0)));
    }

    #[test]
    fn changes_update_the_timestamp() {
        let mut project = project();
        project.rename(ProjectName::parse("New").unwrap(), t(1));
        assert_eq!(
            (project.name().as_str(), project.updated_at()),
            ("New", t(1))
        );
        let domain = DomainName::parse("acme.com.tr").unwrap();
        project.set_domain(Some(domain.clone()), t(2));
        assert_eq!(
            (project.domain(), project.updated_at()),
            (Some(&domain), t(2))
        );
        project
            .change_status(ProjectStatus::Building, t(3))
            .unwrap();
        project.change_status(ProjectStatus::Live, t(4)).unwrap();
        assert_eq!((project.is_active(), project.updated_at()), (true, t(4)));
        assert_eq!(project.created_at(), t(0));
    }

    #[test]
    fn refused_transitions_change_nothing() {
        let mut project = project();
        assert_eq!(
            project.change_status(ProjectStatus::Live, t(1)),
            Err(DomainError::InvalidTransition {
                entity: "web_project",
                from: "DRAFT",
                to: "LIVE"
            })
        );
        assert_eq!(
            (project.status(), project.updated_at()),
            (ProjectStatus::Draft, t(0))
        );
        project
            .change_status(ProjectStatus::Archived, t(2))
            .unwrap();
        assert!(project.change_status(ProjectStatus::Draft, t(3)).is_err());
    }

    #[test]
    fn restore_keeps_every_field() {
        let name = ProjectName::parse("Site").unwrap();
        let id = ProjectId::new_v7();
        let company = CompanyId::new_v7();
        let restored = WebProject::restore(
            id,
            company,
            name,
            None,
            ProjectStatus::Paused,
            t(0),
            t(9),
            RowVersion::FIRST,
        );
        assert_eq!((restored.id(), restored.company_id()), (id, company));
        assert_eq!(
            (restored.status(), restored.updated_at()),
            (ProjectStatus::Paused, t(9))
        );
    }
}
