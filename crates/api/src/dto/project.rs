//! Web projects on the wire.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;
use prosektor_application::ProjectChanges;
use prosektor_domain::{DomainName, ProjectName, WebProject};
use serde::Serialize;
use uuid::Uuid;

use super::enums::ProjectStatusDto;
use super::text::Text;
use super::timestamp::rfc3339;
use crate::convert::{change, field, optional};
use crate::error::ApiResult;
use crate::versioning::Versioned;

/// A website built and managed for a company.
#[derive(Debug, Clone, Object, Serialize)]
#[oai(rename = "Project")]
pub struct ProjectDto {
    /// The project's id.
    pub id: Uuid,
    /// The company it belongs to.
    pub company_id: Uuid,
    /// Its name.
    pub name: String,
    /// Its host name (lower-case), if one is set.
    pub domain: Option<String>,
    /// Where it is in its life; "active" means neither `DRAFT` nor `ARCHIVED`.
    pub status: ProjectStatusDto,
    /// When it was created.
    #[serde(serialize_with = "rfc3339")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(serialize_with = "rfc3339")]
    pub updated_at: DateTime<Utc>,
    /// Its version: one more after every change (also its `ETag`, for `If-Match`).
    pub version: i64,
}

impl Versioned for ProjectDto {
    fn version(&self) -> i64 {
        self.version
    }
}

impl From<&WebProject> for ProjectDto {
    fn from(project: &WebProject) -> Self {
        Self {
            id: project.id().as_uuid(),
            company_id: project.company_id().as_uuid(),
            name: project.name().as_str().to_owned(),
            domain: project.domain().map(|domain| domain.as_str().to_owned()),
            status: project.status().into(),
            created_at: project.created_at(),
            updated_at: project.updated_at(),
            version: project.version().get(),
        }
    }
}

/// A new project; it starts in `DRAFT`.
#[derive(Debug, Clone, Object)]
#[oai(rename = "NewProject", deny_unknown_fields)]
pub struct NewProjectDto {
    /// The company it is built for (a client may only name its own).
    pub company_id: Uuid,
    /// Its name, 1 to 200 characters.
    pub name: Text,
    /// Its host name (`anadolu-osgb.com.tr`), unique across projects.
    pub domain: Option<Text>,
}

impl NewProjectDto {
    /// The name and domain, validated by the domain.
    ///
    /// # Errors
    /// `422` naming `name` or `domain`.
    pub fn parse(&self) -> ApiResult<(ProjectName, Option<DomainName>)> {
        Ok((
            field("name", ProjectName::parse(&self.name))?,
            optional("domain", self.domain.as_deref(), DomainName::parse)?,
        ))
    }
}

/// Changes to a project: an absent field is kept; `domain: null` removes the domain.
#[derive(Debug, Clone, Default, Object)]
#[oai(rename = "ProjectPatch", deny_unknown_fields)]
pub struct ProjectPatchDto {
    /// A new name, 1 to 200 characters.
    pub name: Option<Text>,
    /// A new host name, or `null` to remove it. (No `#[oai(default)]` here: with it, poem-openapi
    /// would read `null` as absent.)
    pub domain: MaybeUndefined<Text>,
}

impl ProjectPatchDto {
    /// The patch, with every value validated.
    ///
    /// # Errors
    /// `422` naming `name` or `domain`.
    pub fn into_patch(self) -> ApiResult<ProjectChanges> {
        Ok(ProjectChanges {
            name: optional("name", self.name.as_deref(), ProjectName::parse)?,
            domain: change("domain", self.domain, DomainName::parse)?,
        })
    }
}

/// A status change (admins): `DRAFT -> BUILDING -> LIVE <-> PAUSED`, `BUILDING -> DRAFT`, and
/// any non-final status `-> ARCHIVED`.
#[derive(Debug, Clone, Object)]
#[oai(rename = "ProjectStatusChange", deny_unknown_fields)]
pub struct ProjectStatusChangeDto {
    /// The status to move to.
    pub status: ProjectStatusDto,
}

#[cfg(test)]
mod tests {
    use poem_openapi::types::ParseFromJSON;
    use serde_json::json;

    use super::*;

    fn patch(body: serde_json::Value) -> ProjectChanges {
        ProjectPatchDto::parse_from_json(Some(body))
            .expect("a valid body")
            .into_patch()
            .expect("valid values")
    }

    #[test]
    fn an_absent_domain_is_kept_null_removes_it_and_a_value_sets_it() {
        assert_eq!(patch(json!({})).domain, None);
        assert_eq!(patch(json!({"domain": null})).domain, Some(None));
        let set = patch(json!({"domain": "Acme.com.tr", "name": " Site "}));
        assert_eq!(
            set.domain
                .flatten()
                .map(|domain| domain.as_str().to_owned()),
            Some("acme.com.tr".to_owned())
        );
        assert_eq!(
            set.name.map(|name| name.as_str().to_owned()),
            Some("Site".into())
        );
    }
}

/// A project's new ingestion key, shown only once.
#[derive(Debug, Clone, Object)]
#[oai(rename = "IngestKey")]
pub struct IngestKeyDto {
    /// The key (`psk_` and 64 hex digits); send it as the `X-Ingest-Key` header.
    pub ingest_key: String,
}
