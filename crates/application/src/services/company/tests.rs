//! Unit tests of [`CompanyService`]'s decisions: admin-only fields, clients' own contact details,
//! tenancy, and status changes saved against the status read.

use std::sync::Arc;

use prosektor_domain::DomainError;

use super::*;
use crate::mocks::MockCompanyRepository;
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
}

async fn attempt(action: Action, actor: &Actor, allowed: bool) -> ServiceResult<()> {
    let mut companies = repository();
    let writes = |of: &[Action]| usize::from(allowed && of.contains(&action));
    companies
        .expect_create()
        .times(writes(&[Action::Create]))
        .returning(|_, _| Ok(()));
    companies
        .expect_save()
        .times(writes(&[Action::Update]))
        .returning(|_, _| Ok(()));
    companies
        .expect_save_details()
        .times(writes(&[
            Action::UpdateContactDetails,
            Action::UpdateClassification,
        ]))
        .returning(|_, _| Ok(()));
    let scope = actor.scope();
    companies
        .expect_list()
        .withf(move |asked, _| *asked == scope)
        .returning(|_, _| Ok(empty_page()));
    companies
        .expect_search()
        .times(writes(&[Action::Search]))
        .returning(|_, _| Ok(empty_page()));
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
            companies.update(actor, id, update).await.map(drop)
        }
        Action::GetDetails => companies.get_details(actor, id).await.map(drop),
        Action::UpdateContactDetails => companies
            .update_contact_details(actor, id, ContactDetailsUpdate::default())
            .await
            .map(drop),
        Action::UpdateClassification => companies
            .update_classification(actor, id, ClassificationUpdate::default())
            .await
            .map(drop),
        Action::List => companies.list(actor, &page).await.map(drop),
        Action::Search => {
            let text = SearchText::parse("acme").unwrap();
            companies.search(actor, &text, &page).await.map(drop)
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
async fn a_status_change_is_saved_against_the_status_read() {
    let mut companies = repository();
    companies
        .expect_save()
        .withf(|company, expected| {
            company.status() == CompanyStatus::Active
                && company.tax_id().map(TaxId::as_str) == Some("10000000146")
                && *expected == CompanyStatus::Lead
        })
        .times(1)
        .returning(|_, _| Ok(()));
    let update = CompanyUpdate {
        status: Some(CompanyStatus::Active),
        tax_id: Some(TaxId::parse("10000000146").ok()),
        name: None,
    };
    let updated = service(companies)
        .update(&admin(), own_company(), update)
        .await
        .unwrap();
    assert_eq!(updated.name().as_str(), "Acme OSGB");
}

#[tokio::test]
async fn a_refused_status_change_writes_nothing_and_a_lost_race_conflicts() {
    let mut companies = repository();
    companies.expect_save().times(0);
    let update = CompanyUpdate {
        status: Some(CompanyStatus::Suspended),
        ..CompanyUpdate::default()
    };
    let refused = service(companies)
        .update(&admin(), own_company(), update)
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
        .expect_save()
        .returning(|_, _| Err(RepositoryError::Conflict(Conflict::StaleState)));
    let update = CompanyUpdate {
        status: Some(CompanyStatus::Churned),
        ..CompanyUpdate::default()
    };
    let lost = service(companies)
        .update(&admin(), own_company(), update)
        .await;
    assert_eq!(lost, Err(ServiceError::Conflict(Conflict::StaleState)));
}

#[tokio::test]
async fn contact_and_classification_updates_touch_only_their_fields() {
    let email = Email::parse("info@acme.example.com").unwrap();
    let mut companies = repository();
    let saved_email = email.clone();
    companies
        .expect_save_details()
        .withf(move |details, part| {
            *part == DetailsPart::Contact
                && *details
                    == CompanyDetails {
                        contact_email: Some(saved_email.clone()),
                        city: None,
                        ..stored_details()
                    }
        })
        .times(1)
        .returning(|_, _| Ok(()));
    let update = ContactDetailsUpdate {
        contact_email: Some(Some(email)),
        city: Some(None),
        ..ContactDetailsUpdate::default()
    };
    let companies = service(companies);
    assert!(
        companies
            .update_contact_details(&client(), own_company(), update)
            .await
            .is_ok()
    );

    let mut repo = repository();
    repo.expect_save_details()
        .withf(|details, part| {
            *part == DetailsPart::Classification
                && *details
                    == CompanyDetails {
                        danger_class: Some(DangerClass::VeryDangerous),
                        nace_code: Some(NaceCode::parse("86.90").unwrap()),
                        ..stored_details()
                    }
        })
        .times(1)
        .returning(|_, _| Ok(()));
    let update = ClassificationUpdate {
        danger_class: Some(Some(DangerClass::VeryDangerous)),
        nace_code: Some(NaceCode::parse("86.90").ok()),
    };
    let classified = service(repo)
        .update_classification(&admin(), own_company(), update)
        .await;
    assert_eq!(
        classified.map(|details| details.danger_class),
        Ok(Some(DangerClass::VeryDangerous))
    );
}

#[tokio::test]
async fn another_tenants_company_is_refused_before_any_read() {
    let mut companies = MockCompanyRepository::new();
    companies.expect_get().times(0);
    companies.expect_get_details().times(0);
    companies.expect_save_details().times(0);
    let companies = service(companies);
    let other = other_company();
    assert_eq!(
        companies.get(&client(), other).await,
        Err(ServiceError::NotFound)
    );
    let update = ContactDetailsUpdate::default();
    assert_eq!(
        companies
            .update_contact_details(&client(), other, update)
            .await,
        Err(ServiceError::NotFound)
    );
}
