//! Unit tests of [`ProjectService`]'s decisions: clients manage their own company's projects,
//! status changes are admin-only and go through the state machine, saves are conditional.

use std::sync::Arc;

use prosektor_domain::{Company, CompanyName, CompanyStatus, DomainError};

use crate::ports::changes::ProjectChanges;
use crate::ports::scope::TenantScope;

use super::*;
use crate::mocks::{MockCompanyRepository, MockWebProjectRepository};
use crate::ports::error::{Conflict, RepositoryError};
use crate::services::error::ServiceError;
use crate::services::test_support::{
    NEW_ID, Outcome, admin, check_matrix, client, client_user, clock, empty_page, ids, now,
    other_company, own_company,
};

fn service(projects: MockWebProjectRepository) -> ProjectService {
    ProjectService::new(Arc::new(projects), Arc::new(companies()), clock(), ids())
}

/// Companies holding only [`own_company`].
fn companies() -> MockCompanyRepository {
    let mut companies = MockCompanyRepository::new();
    companies.expect_get().returning(|_, id| {
        if id == own_company() {
            let name = CompanyName::parse("Anadolu OSGB").unwrap();
            Ok(Company::new(id, name, None, now()))
        } else {
            Err(RepositoryError::NotFound)
        }
    });
    companies
}

fn name(text: &str) -> ProjectName {
    ProjectName::parse(text).unwrap()
}

/// A `DRAFT` project of `company`, created an hour before [`now`].
fn project(company: CompanyId) -> WebProject {
    WebProject::new(
        ProjectId::new_v7(),
        company,
        name("Kurumsal Site"),
        None,
        now() - chrono::Duration::hours(1),
    )
}

/// A repository holding `stored`, answering reads and writes within the caller's scope as the
/// port's contract says.
fn repository(stored: &WebProject) -> MockWebProjectRepository {
    let mut projects = MockWebProjectRepository::new();
    let row = stored.clone();
    projects.expect_get().returning(move |scope, id| {
        if id == row.id() && scope.allows(row.company_id()) {
            Ok(row.clone())
        } else {
            Err(RepositoryError::NotFound)
        }
    });
    let row = stored.clone();
    projects
        .expect_update()
        .returning(move |scope, _, _, _, _| {
            if scope.allows(row.company_id()) {
                Ok(row.clone())
            } else {
                Err(RepositoryError::NotFound)
            }
        });
    let row = stored.clone();
    projects
        .expect_change_status()
        .returning(move |_, _, _, _| Ok(row.clone()));
    projects
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Create,
    Rename,
    SetDomain,
    ChangeStatus,
    Get,
    List,
    ListActive,
}

async fn attempt(action: Action, actor: &Actor, allowed: bool) -> ServiceResult<()> {
    let stored = project(own_company());
    let mut projects = repository(&stored);
    projects
        .expect_create()
        .times(usize::from(allowed && action == Action::Create))
        .returning(|_| Ok(()));
    let scope = actor.scope();
    projects
        .expect_list()
        .withf(move |asked, _, _| *asked == scope)
        .returning(|_, _, _| Ok(empty_page()));
    projects
        .expect_list_active()
        .times(usize::from(allowed && action == Action::ListActive))
        .returning(|_, _| Ok(empty_page()));
    let projects = service(projects);
    let (id, company, page) = (stored.id(), own_company(), PageRequest::first());
    match action {
        Action::Create => projects
            .create(actor, company, name("Yeni"), None)
            .await
            .map(drop),
        Action::Rename => {
            let changes = ProjectChanges {
                name: Some(name("Yeni")),
                ..ProjectChanges::default()
            };
            projects.update(actor, id, changes, None).await.map(drop)
        }
        Action::SetDomain => {
            let changes = ProjectChanges {
                domain: Some(DomainName::parse("acme.com.tr").ok()),
                ..ProjectChanges::default()
            };
            projects.update(actor, id, changes, None).await.map(drop)
        }
        Action::ChangeStatus => projects
            .change_status(actor, id, ProjectStatus::Building, None)
            .await
            .map(drop),
        Action::Get => projects.get(actor, id).await.map(drop),
        Action::List => projects.list(actor, None, &page).await.map(drop),
        Action::ListActive => projects.list_active(actor, company, &page).await.map(drop),
    }
}

#[tokio::test]
async fn permission_matrix() {
    use Outcome::{Allowed as A, Forbidden as F, NotFound as N};
    let matrix = [
        (Action::Create, [A, A, N]),
        (Action::Rename, [A, A, N]),
        (Action::SetDomain, [A, A, N]),
        (Action::ChangeStatus, [A, F, F]),
        (Action::Get, [A, A, N]),
        (Action::List, [A, A, A]),
        (Action::ListActive, [A, A, N]),
    ];
    check_matrix(&matrix, attempt).await;
}

#[tokio::test]
async fn create_takes_id_and_time_from_the_ports() {
    let mut projects = MockWebProjectRepository::new();
    projects
        .expect_create()
        .withf(|project| {
            project.id() == ProjectId::from_uuid(NEW_ID)
                && project.company_id() == own_company()
                && project.status() == ProjectStatus::Draft
                && project.created_at() == now()
        })
        .times(1)
        .returning(|_| Ok(()));
    let created = service(projects)
        .create(&client(), own_company(), name("Site"), None)
        .await;
    assert_eq!(created.map(|p| p.updated_at()), Ok(now()));
}

#[tokio::test]
async fn status_changes_go_through_the_state_machine_and_apply_against_the_status_read() {
    let stored = project(own_company());
    let refused = service(repository(&stored))
        .change_status(&admin(), stored.id(), ProjectStatus::Paused, None)
        .await;
    assert_eq!(
        refused,
        Err(ServiceError::Domain(DomainError::InvalidTransition {
            entity: "web_project",
            from: "DRAFT",
            to: "PAUSED"
        }))
    );

    let mut projects = MockWebProjectRepository::new();
    let row = stored.clone();
    projects.expect_get().returning(move |_, _| Ok(row.clone()));
    let row = stored.clone();
    projects
        .expect_change_status()
        .withf(|_, transition, at, if_match| {
            *transition
                == Transition {
                    from: ProjectStatus::Draft,
                    to: ProjectStatus::Building,
                }
                && *at == now()
                && if_match.is_none()
        })
        .times(1)
        .returning(move |_, _, _, _| Ok(row.clone()));
    let applied = service(projects)
        .change_status(&admin(), stored.id(), ProjectStatus::Building, None)
        .await;
    assert_eq!(applied, Ok(stored));
}

#[tokio::test]
async fn an_update_names_only_its_fields_in_the_actors_scope_and_a_taken_domain_conflicts() {
    let stored = project(own_company());
    let mut projects = MockWebProjectRepository::new();
    projects
        .expect_update()
        .withf(|scope, _, changes, at, _| {
            *scope == TenantScope::Company(own_company())
                && changes.name.is_none()
                && changes.domain.is_some()
                && *at == now()
        })
        .returning(|_, _, _, _, _| Err(RepositoryError::Conflict(Conflict::DomainTaken)));
    let changes = ProjectChanges {
        domain: Some(DomainName::parse("acme.com.tr").ok()),
        ..ProjectChanges::default()
    };
    let refused = service(projects)
        .update(&client(), stored.id(), changes, None)
        .await;
    assert_eq!(refused, Err(ServiceError::Conflict(Conflict::DomainTaken)));
}

#[tokio::test]
async fn the_own_client_rotates_the_ingestion_key_and_only_its_hash_is_stored() {
    let stored = project(own_company());
    let id = stored.id();
    let mut projects = repository(&stored);
    let stored_hash = Arc::new(std::sync::Mutex::new(String::new()));
    let saved = stored_hash.clone();
    projects
        .expect_set_ingest_key_hash()
        .withf(move |asked, _| *asked == id)
        .times(1)
        .returning(move |_, hash| {
            *saved.lock().unwrap() = hash.to_owned();
            Ok(())
        });
    let key = service(projects)
        .rotate_ingest_key(&client(), id)
        .await
        .unwrap();
    assert_eq!(
        *stored_hash.lock().unwrap(),
        IngestKey::hash_of(key.expose())
    );
    assert_ne!(*stored_hash.lock().unwrap(), key.expose());
}

#[tokio::test]
async fn another_tenants_project_key_cannot_be_rotated() {
    let stored = project(other_company());
    let mut projects = repository(&stored);
    projects.expect_set_ingest_key_hash().times(0);
    assert_eq!(
        service(projects)
            .rotate_ingest_key(&client(), stored.id())
            .await
            .map(|_| ()),
        Err(ServiceError::NotFound)
    );
}

#[tokio::test]
async fn active_projects_of_a_missing_company_are_not_found_as_on_the_dashboard() {
    let mut projects = MockWebProjectRepository::new();
    projects.expect_list_active().times(0);
    let missing = other_company();
    let refused = service(projects)
        .list_active(&admin(), missing, &PageRequest::first())
        .await;
    assert_eq!(refused, Err(ServiceError::NotFound));
}

#[tokio::test]
async fn clients_of_a_suspended_company_read_projects_but_change_nothing() {
    let stored = project(own_company());
    let suspended = Actor::new(&client_user(own_company()), Some(CompanyStatus::Suspended));
    let mut projects = repository(&stored);
    projects.expect_create().times(0);
    projects.expect_set_ingest_key_hash().times(0);
    let projects = service(projects);
    assert_eq!(
        projects.get(&suspended, stored.id()).await,
        Ok(stored.clone())
    );
    let refusals = [
        projects
            .create(&suspended, own_company(), name("Yeni"), None)
            .await
            .map(drop),
        projects
            .update(&suspended, stored.id(), ProjectChanges::default(), None)
            .await
            .map(drop),
        projects
            .rotate_ingest_key(&suspended, stored.id())
            .await
            .map(drop),
    ];
    for refusal in refusals {
        assert_eq!(refusal, Err(ServiceError::CompanySuspended));
    }
}
