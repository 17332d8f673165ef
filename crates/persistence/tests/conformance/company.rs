//! `PgCompanyRepository`: create/get/save of companies and details, atomicity, tenancy, mapping of
//! corrupt rows, and keyset pagination. Search is in `company/search.rs`.

mod search;

use prosektor_application::{
    CompanyRepository, Conflict, Cursor, DetailsPart, PageRequest, RepositoryError, TenantScope,
};
use prosektor_domain::{
    Address, City, Company, CompanyDetails, CompanyId, CompanyName, CompanyStatus, DangerClass,
    DomainError, Email, NaceCode, Phone, TaxId, ValidationReason,
};
use prosektor_persistence::PgCompanyRepository;

use crate::support;

/// A new company (a `LEAD`) named `name`.
pub(crate) fn new_company(name: &str, tax_id: Option<&str>) -> Company {
    Company::new(
        CompanyId::new_v7(),
        CompanyName::parse(name).unwrap(),
        tax_id.map(|tax_id| TaxId::parse(tax_id).unwrap()),
        support::now(),
    )
}

/// Details with every field filled in.
fn full_details(company: CompanyId) -> CompanyDetails {
    CompanyDetails {
        company_id: company,
        address: Some(Address::parse("Halaskargazi Cad. No:1").unwrap()),
        city: Some(City::parse("İstanbul").unwrap()),
        danger_class: Some(DangerClass::VeryDangerous),
        nace_code: Some(NaceCode::parse("86.21.01").unwrap()),
        contact_email: Some(Email::parse("iletisim@sisli.example.com").unwrap()),
        contact_phone: Some(Phone::parse("0532 123 45 67").unwrap()),
    }
}

/// Stores `company` with empty details.
pub(crate) async fn stored(repo: &PgCompanyRepository, company: Company) -> Company {
    repo.create(&company, &CompanyDetails::empty(company.id()))
        .await
        .unwrap();
    company
}

#[tokio::test]
async fn create_stores_the_company_and_its_details_and_get_reads_them_back() {
    let db = support::database().await;
    let repo = PgCompanyRepository::new(db.connection().clone());
    let company = new_company("Şişli OSGB", Some("4540536920"));
    let details = full_details(company.id());
    repo.create(&company, &details).await.unwrap();

    for scope in [TenantScope::All, TenantScope::Company(company.id())] {
        assert_eq!(repo.get(scope, company.id()).await.unwrap(), company);
        assert_eq!(
            repo.get_details(scope, company.id()).await.unwrap(),
            details
        );
    }
}

#[tokio::test]
async fn create_is_atomic_and_reports_a_taken_tax_id() {
    let db = support::database().await;
    let repo = PgCompanyRepository::new(db.connection().clone());
    stored(&repo, new_company("First", Some("4540536920"))).await;

    let twin = new_company("Second", Some("4540536920"));
    assert_eq!(
        repo.create(&twin, &CompanyDetails::empty(twin.id())).await,
        Err(RepositoryError::Conflict(Conflict::TaxIdTaken))
    );
    assert_eq!(
        repo.get(TenantScope::All, twin.id()).await,
        Err(RepositoryError::NotFound)
    );

    // Details of another (missing) company fail after the company row was inserted: the
    // transaction rolls the company back too.
    let orphan = new_company("Orphan", None);
    let result = repo
        .create(&orphan, &CompanyDetails::empty(CompanyId::new_v7()))
        .await;
    assert_eq!(result, Err(RepositoryError::NotFound));
    assert_eq!(
        repo.get(TenantScope::All, orphan.id()).await,
        Err(RepositoryError::NotFound)
    );
}

#[tokio::test]
async fn another_tenant_sees_nothing() {
    let db = support::database().await;
    let repo = PgCompanyRepository::new(db.connection().clone());
    let mine = stored(&repo, new_company("Mine", None)).await;
    let theirs = stored(&repo, new_company("Theirs", None)).await;
    let scope = TenantScope::Company(mine.id());

    assert_eq!(
        repo.get(scope, theirs.id()).await,
        Err(RepositoryError::NotFound)
    );
    assert_eq!(
        repo.get_details(scope, theirs.id()).await,
        Err(RepositoryError::NotFound)
    );
    let page = repo.list(scope, &PageRequest::first()).await.unwrap();
    assert_eq!(page.items, vec![mine.clone()]);
    let everything = repo
        .list(TenantScope::All, &PageRequest::first())
        .await
        .unwrap();
    assert_eq!(everything.items, vec![mine, theirs]);
}

#[tokio::test]
async fn save_is_conditional_on_the_expected_status() {
    let db = support::database().await;
    let repo = PgCompanyRepository::new(db.connection().clone());
    let mut company = stored(&repo, new_company("Old name", None)).await;
    stored(&repo, new_company("Other", Some("17291716060"))).await;

    company.rename(CompanyName::parse("New name").unwrap());
    company.set_tax_id(Some(TaxId::parse("10000000146").unwrap()));
    company.change_status(CompanyStatus::Active).unwrap();
    repo.save(&company, CompanyStatus::Lead).await.unwrap();
    assert_eq!(
        repo.get(TenantScope::All, company.id()).await.unwrap(),
        company
    );

    // A second writer that still believes the company is a lead loses.
    let mut late = company.clone();
    late.rename(CompanyName::parse("Late").unwrap());
    assert_eq!(
        repo.save(&late, CompanyStatus::Lead).await,
        Err(RepositoryError::Conflict(Conflict::StaleState))
    );
    assert_eq!(
        repo.get(TenantScope::All, company.id())
            .await
            .unwrap()
            .name()
            .as_str(),
        "New name"
    );

    let mut taken = company.clone();
    taken.set_tax_id(Some(TaxId::parse("17291716060").unwrap()));
    assert_eq!(
        repo.save(&taken, CompanyStatus::Active).await,
        Err(RepositoryError::Conflict(Conflict::TaxIdTaken))
    );
    let missing = new_company("Missing", None);
    assert_eq!(
        repo.save(&missing, CompanyStatus::Lead).await,
        Err(RepositoryError::NotFound)
    );
}

#[tokio::test]
async fn each_part_of_the_details_is_saved_without_touching_the_other() {
    let db = support::database().await;
    let repo = PgCompanyRepository::new(db.connection().clone());
    let company = stored(&repo, new_company("Acme", None)).await;
    let read = || repo.get_details(TenantScope::All, company.id());

    let full = full_details(company.id());
    repo.save_details(&full, DetailsPart::Contact)
        .await
        .unwrap();
    repo.save_details(&full, DetailsPart::Classification)
        .await
        .unwrap();
    assert_eq!(read().await.unwrap(), full);

    // Two edits read the same row; each saves only its part, so neither undoes the other.
    let contact_edit = CompanyDetails {
        city: Some(City::parse("Ankara").unwrap()),
        address: None,
        ..full.clone()
    };
    let classification_edit = CompanyDetails {
        danger_class: None,
        nace_code: None,
        ..full.clone()
    };
    repo.save_details(&contact_edit, DetailsPart::Contact)
        .await
        .unwrap();
    repo.save_details(&classification_edit, DetailsPart::Classification)
        .await
        .unwrap();
    assert_eq!(
        read().await.unwrap(),
        CompanyDetails {
            danger_class: None,
            nace_code: None,
            ..contact_edit
        }
    );
    assert_eq!(
        repo.save_details(
            &CompanyDetails::empty(CompanyId::new_v7()),
            DetailsPart::Contact
        )
        .await,
        Err(RepositoryError::NotFound)
    );
}

#[tokio::test]
async fn rows_the_domain_refuses_are_corrupt() {
    let db = support::database().await;
    let repo = PgCompanyRepository::new(db.connection().clone());
    // The database checks the tax id's shape only; the domain also checks its check digit.
    let company = support::company(db.connection(), "Broken").await;
    support::exec(
        db.connection(),
        &format!(
            "UPDATE companies SET tax_id = '4540536921' WHERE id = '{company}';
             UPDATE company_details SET contact_email = 'not an email' WHERE company_id = '{company}';"
        ),
    )
    .await;

    let checksum =
        RepositoryError::Corrupt(DomainError::invalid("tax_id", ValidationReason::Checksum));
    assert_eq!(
        repo.get(TenantScope::All, company).await,
        Err(checksum.clone())
    );
    assert_eq!(
        repo.list(TenantScope::All, &PageRequest::first()).await,
        Err(checksum)
    );
    assert_eq!(
        repo.get_details(TenantScope::All, company).await,
        Err(RepositoryError::Corrupt(DomainError::invalid(
            "email",
            ValidationReason::Format
        )))
    );
}

#[tokio::test]
async fn pages_cover_every_company_once_even_with_equal_names() {
    let db = support::database().await;
    let repo = PgCompanyRepository::new(db.connection().clone());
    for name in [
        "Beta", "Alpha", "Same", "Same", "Same", "Same", "Same", "Zeta",
    ] {
        stored(&repo, new_company(name, None)).await;
    }
    let everything = repo
        .list(TenantScope::All, &PageRequest::new(100, None).unwrap())
        .await
        .unwrap();
    assert_eq!(everything.next_cursor, None);
    let names: Vec<&str> = everything.items.iter().map(|c| c.name().as_str()).collect();
    assert_eq!(
        names,
        [
            "Alpha", "Beta", "Same", "Same", "Same", "Same", "Same", "Zeta"
        ]
    );

    let mut walked = Vec::new();
    let mut cursor = None;
    loop {
        let request = PageRequest::new(3, cursor).unwrap();
        let page = repo.list(TenantScope::All, &request).await.unwrap();
        assert!(page.items.len() <= 3);
        walked.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(walked, everything.items);
}

#[tokio::test]
async fn foreign_cursors_are_refused() {
    let db = support::database().await;
    let repo = PgCompanyRepository::new(db.connection().clone());
    for text in [
        "garbage",
        "users_newest.61.0190c8a0e1a97c3a8f3e4b5a6c7d8e9f",
    ] {
        let request = PageRequest::new(10, Some(Cursor::from_client(text))).unwrap();
        assert_eq!(
            repo.list(TenantScope::All, &request).await,
            Err(RepositoryError::InvalidCursor),
            "{text}"
        );
    }
}
