//! `PgCompanyRepository`: create/get/update of companies and details (only the named fields, the
//! status only from the one decided on, versions checked and bumped), atomicity, tenancy, mapping
//! of corrupt rows, and keyset pagination. Search is in `company/search.rs`.

mod search;

use prosektor_application::{
    CompanyChanges, CompanyRepository, Conflict, Cursor, DetailsChanges, PageRequest,
    RepositoryError, TenantScope, Transition,
};
use prosektor_domain::{
    Address, City, Company, CompanyDetails, CompanyId, CompanyName, CompanyStatus, DangerClass,
    DomainError, Email, NaceCode, Phone, RowVersion, TaxId, ValidationReason,
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
        version: RowVersion::FIRST,
    }
}

/// The version of a company's details right after a `create` with details (not empty): 1, or 2 in
/// the expanded schema of the details split, where the sync trigger creates the row with the
/// company and `create` then writes the details into it (versions are opaque: every write changes
/// them, `If-Match` compares them). Empty details leave the trigger's row unwritten, at 1.
fn created_details_version() -> RowVersion {
    let expanded =
        std::env::var(prosektor_testkit::SCHEMA_ENV).is_ok_and(|state| state == "expanded");
    version(if expanded { 2 } else { 1 })
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
            CompanyDetails {
                version: created_details_version(),
                ..details.clone()
            }
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

fn version(n: i64) -> RowVersion {
    RowVersion::new(n).unwrap()
}

fn rename(name: &str) -> CompanyChanges {
    CompanyChanges {
        name: Some(CompanyName::parse(name).unwrap()),
        ..CompanyChanges::default()
    }
}

#[tokio::test]
async fn update_writes_the_named_fields_and_the_status_only_from_the_one_decided_on() {
    let db = support::database().await;
    let repo = PgCompanyRepository::new(db.connection().clone());
    let company = stored(&repo, new_company("Old name", None)).await;
    stored(&repo, new_company("Other", Some("17291716060"))).await;
    let id = company.id();

    let activate = CompanyChanges {
        tax_id: Some(Some(TaxId::parse("10000000146").unwrap())),
        status: Some(Transition {
            from: CompanyStatus::Lead,
            to: CompanyStatus::Active,
        }),
        ..CompanyChanges::default()
    };
    let active = repo.update(id, &activate, None).await.unwrap();
    assert_eq!(
        (active.name().as_str(), active.status(), active.version()),
        ("Old name", CompanyStatus::Active, version(2))
    );
    assert_eq!(active.tax_id().map(TaxId::as_str), Some("10000000146"));
    let renamed = repo.update(id, &rename("New name"), None).await.unwrap();
    assert_eq!(
        (renamed.name().as_str(), renamed.status(), renamed.version()),
        ("New name", CompanyStatus::Active, version(3))
    );
    assert_eq!(repo.get(TenantScope::All, id).await.unwrap(), renamed);

    // A second writer that still believes the company is a lead loses, and changes nothing.
    let late = CompanyChanges {
        status: Some(Transition {
            from: CompanyStatus::Lead,
            to: CompanyStatus::Churned,
        }),
        ..rename("Late")
    };
    assert_eq!(
        repo.update(id, &late, None).await,
        Err(RepositoryError::Conflict(Conflict::StaleState))
    );
    let taken = CompanyChanges {
        tax_id: Some(Some(TaxId::parse("17291716060").unwrap())),
        ..CompanyChanges::default()
    };
    assert_eq!(
        repo.update(id, &taken, None).await,
        Err(RepositoryError::Conflict(Conflict::TaxIdTaken))
    );
    assert_eq!(repo.get(TenantScope::All, id).await.unwrap(), renamed);
    assert_eq!(
        repo.update(CompanyId::new_v7(), &rename("Missing"), None)
            .await,
        Err(RepositoryError::NotFound)
    );
}

#[tokio::test]
async fn if_match_applies_a_change_only_at_the_version_read() {
    let db = support::database().await;
    let repo = PgCompanyRepository::new(db.connection().clone());
    let company = stored(&repo, new_company("Acme", None)).await;
    let id = company.id();
    let first = repo
        .update(id, &rename("First"), Some(RowVersion::FIRST))
        .await
        .unwrap();
    assert_eq!(first.version(), version(2));
    assert_eq!(
        repo.update(id, &rename("Stale"), Some(RowVersion::FIRST))
            .await,
        Err(RepositoryError::PreconditionFailed)
    );
    // An update naming nothing reads, with the same check.
    let nothing = CompanyChanges::default();
    assert_eq!(repo.update(id, &nothing, Some(version(2))).await, Ok(first));
    assert_eq!(
        repo.update(id, &nothing, Some(version(7))).await,
        Err(RepositoryError::PreconditionFailed)
    );
    let details = DetailsChanges {
        city: Some(Some(City::parse("Bursa").unwrap())),
        ..DetailsChanges::default()
    };
    assert_eq!(
        repo.update_details(id, &details, Some(version(5))).await,
        Err(RepositoryError::PreconditionFailed)
    );
    let updated = repo
        .update_details(id, &details, Some(RowVersion::FIRST))
        .await
        .unwrap();
    assert_eq!(updated.version, version(2));
}

#[tokio::test]
async fn details_updates_write_only_the_named_fields() {
    let db = support::database().await;
    let repo = PgCompanyRepository::new(db.connection().clone());
    let company = stored(&repo, new_company("Acme", None)).await;
    let read = || repo.get_details(TenantScope::All, company.id());
    let full = full_details(company.id());
    let everything = DetailsChanges {
        address: Some(full.address.clone()),
        city: Some(full.city.clone()),
        danger_class: Some(full.danger_class),
        nace_code: Some(full.nace_code.clone()),
        contact_email: Some(full.contact_email.clone()),
        contact_phone: Some(full.contact_phone.clone()),
    };
    repo.update_details(company.id(), &everything, None)
        .await
        .unwrap();
    assert_eq!(
        read().await.unwrap(),
        CompanyDetails {
            version: version(2),
            ..full.clone()
        }
    );

    // Two edits of different fields, each naming only its own: neither undoes the other.
    let city = DetailsChanges {
        city: Some(Some(City::parse("Ankara").unwrap())),
        address: Some(None),
        ..DetailsChanges::default()
    };
    let classification = DetailsChanges {
        danger_class: Some(None),
        nace_code: Some(None),
        ..DetailsChanges::default()
    };
    repo.update_details(company.id(), &city, None)
        .await
        .unwrap();
    repo.update_details(company.id(), &classification, None)
        .await
        .unwrap();
    assert_eq!(
        read().await.unwrap(),
        CompanyDetails {
            city: Some(City::parse("Ankara").unwrap()),
            address: None,
            danger_class: None,
            nace_code: None,
            version: version(4),
            ..full
        }
    );
    assert_eq!(
        repo.update_details(CompanyId::new_v7(), &city, None).await,
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
