//! Unit tests of [`CompanyService`]'s decisions: admin-only fields, clients' own contact details,
//! tenancy, only the named fields changed, status changes applied against the status read, and
//! `If-Match` checked first.

use std::sync::Arc;

use prosektor_domain::{City, DangerClass, DomainError, Email, NaceCode, RowVersion};

use super::*;
use crate::mocks::MockCompanyRepository;
use crate::ports::changes::{CompanyChanges, DetailsChanges, Transition};
use crate::ports::error::{Conflict, RepositoryError};
use crate::services::error::ServiceError;
use crate::services::test_support::{
    NEW_ID, Outcome, admin, check_matrix, client, clock, empty_page, ids, now, other_company,
    own_company,
};

fn service(companies: MockCompanyRepository) -> CompanyService {
    CompanyService::new(Arc::new(companies), clock(), ids())
}

fn name(text: &str) -> CompanyName {
    CompanyName::parse(text).unwrap()
}

fn stored_company() -> Company {
    Company::new(own_company(), name("Acme OSGB"), None, now())
}

fn stored_details() -> CompanyDetails {
    CompanyDetails {
        danger_class: Some(DangerClass::Dangerous),
        city: Some(City::parse("Ankara").unwrap()),
        ..CompanyDetails::empty(own_company())
    }
}

/// A repository holding [`own_company`], answering reads as the port's contract says.
fn repository() -> MockCompanyRepository {
    let mut companies = MockCompanyRepository::new();
    companies.expect_get().returning(|scope, id| {
        if id == own_company() && scope.allows(id) {
            Ok(stored_company())
        } else {
            Err(RepositoryError::NotFound)
        }
    });
    companies.expect_get_details().returning(|scope, id| {
        if id == own_company() && scope.allows(id) {
            Ok(stored_details())
        } else {
            Err(RepositoryError::NotFound)
        }
    });
    companies
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Create,
    Get,
    Update,
    GetDetails,
    UpdateContactDetails,
    UpdateClassification,
    List,
    Search,
    Autocomplete,
}

async fn attempt(action: Action, actor: &Actor, allowed: bool) -> ServiceResult<()> {
    let mut companies = repository();
    let writes = |of: &[Action]| usize::from(allowed && of.contains(&action));
    companies
        .expect_create()
        .times(writes(&[Action::Create]))
        .returning(|_, _| Ok(()));
    companies
        .expect_update()
        .times(writes(&[Action::Update]))
        .returning(|_, _, _| Ok(stored_company()));
    companies
        .expect_update_details()
        .times(writes(&[
            Action::UpdateContactDetails,
            Action::UpdateClassification,
        ]))
        .returning(|_, _, _| Ok(stored_details()));
    let scope = actor.scope();
    companies
        .expect_list()
        .withf(move |asked, _| *asked == scope)
        .returning(|_, _| Ok(empty_page()));
    companies
        .expect_search()
        .times(writes(&[Action::Search]))
        .returning(|_, _| Ok(empty_page()));
    companies
        .expect_autocomplete()
        .times(writes(&[Action::Autocomplete]))
        .returning(|_, _| Ok(vec![]));
    let companies = service(companies);
    let id = own_company();
    let page = PageRequest::first();
    match action {
        Action::Create => {
            let new = NewCompany {
                name: name("New"),
                tax_id: None,
            };
            companies.create(actor, new).await.map(drop)
        }
        Action::Get => companies.get(actor, id).await.map(drop),
        Action::Update => {
            let update = CompanyUpdate {
                name: Some(name("Renamed")),
                ..CompanyUpdate::default()
            };
            companies.update(actor, id, update, None).await.map(drop)
        }
        Action::GetDetails => companies.get_details(actor, id).await.map(drop),
        Action::UpdateContactDetails => {
            let changes = DetailsChanges {
                city: Some(None),
                ..DetailsChanges::default()
            };
            companies
                .update_details(actor, id, changes, None)
                .await
                .map(drop)
        }
        Action::UpdateClassification => {
            let changes = DetailsChanges {
                nace_code: Some(None),
                ..DetailsChanges::default()
            };
            companies
                .update_details(actor, id, changes, None)
                .await
                .map(drop)
        }
        Action::List => companies.list(actor, &page).await.map(drop),
        Action::Search => {
            let text = SearchText::parse("acme").unwrap();
            companies.search(actor, &text, &page).await.map(drop)
        }
        Action::Autocomplete => {
            let prefix = SearchText::parse("ac").unwrap();
            companies.autocomplete(actor, &prefix, 10).await.map(drop)
        }
    }
}

#[tokio::test]
async fn permission_matrix() {
    use Outcome::{Allowed as A, Forbidden as F, NotFound as N};
    let matrix = [
        (Action::Create, [A, F, F]),
        (Action::Get, [A, A, N]),
        (Action::Update, [A, F, F]),
        (Action::GetDetails, [A, A, N]),
        (Action::UpdateContactDetails, [A, A, N]),
        (Action::UpdateClassification, [A, F, F]),
        (Action::List, [A, A, A]),
        (Action::Search, [A, F, F]),
        (Action::Autocomplete, [A, F, F]),
    ];
    check_matrix(&matrix, attempt).await;
}

#[tokio::test]
async fn create_stores_a_lead_with_empty_details() {
    let mut companies = MockCompanyRepository::new();
    companies
        .expect_create()
        .withf(|company, details| {
            company.id() == CompanyId::from_uuid(NEW_ID)
                && company.status() == CompanyStatus::Lead
                && company.created_at() == now()
                && *details == CompanyDetails::empty(company.id())
        })
        .times(1)
        .returning(|_, _| Ok(()));
    let new = NewCompany {
        name: name("Şişli OSGB"),
        tax_id: Some(TaxId::parse("4540536920").unwrap()),
    };
    let created = service(companies).create(&admin(), new).await.unwrap();
    assert_eq!(created.name().as_str(), "Şişli OSGB");
}

#[tokio::test]
async fn a_status_change_is_applied_against_the_status_read_with_the_named_fields() {
    let mut companies = repository();
    companies
        .expect_update()
        .withf(|id, changes, if_match| {
            *id == own_company()
                && *changes
                    == CompanyChanges {
                        name: None,
                        tax_id: Some(TaxId::parse("10000000146").ok()),
                        status: Some(Transition {
                            from: CompanyStatus::Lead,
                            to: CompanyStatus::Active,
                        }),
                    }
                && *if_match == Some(RowVersion::FIRST)
        })
        .times(1)
        .returning(|_, _, _| Ok(stored_company()));
    let update = CompanyUpdate {
        status: Some(CompanyStatus::Active),
        tax_id: Some(TaxId::parse("10000000146").ok()),
        name: None,
    };
    let updated = service(companies)
        .update(&admin(), own_company(), update, Some(RowVersion::FIRST))
        .await
        .unwrap();
    assert_eq!(updated.name().as_str(), "Acme OSGB");
}

#[tokio::test]
async fn a_rename_reads_nothing_and_never_depends_on_the_status() {
    let mut companies = MockCompanyRepository::new();
    companies.expect_get().times(0);
    companies
        .expect_update()
        .withf(|_, changes, _| changes.status.is_none() && changes.name.is_some())
        .times(1)
        .returning(|_, _, _| Ok(stored_company()));
    let update = CompanyUpdate {
        name: Some(name("Renamed")),
        ..CompanyUpdate::default()
    };
    assert!(
        service(companies)
            .update(&admin(), own_company(), update, None)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_stale_if_match_is_refused_before_the_transition_is_judged() {
    let mut companies = repository();
    companies.expect_update().times(0);
    let update = CompanyUpdate {
        status: Some(CompanyStatus::Suspended),
        ..CompanyUpdate::default()
    };
    let stale = RowVersion::new(9).unwrap();
    let refused = service(companies)
        .update(&admin(), own_company(), update, Some(stale))
        .await;
    assert_eq!(refused, Err(ServiceError::PreconditionFailed));
}

#[tokio::test]
async fn a_refused_status_change_writes_nothing_and_a_lost_race_conflicts() {
    let mut companies = repository();
    companies.expect_update().times(0);
    let update = CompanyUpdate {
        status: Some(CompanyStatus::Suspended),
        ..CompanyUpdate::default()
    };
    let refused = service(companies)
        .update(&admin(), own_company(), update, None)
        .await;
    assert_eq!(
        refused,
        Err(ServiceError::Domain(DomainError::InvalidTransition {
            entity: "company",
            from: "LEAD",
            to: "SUSPENDED"
        }))
    );

    let mut companies = repository();
    companies
        .expect_update()
        .returning(|_, _, _| Err(RepositoryError::Conflict(Conflict::StaleState)));
    let update = CompanyUpdate {
        status: Some(CompanyStatus::Churned),
        ..CompanyUpdate::default()
    };
    let lost = service(companies)
        .update(&admin(), own_company(), update, None)
        .await;
    assert_eq!(lost, Err(ServiceError::Conflict(Conflict::StaleState)));
}

#[tokio::test]
async fn details_updates_hand_over_only_the_named_fields_and_classification_is_for_admins() {
    let email = Email::parse("info@acme.example.com").unwrap();
    let contact = DetailsChanges {
        contact_email: Some(Some(email)),
        city: Some(None),
        ..DetailsChanges::default()
    };
    let mut companies = repository();
    let named = contact.clone();
    companies
        .expect_update_details()
        .withf(move |id, changes, _| *id == own_company() && *changes == named)
        .times(1)
        .returning(|_, _, _| Ok(stored_details()));
    let companies = service(companies);
    assert!(
        companies
            .update_details(&client(), own_company(), contact, None)
            .await
            .is_ok()
    );
    let mixed = DetailsChanges {
        city: Some(None),
        danger_class: Some(Some(DangerClass::VeryDangerous)),
        ..DetailsChanges::default()
    };
    assert_eq!(
        companies
            .update_details(&client(), own_company(), mixed, None)
            .await,
        Err(ServiceError::Forbidden),
        "a client naming the classification"
    );

    let classification = DetailsChanges {
        danger_class: Some(Some(DangerClass::VeryDangerous)),
        nace_code: Some(NaceCode::parse("86.90").ok()),
        ..DetailsChanges::default()
    };
    let mut repo = repository();
    let named = classification.clone();
    repo.expect_update_details()
        .withf(move |_, changes, _| *changes == named)
        .times(1)
        .returning(|_, _, _| Ok(stored_details()));
    let classified = service(repo)
        .update_details(&admin(), own_company(), classification, None)
        .await;
    assert_eq!(classified, Ok(stored_details()));
}

#[tokio::test]
async fn another_tenants_company_is_refused_before_any_read() {
    let mut companies = MockCompanyRepository::new();
    companies.expect_get().times(0);
    companies.expect_get_details().times(0);
    companies.expect_update_details().times(0);
    let companies = service(companies);
    let other = other_company();
    assert_eq!(
        companies.get(&client(), other).await,
        Err(ServiceError::NotFound)
    );
    assert_eq!(
        companies
            .update_details(&client(), other, DetailsChanges::default(), None)
            .await,
        Err(ServiceError::NotFound)
    );
}
