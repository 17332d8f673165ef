//! `PgInvoiceRepository`: gapless numbers per year, mapping, tenancy, filters and keyset pages,
//! conditional saves, the buyer snapshot and the dashboard summary.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use prosektor_application::{
    Conflict, Cursor, InvoiceFilter, InvoiceRepository, InvoiceSummary, NewInvoice, PageRequest,
    RepositoryError, TenantScope,
};
use prosektor_domain::{
    Address, Buyer, CompanyId, CompanyName, DateRange, DomainError, Invoice, InvoiceAmounts,
    InvoiceId, InvoiceStatus, Money, RowVersion, TaxId, ValidationReason,
};
use prosektor_persistence::PgInvoiceRepository;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::support::{company, database, exec, figures};

fn at(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, 9, 30, 0).unwrap()
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn amounts(subtotal: &str, tax: &str) -> InvoiceAmounts {
    InvoiceAmounts::new(Money::parse(subtotal).unwrap(), Money::parse(tax).unwrap()).unwrap()
}

fn new_invoice(company_id: CompanyId, created_at: DateTime<Utc>) -> NewInvoice {
    NewInvoice {
        id: InvoiceId::new_v7(),
        company_id,
        amounts: amounts("1000", "200"),
        due_date: Some(date(2024, 7, 31)),
        created_at,
    }
}

async fn create(repo: &PgInvoiceRepository, new: NewInvoice) -> Invoice {
    repo.create_draft(&new).await.unwrap()
}

#[tokio::test]
async fn numbers_count_up_per_year_and_a_failed_insert_gives_its_number_back() {
    let db = database().await;
    let repo = PgInvoiceRepository::new(db.connection().clone());
    let acme = company(db.connection(), "Acme OSGB").await;
    let mut numbers = Vec::new();
    for created in [
        at(2024, 1, 5),
        at(2024, 3, 1),
        at(2025, 1, 2),
        at(2024, 12, 31),
    ] {
        numbers.push(
            create(&repo, new_invoice(acme, created))
                .await
                .invoice_no()
                .to_string(),
        );
    }
    let ghost = new_invoice(CompanyId::new_v7(), at(2024, 6, 1));
    assert_eq!(
        repo.create_draft(&ghost).await,
        Err(RepositoryError::NotFound)
    );
    numbers.push(
        create(&repo, new_invoice(acme, at(2024, 6, 1)))
            .await
            .invoice_no()
            .to_string(),
    );
    assert_eq!(
        numbers,
        ["2024-001", "2024-002", "2025-001", "2024-003", "2024-004"]
    );
}

#[tokio::test]
async fn a_draft_round_trips_and_other_tenants_do_not_see_it() {
    let db = database().await;
    let repo = PgInvoiceRepository::new(db.connection().clone());
    let acme = company(db.connection(), "Acme OSGB").await;
    let other = company(db.connection(), "Beta OSGB").await;
    let new = new_invoice(acme, at(2024, 7, 1));
    let created = create(&repo, new.clone()).await;
    assert_eq!(created.id(), new.id);
    assert_eq!(created.status(), InvoiceStatus::Draft);
    assert_eq!(created.amounts().total().amount(), Decimal::new(120_000, 2));
    assert_eq!(created.created_at(), new.created_at);
    assert_eq!(repo.get(TenantScope::All, new.id).await.unwrap(), created);
    assert_eq!(
        repo.get(TenantScope::Company(acme), new.id).await.unwrap(),
        created
    );
    assert_eq!(
        repo.get(TenantScope::Company(other), new.id).await,
        Err(RepositoryError::NotFound)
    );
    assert_eq!(
        repo.get(TenantScope::All, InvoiceId::new_v7()).await,
        Err(RepositoryError::NotFound)
    );
}

#[tokio::test]
async fn saves_are_conditional_on_the_expected_status_and_version() {
    let db = database().await;
    let repo = PgInvoiceRepository::new(db.connection().clone());
    let acme = company(db.connection(), "Acme OSGB").await;
    let mut invoice = create(&repo, new_invoice(acme, at(2024, 7, 1))).await;
    invoice.edit(amounts("10.10", "2.02"), None).unwrap();
    let edited = repo
        .save(&invoice, InvoiceStatus::Draft, Some(RowVersion::FIRST))
        .await
        .unwrap();
    assert_eq!(edited.version(), RowVersion::new(2).unwrap());
    let mut invoice = edited;
    invoice.send(date(2024, 7, 2)).unwrap();
    let sent = repo
        .save(&invoice, InvoiceStatus::Draft, None)
        .await
        .unwrap();
    assert_eq!(
        repo.get(TenantScope::All, invoice.id()).await.unwrap(),
        sent
    );

    let mut late = sent.clone();
    late.void().unwrap();
    assert_eq!(
        repo.save(&late, InvoiceStatus::Draft, None).await,
        Err(RepositoryError::Conflict(Conflict::StaleState))
    );
    assert_eq!(
        repo.save(&late, InvoiceStatus::Sent, Some(RowVersion::FIRST))
            .await,
        Err(RepositoryError::PreconditionFailed),
        "a stale If-Match"
    );
    let mut invoice = sent;
    invoice.pay(at(2024, 7, 9)).unwrap();
    repo.save(&invoice, InvoiceStatus::Sent, None)
        .await
        .unwrap();
    let stored = repo.get(TenantScope::All, invoice.id()).await.unwrap();
    assert_eq!(
        (stored.status(), stored.paid_at()),
        (InvoiceStatus::Paid, Some(at(2024, 7, 9)))
    );
    assert_eq!(stored.amounts().total().amount(), Decimal::new(1212, 2));

    let unknown = Invoice::draft(
        InvoiceId::new_v7(),
        acme,
        invoice.buyer().clone(),
        invoice.invoice_no(),
        invoice.amounts(),
        None,
        at(2024, 7, 1),
    );
    assert_eq!(
        repo.save(&unknown, InvoiceStatus::Draft, None).await,
        Err(RepositoryError::NotFound)
    );
}

#[tokio::test]
async fn pages_cover_every_invoice_once_newest_first_even_with_equal_times() {
    let db = database().await;
    let repo = PgInvoiceRepository::new(db.connection().clone());
    let acme = company(db.connection(), "Acme OSGB").await;
    let other = company(db.connection(), "Beta OSGB").await;
    let mut expected = Vec::new();
    for i in 0..7 {
        // Three share one instant: only the id breaks the tie.
        let created = if i < 3 {
            at(2024, 5, 1)
        } else {
            at(2024, 5, i)
        };
        expected.push(create(&repo, new_invoice(acme, created)).await);
    }
    create(&repo, new_invoice(other, at(2024, 5, 20))).await;
    expected.sort_by_key(|invoice| std::cmp::Reverse((invoice.created_at(), invoice.id())));

    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let request = PageRequest::new(3, cursor).unwrap();
        let page = repo
            .list(
                TenantScope::Company(acme),
                &InvoiceFilter::default(),
                &request,
            )
            .await
            .unwrap();
        assert!(page.items.len() <= 3);
        seen.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, expected);

    let foreign = PageRequest::new(3, Some(Cursor::from_client("projects_newest.00.0"))).unwrap();
    assert_eq!(
        repo.list(TenantScope::All, &InvoiceFilter::default(), &foreign)
            .await,
        Err(RepositoryError::InvalidCursor)
    );
    let everyone = repo
        .list(
            TenantScope::All,
            &InvoiceFilter::default(),
            &PageRequest::new(100, None).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(everyone.items.len(), 8);
}

#[tokio::test]
async fn filters_narrow_the_listing() {
    let db = database().await;
    let repo = PgInvoiceRepository::new(db.connection().clone());
    let acme = company(db.connection(), "Acme OSGB").await;
    let other = company(db.connection(), "Beta OSGB").await;
    let draft = create(&repo, new_invoice(acme, at(2024, 1, 1))).await;
    let mut sent = create(&repo, new_invoice(acme, at(2024, 1, 2))).await;
    sent.edit(sent.amounts(), Some(date(2024, 2, 15))).unwrap();
    sent.send(date(2024, 1, 10)).unwrap();
    repo.save(&sent, InvoiceStatus::Draft, None).await.unwrap();
    create(&repo, new_invoice(other, at(2024, 1, 3))).await;

    let ids = |filter: InvoiceFilter| {
        let repo = repo.clone();
        async move {
            let page = repo
                .list(TenantScope::All, &filter, &PageRequest::first())
                .await
                .unwrap();
            page.items.iter().map(Invoice::id).collect::<Vec<_>>()
        }
    };
    let of_acme = InvoiceFilter {
        company_id: Some(acme),
        ..Default::default()
    };
    assert_eq!(ids(of_acme.clone()).await, [sent.id(), draft.id()]);
    let status = InvoiceFilter {
        status: Some(InvoiceStatus::Sent),
        ..Default::default()
    };
    assert_eq!(ids(status).await, [sent.id()]);
    let due = InvoiceFilter {
        due_from: Some(date(2024, 2, 1)),
        due_to: Some(date(2024, 2, 15)),
        ..of_acme.clone()
    };
    assert_eq!(ids(due).await, [sent.id()]);
    let issued = InvoiceFilter {
        issued_from: Some(date(2024, 1, 10)),
        issued_to: Some(date(2024, 1, 10)),
        ..Default::default()
    };
    assert_eq!(ids(issued).await, [sent.id()]);
    let none = InvoiceFilter {
        issued_to: Some(date(2024, 1, 9)),
        ..Default::default()
    };
    assert_eq!(ids(none).await, Vec::<InvoiceId>::new());
}

#[tokio::test]
async fn the_summary_is_exact_to_the_kurus() {
    let db = database().await;
    let repo = PgInvoiceRepository::new(db.connection().clone());
    let acme = company(db.connection(), "Acme OSGB").await;
    let other = company(db.connection(), "Beta OSGB").await;
    let today = date(2024, 8, 1);
    // (subtotal, tax, due, final status)
    let plan = [
        ("100.10", "20.02", date(2024, 7, 1), InvoiceStatus::Paid),
        ("0.01", "0.00", date(2024, 7, 1), InvoiceStatus::Paid),
        (
            "9999999999.99",
            "0.00",
            date(2024, 7, 1),
            InvoiceStatus::Paid,
        ),
        ("50.05", "10.01", date(2024, 7, 31), InvoiceStatus::Sent),
        ("0.33", "0.07", date(2024, 8, 1), InvoiceStatus::Sent),
        ("7.00", "1.40", date(2024, 8, 30), InvoiceStatus::Sent),
        ("1000", "200", date(2024, 7, 1), InvoiceStatus::Void),
        ("1000", "200", date(2024, 7, 1), InvoiceStatus::Draft),
    ];
    for (subtotal, tax, due, status) in plan {
        let mut invoice = create(
            &repo,
            NewInvoice {
                amounts: amounts(subtotal, tax),
                due_date: Some(due),
                ..new_invoice(acme, at(2024, 6, 1))
            },
        )
        .await;
        if status != InvoiceStatus::Draft {
            invoice.send(date(2024, 6, 2)).unwrap();
            repo.save(&invoice, InvoiceStatus::Draft, None)
                .await
                .unwrap();
        }
        match status {
            InvoiceStatus::Paid => invoice.pay(at(2024, 6, 3)).unwrap(),
            InvoiceStatus::Void => invoice.void().unwrap(),
            _ => continue,
        }
        repo.save(&invoice, InvoiceStatus::Sent, None)
            .await
            .unwrap();
    }
    let window = DateRange::new(today, today).unwrap();
    let summary = figures(db.connection(), acme, today, window).await.invoices;
    assert_eq!(
        summary,
        InvoiceSummary {
            paid_total: Decimal::new(1_000_000_012_012, 2),
            unpaid_count: 3,
            unpaid_total: Decimal::new(6_886, 2),
            overdue_count: 1,
        }
    );
    let empty = figures(db.connection(), other, today, window)
        .await
        .invoices;
    assert_eq!((empty.paid_total, empty.unpaid_count), (Decimal::ZERO, 0));
    assert_eq!(
        (empty.unpaid_total, empty.overdue_count),
        (Decimal::ZERO, 0)
    );
}

#[tokio::test]
async fn a_row_the_domain_rejects_is_corrupt() {
    let db = database().await;
    let repo = PgInvoiceRepository::new(db.connection().clone());
    let acme = company(db.connection(), "Acme OSGB").await;
    let id = Uuid::now_v7();
    // The CHECK accepts year 0999; the domain's numbers start at year 1000.
    exec(
        db.connection(),
        &format!(
            "INSERT INTO invoices (id, company_id, buyer_name, invoice_no, amount_subtotal, amount_tax, amount_total) \
             VALUES ('{id}', '{acme}', 'Acme OSGB', '0999-001', 1, 0, 1)"
        ),
    )
    .await;
    let corrupt = RepositoryError::Corrupt(DomainError::invalid(
        "invoice_no",
        ValidationReason::OutOfRange,
    ));
    assert_eq!(
        repo.get(TenantScope::All, InvoiceId::from_uuid(id)).await,
        Err(corrupt.clone())
    );
    let listed = repo
        .list(
            TenantScope::All,
            &InvoiceFilter::default(),
            &PageRequest::first(),
        )
        .await;
    assert_eq!(
        listed.map(|page| page.items.len()),
        Err::<usize, _>(corrupt)
    );
}

#[tokio::test]
async fn a_draft_is_made_out_to_the_company_as_it_is_and_keeps_that_buyer() {
    let db = database().await;
    let repo = PgInvoiceRepository::new(db.connection().clone());
    let acme = company(db.connection(), "Acme OSGB").await;
    exec(
        db.connection(),
        &format!(
            "UPDATE companies SET tax_id = '4540536920' WHERE id = '{acme}';
             UPDATE company_details SET address = 'Atatürk Cad. 1, Kadıköy' WHERE company_id = '{acme}'"
        ),
    )
    .await;
    let invoice = create(&repo, new_invoice(acme, at(2024, 7, 1))).await;
    let expected = Buyer {
        name: CompanyName::parse("Acme OSGB").unwrap(),
        tax_id: Some(TaxId::parse("4540536920").unwrap()),
        address: Some(Address::parse("Atatürk Cad. 1, Kadıköy").unwrap()),
    };
    assert_eq!(invoice.buyer(), &expected);

    // The company is renamed and moves: its invoice keeps the buyer it was made out to.
    exec(
        db.connection(),
        &format!(
            "UPDATE companies SET name = 'Acme Sağlık OSGB', tax_id = NULL WHERE id = '{acme}';
             UPDATE company_details SET address = NULL WHERE company_id = '{acme}'"
        ),
    )
    .await;
    let read = repo.get(TenantScope::All, invoice.id()).await.unwrap();
    assert_eq!(read.buyer(), &expected);
    let later = create(&repo, new_invoice(acme, at(2024, 7, 2))).await;
    assert_eq!(later.buyer().name.as_str(), "Acme Sağlık OSGB");
    assert_eq!(
        (&later.buyer().tax_id, &later.buyer().address),
        (&None, &None)
    );

    assert_eq!(
        repo.create_draft(&new_invoice(CompanyId::new_v7(), at(2024, 7, 3)))
            .await,
        Err(RepositoryError::NotFound)
    );
}
