//! `PgWebProjectRepository`: mapping, unique domains, tenancy, keyset pages (all and active
//! projects), the active count and conditional saves.

use chrono::{DateTime, TimeZone, Utc};
use prosektor_application::{
    Conflict, PageRequest, ProjectChanges, RepositoryError, TenantScope, Transition,
    WebProjectRepository,
};
use prosektor_domain::{
    CompanyId, DateRange, DomainError, DomainName, ProjectId, ProjectName, ProjectStatus,
    RowVersion, ValidationReason, WebProject,
};
use prosektor_persistence::PgWebProjectRepository;
use uuid::Uuid;

use crate::support::{company, database, exec, figures};

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, day, 8, 0, 0).unwrap()
}

fn site(company: CompanyId, domain: Option<&str>, created: DateTime<Utc>) -> WebProject {
    WebProject::new(
        ProjectId::new_v7(),
        company,
        ProjectName::parse("Kurumsal Site").unwrap(),
        domain.map(|d| DomainName::parse(d).unwrap()),
        created,
    )
}

/// A stored project moved along `path` (each step applied from the status before it), as
/// stored.
async fn stored(
    repo: &PgWebProjectRepository,
    mut project: WebProject,
    path: &[ProjectStatus],
) -> WebProject {
    repo.create(&project).await.unwrap();
    for &to in path {
        let transition = Transition {
            from: project.status(),
            to,
        };
        project = repo
            .change_status(project.id(), transition, project.updated_at(), None)
            .await
            .unwrap();
    }
    project
}

/// Every item of a listing, page by page (`size` per page).
async fn collect<F, Fut>(size: u32, mut fetch: F) -> Vec<WebProject>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: std::future::Future<
            Output = prosektor_application::RepositoryResult<
                prosektor_application::Page<WebProject>,
            >,
        >,
{
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let page = fetch(PageRequest::new(size, cursor).unwrap())
            .await
            .unwrap();
        assert!(page.items.len() <= size as usize);
        all.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return all,
        }
    }
}

fn newest_first(mut projects: Vec<WebProject>) -> Vec<WebProject> {
    projects.sort_by_key(|p| std::cmp::Reverse((p.created_at(), p.id())));
    projects
}

#[tokio::test]
async fn a_project_round_trips_within_its_tenant() {
    let db = database().await;
    let repo = PgWebProjectRepository::new(db.connection().clone());
    let acme = company(db.connection(), "Acme OSGB").await;
    let other = company(db.connection(), "Beta OSGB").await;
    let project = site(acme, Some("Acme-OSGB.com.tr"), at(1));
    repo.create(&project).await.unwrap();
    assert_eq!(
        repo.get(TenantScope::All, project.id()).await.unwrap(),
        project
    );
    assert_eq!(
        repo.get(TenantScope::Company(acme), project.id())
            .await
            .unwrap(),
        project
    );
    assert_eq!(
        repo.get(TenantScope::Company(other), project.id()).await,
        Err(RepositoryError::NotFound)
    );
    assert_eq!(
        repo.create(&site(other, Some("acme-osgb.com.tr"), at(2)))
            .await,
        Err(RepositoryError::Conflict(Conflict::DomainTaken))
    );
    assert_eq!(
        repo.create(&site(CompanyId::new_v7(), None, at(2))).await,
        Err(RepositoryError::NotFound)
    );
}

#[tokio::test]
async fn updates_write_the_named_fields_in_scope_and_keep_domains_unique() {
    let db = database().await;
    let repo = PgWebProjectRepository::new(db.connection().clone());
    let acme = company(db.connection(), "Acme OSGB").await;
    let other = company(db.connection(), "Beta OSGB").await;
    stored(&repo, site(acme, Some("taken.com.tr"), at(1)), &[]).await;
    let project = stored(&repo, site(acme, None, at(2)), &[ProjectStatus::Building]).await;
    let id = project.id();
    let rename = ProjectChanges {
        name: Some(ProjectName::parse("Yeni Ad").unwrap()),
        ..ProjectChanges::default()
    };
    let renamed = repo
        .update(TenantScope::Company(acme), id, &rename, at(3), None)
        .await
        .unwrap();
    assert_eq!(
        (
            renamed.name().as_str(),
            renamed.status(),
            renamed.updated_at()
        ),
        ("Yeni Ad", ProjectStatus::Building, at(3))
    );
    let domain = |name: &str| ProjectChanges {
        domain: Some(Some(DomainName::parse(name).unwrap())),
        ..ProjectChanges::default()
    };
    let moved = repo
        .update(TenantScope::All, id, &domain("yeni.com.tr"), at(4), None)
        .await
        .unwrap();
    assert_eq!(moved.name().as_str(), "Yeni Ad", "the rename is kept");
    assert_eq!(repo.get(TenantScope::All, id).await.unwrap(), moved);

    assert_eq!(
        repo.update(TenantScope::All, id, &domain("taken.com.tr"), at(5), None)
            .await,
        Err(RepositoryError::Conflict(Conflict::DomainTaken))
    );
    assert_eq!(
        repo.update(TenantScope::Company(other), id, &rename, at(5), None)
            .await,
        Err(RepositoryError::NotFound),
        "another tenant's project"
    );
    assert_eq!(
        repo.update(
            TenantScope::All,
            id,
            &rename,
            at(5),
            Some(RowVersion::FIRST)
        )
        .await,
        Err(RepositoryError::PreconditionFailed)
    );
    assert_eq!(
        repo.update(TenantScope::All, ProjectId::new_v7(), &rename, at(5), None)
            .await,
        Err(RepositoryError::NotFound)
    );
}

#[tokio::test]
async fn a_status_change_applies_only_from_the_status_it_was_decided_on() {
    let db = database().await;
    let repo = PgWebProjectRepository::new(db.connection().clone());
    let acme = company(db.connection(), "Acme OSGB").await;
    let project = stored(&repo, site(acme, None, at(2)), &[ProjectStatus::Building]).await;
    let stale = Transition {
        from: ProjectStatus::Draft,
        to: ProjectStatus::Archived,
    };
    assert_eq!(
        repo.change_status(project.id(), stale, at(4), None).await,
        Err(RepositoryError::Conflict(Conflict::StaleState))
    );
    let live = Transition {
        from: ProjectStatus::Building,
        to: ProjectStatus::Live,
    };
    let changed = repo
        .change_status(project.id(), live, at(4), Some(project.version()))
        .await
        .unwrap();
    assert_eq!(
        (changed.status(), changed.updated_at()),
        (ProjectStatus::Live, at(4))
    );
    assert_eq!(
        repo.change_status(ProjectId::new_v7(), live, at(4), None)
            .await,
        Err(RepositoryError::NotFound)
    );
}

#[tokio::test]
async fn listings_page_through_every_project_once() {
    let db = database().await;
    let repo = PgWebProjectRepository::new(db.connection().clone());
    let acme = company(db.connection(), "Acme OSGB").await;
    let other = company(db.connection(), "Beta OSGB").await;
    let mut mine = Vec::new();
    for day in [1, 1, 1, 2, 3, 4, 4] {
        mine.push(stored(&repo, site(acme, None, at(day)), &[]).await);
    }
    let theirs = stored(&repo, site(other, None, at(9)), &[]).await;
    let mine = newest_first(mine);

    let scoped = collect(2, |page| {
        let repo = repo.clone();
        async move { repo.list(TenantScope::Company(acme), None, &page).await }
    })
    .await;
    assert_eq!(scoped, mine);
    let filtered = collect(3, |page| {
        let repo = repo.clone();
        async move { repo.list(TenantScope::All, Some(acme), &page).await }
    })
    .await;
    assert_eq!(filtered, mine);
    let all = collect(100, |page| {
        let repo = repo.clone();
        async move { repo.list(TenantScope::All, None, &page).await }
    })
    .await;
    assert_eq!(all.len(), 8);
    assert_eq!(all[0], theirs);
}

#[tokio::test]
async fn active_projects_are_neither_draft_nor_archived() {
    let db = database().await;
    let repo = PgWebProjectRepository::new(db.connection().clone());
    let acme = company(db.connection(), "Acme OSGB").await;
    let other = company(db.connection(), "Beta OSGB").await;
    use ProjectStatus::{Archived, Building, Live, Paused};
    let paths: [&[ProjectStatus]; 7] = [
        &[],
        &[Archived],
        &[Building],
        &[Building, Live],
        &[Building, Live, Paused],
        &[Building, Live],
        &[Building, Archived],
    ];
    let mut active = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let project = stored(&repo, site(acme, None, at(1 + (i as u32) / 2)), path).await;
        if project.is_active() {
            active.push(project);
        }
    }
    stored(&repo, site(other, None, at(1)), &[Building]).await;
    let active = newest_first(active);
    assert_eq!(active.len(), 4);

    let listed = collect(3, |page| {
        let repo = repo.clone();
        async move { repo.list_active(acme, &page).await }
    })
    .await;
    assert_eq!(listed, active);
    let count_active = async |company| {
        let window = DateRange::new(at(1).date_naive(), at(1).date_naive()).unwrap();
        figures(db.connection(), company, at(1).date_naive(), window)
            .await
            .active_projects
    };
    assert_eq!(count_active(acme).await, 4);
    assert_eq!(count_active(other).await, 1);

    let first = repo
        .list(
            TenantScope::All,
            Some(acme),
            &PageRequest::new(1, None).unwrap(),
        )
        .await;
    let foreign = PageRequest::new(1, first.unwrap().next_cursor).unwrap();
    assert_eq!(
        repo.list_active(acme, &foreign).await,
        Err(RepositoryError::InvalidCursor)
    );
}

#[tokio::test]
async fn a_row_the_domain_rejects_is_corrupt() {
    let db = database().await;
    let repo = PgWebProjectRepository::new(db.connection().clone());
    let acme = company(db.connection(), "Acme OSGB").await;
    let id = Uuid::now_v7();
    // The CHECK lets an IPv4 address through; the domain's host names refuse an all-digit TLD.
    exec(
        db.connection(),
        &format!(
            "INSERT INTO web_projects (id, company_id, name, domain, status) \
             VALUES ('{id}', '{acme}', 'Site', '10.0.0.1', 'LIVE')"
        ),
    )
    .await;
    let corrupt =
        RepositoryError::Corrupt(DomainError::invalid("domain", ValidationReason::Format));
    assert_eq!(
        repo.get(TenantScope::All, ProjectId::from_uuid(id)).await,
        Err(corrupt.clone())
    );
    assert_eq!(
        repo.list_active(acme, &PageRequest::first()).await,
        Err(corrupt)
    );
}

#[tokio::test]
async fn an_ingestion_key_hash_finds_its_project_until_replaced() {
    let db = database().await;
    let repo = PgWebProjectRepository::new(db.connection().clone());
    let acme = company(db.connection(), "Acme OSGB").await;
    let project = stored(&repo, site(acme, None, at(1)), &[]).await;
    let (first, second) = ("a".repeat(64), "b".repeat(64));

    assert_eq!(repo.find_by_ingest_key_hash(&first).await, Ok(None));
    repo.set_ingest_key_hash(project.id(), &first)
        .await
        .unwrap();
    assert_eq!(
        repo.find_by_ingest_key_hash(&first).await,
        Ok(Some(project.id()))
    );
    repo.set_ingest_key_hash(project.id(), &second)
        .await
        .unwrap();
    assert_eq!(repo.find_by_ingest_key_hash(&first).await, Ok(None));
    assert_eq!(
        repo.find_by_ingest_key_hash(&second).await,
        Ok(Some(project.id()))
    );
    assert_eq!(
        repo.set_ingest_key_hash(ProjectId::new_v7(), &first).await,
        Err(RepositoryError::NotFound)
    );
}
