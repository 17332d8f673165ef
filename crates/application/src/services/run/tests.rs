//! Unit tests of [`RunService`]'s decisions: tenancy through the project, one active run per
//! project, conditional cancels, clamped log pages, scoped site reads.

use std::sync::Arc;

use mockall::predicate::eq;
use prosektor_domain::{CompanyId, DomainError, PagePath, ProjectName, RunStatus, WebProject};

use super::*;
use crate::mocks::{MockPageRepository, MockPipelineRunRepository, MockWebProjectRepository};
use crate::ports::error::{Conflict, RepositoryError};
use crate::ports::scope::TenantScope;
use crate::services::error::ServiceError;
use crate::services::test_support::{
    NEW_ID, admin, client, clock, ids, now, other_company, own_company,
};

fn project(company: CompanyId) -> WebProject {
    let name = ProjectName::parse("Kurumsal Site").unwrap();
    WebProject::new(ProjectId::new_v7(), company, name, None, now())
}

/// Projects answering `stored` within scope, `NotFound` otherwise.
fn projects(stored: &WebProject) -> MockWebProjectRepository {
    let mut projects = MockWebProjectRepository::new();
    let row = stored.clone();
    projects.expect_get().returning(move |scope, id| {
        if id == row.id() && scope.allows(row.company_id()) {
            Ok(row.clone())
        } else {
            Err(RepositoryError::NotFound)
        }
    });
    projects
}

fn service(
    runs: MockPipelineRunRepository,
    pages: MockPageRepository,
    projects: MockWebProjectRepository,
) -> RunService {
    RunService::new(
        Arc::new(runs),
        Arc::new(pages),
        Arc::new(projects),
        clock(),
        ids(),
    )
}

fn input() -> RunInput {
    RunInput::parse("{}").unwrap()
}

fn queued(project: ProjectId) -> PipelineRun {
    PipelineRun::queue(RunId::new_v7(), project, input(), 3, now()).unwrap()
}

#[tokio::test]
async fn start_queues_a_run_of_a_visible_project() {
    let own = project(own_company());
    let mut runs = MockPipelineRunRepository::new();
    runs.expect_enqueue().times(2).returning(|_| Ok(()));
    let service = service(runs, MockPageRepository::new(), projects(&own));
    for actor in [admin(), client()] {
        let run = service.start(&actor, own.id(), input()).await.unwrap();
        assert_eq!(run.id().as_uuid(), NEW_ID);
        assert_eq!(
            (run.project_id(), run.status(), run.attempt()),
            (own.id(), RunStatus::Queued, 0)
        );
        assert_eq!(
            (run.max_attempts(), run.created_at(), run.run_after()),
            (RUN_MAX_ATTEMPTS, now(), now())
        );
    }
}

#[tokio::test]
async fn start_refuses_another_tenants_project_before_enqueueing() {
    let theirs = project(other_company());
    let runs = MockPipelineRunRepository::new(); // no enqueue expected
    let service = service(runs, MockPageRepository::new(), projects(&theirs));
    assert_eq!(
        service.start(&client(), theirs.id(), input()).await,
        Err(ServiceError::NotFound)
    );
    assert_eq!(
        service
            .list_for_project(&client(), theirs.id(), &PageRequest::first())
            .await,
        Err(ServiceError::NotFound)
    );
}

#[tokio::test]
async fn a_second_start_while_one_is_active_is_a_conflict() {
    let own = project(own_company());
    let mut runs = MockPipelineRunRepository::new();
    runs.expect_enqueue()
        .returning(|_| Err(RepositoryError::Conflict(Conflict::ActiveRunExists)));
    let service = service(runs, MockPageRepository::new(), projects(&own));
    assert_eq!(
        service.start(&client(), own.id(), input()).await,
        Err(ServiceError::Conflict(Conflict::ActiveRunExists))
    );
}

#[tokio::test]
async fn cancel_saves_on_condition_of_the_status_read() {
    let stored = queued(ProjectId::new_v7());
    let mut runs = MockPipelineRunRepository::new();
    let row = stored.clone();
    runs.expect_get()
        .with(eq(TenantScope::Company(own_company())), eq(stored.id()))
        .returning(move |_, _| Ok(row.clone()));
    runs.expect_save()
        .withf(|run, expected| {
            run.status() == RunStatus::Cancelled
                && run.finished_at() == Some(now())
                && *expected == RunStatus::Queued
        })
        .times(1)
        .returning(|_, _| Ok(()));
    let service = service(
        runs,
        MockPageRepository::new(),
        MockWebProjectRepository::new(),
    );
    let cancelled = service.cancel(&client(), stored.id()).await.unwrap();
    assert_eq!(cancelled.status(), RunStatus::Cancelled);
}

#[tokio::test]
async fn a_finished_run_cannot_be_cancelled() {
    let mut stored = queued(ProjectId::new_v7());
    stored.start(now()).unwrap();
    stored.succeed(now()).unwrap();
    let mut runs = MockPipelineRunRepository::new();
    runs.expect_get().returning(move |_, _| Ok(stored.clone()));
    runs.expect_save().never();
    let service = service(
        runs,
        MockPageRepository::new(),
        MockWebProjectRepository::new(),
    );
    assert_eq!(
        service.cancel(&admin(), RunId::new_v7()).await,
        Err(ServiceError::Domain(DomainError::InvalidTransition {
            entity: "pipeline_run",
            from: "SUCCEEDED",
            to: "CANCELLED",
        }))
    );
}

#[tokio::test]
async fn log_pages_are_clamped() {
    let id = RunId::new_v7();
    let mut runs = MockPipelineRunRepository::new();
    for (after, limit) in [(0, 1), (7, MAX_LOG_LINES), (7, 20)] {
        runs.expect_logs()
            .with(eq(TenantScope::All), eq(id), eq(after), eq(limit))
            .times(1)
            .returning(|_, _, _, _| Ok(Vec::new()));
    }
    let service = service(
        runs,
        MockPageRepository::new(),
        MockWebProjectRepository::new(),
    );
    let admin = admin();
    assert_eq!(service.logs(&admin, id, -5, 0).await, Ok(Vec::new()));
    assert_eq!(service.logs(&admin, id, 7, 100_000).await, Ok(Vec::new()));
    assert_eq!(service.logs(&admin, id, 7, 20).await, Ok(Vec::new()));
}

#[tokio::test]
async fn site_pages_are_read_in_the_actors_scope() {
    let project_id = ProjectId::new_v7();
    let run_id = RunId::new_v7();
    let page = SitePage::new(
        PagePath::parse("index.html").unwrap(),
        "Ana Sayfa".to_owned(),
        "<!DOCTYPE html>".to_owned(),
    );
    let mut pages = MockPageRepository::new();
    let published = page.clone();
    pages
        .expect_published_page()
        .with(
            eq(TenantScope::Company(own_company())),
            eq(project_id),
            eq("index.html"),
        )
        .returning(move |_, _, _| Ok(published.clone()));
    pages
        .expect_run_page()
        .with(
            eq(TenantScope::Company(own_company())),
            eq(run_id),
            eq("sss.html"),
        )
        .returning(|_, _, _| Err(RepositoryError::NotFound));
    let service = service(
        MockPipelineRunRepository::new(),
        pages,
        MockWebProjectRepository::new(),
    );
    assert_eq!(
        service.site_page(&client(), project_id, "index.html").await,
        Ok(page)
    );
    assert_eq!(
        service.run_page(&client(), run_id, "sss.html").await,
        Err(ServiceError::NotFound)
    );
}
