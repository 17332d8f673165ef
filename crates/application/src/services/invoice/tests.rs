//! Unit tests of [`InvoiceService`]'s decisions: who may do what, tenancy, the state machine as
//! seen through the service, conditional saves and the amounts it computes.

use std::sync::Arc;

use chrono::NaiveDate;
use prosektor_domain::{Buyer, CompanyName, DomainError, InvoiceNo, InvoiceStatus};

use super::*;
use crate::mocks::MockInvoiceRepository;
use crate::ports::error::{Conflict, RepositoryError};
use crate::ports::scope::TenantScope;
use crate::services::error::ServiceError;
use crate::services::test_support::{
    NEW_ID, Outcome, actor_kinds, admin, check_matrix, clock, empty_page, ids, now, other_company,
    own_company,
};

fn money(text: &str) -> Money {
    Money::parse(text).unwrap()
}

fn due() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 8, 15).unwrap()
}

fn draft() -> InvoiceDraft {
    InvoiceDraft {
        subtotal: money("1000"),
        tax: InvoiceTax::Rate(TaxRate::STANDARD),
        due_date: Some(due()),
    }
}

/// An invoice of `company` in `status` (sent invoices were issued on 2024-07-01).
fn invoice(company: CompanyId, status: InvoiceStatus) -> Invoice {
    let buyer = Buyer {
        name: CompanyName::parse("Şişli OSGB").unwrap(),
        tax_id: None,
        address: None,
    };
    let mut invoice = Invoice::draft(
        InvoiceId::new_v7(),
        company,
        buyer,
        InvoiceNo::parse("2024-001").unwrap(),
        draft().amounts().unwrap(),
        Some(due()),
        now(),
    );
    if status != InvoiceStatus::Draft {
        invoice
            .send(NaiveDate::from_ymd_opt(2024, 7, 1).unwrap())
            .unwrap();
    }
    match status {
        InvoiceStatus::Paid => invoice.pay(now()).unwrap(),
        InvoiceStatus::Void => invoice.void().unwrap(),
        _ => {}
    }
    invoice
}

/// A repository holding `stored`, answering reads as the port's contract says (another tenant's
/// row is not found) and expecting exactly `saves` conditional saves.
fn repository(stored: &Invoice, saves: usize) -> MockInvoiceRepository {
    let mut repo = MockInvoiceRepository::new();
    let row = stored.clone();
    repo.expect_get().returning(move |scope, id| {
        if id == row.id() && scope.allows(row.company_id()) {
            Ok(row.clone())
        } else {
            Err(RepositoryError::NotFound)
        }
    });
    repo.expect_save()
        .times(saves)
        .returning(|saved, _, _| Ok(saved.clone()));
    repo
}

fn service(repo: MockInvoiceRepository) -> InvoiceService {
    InvoiceService::new(Arc::new(repo), clock(), ids())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Create,
    EditDraft,
    Send,
    Pay,
    Void,
    Get,
    List,
}

/// Runs `action` on an invoice of [`own_company`] and reports how it ended.
async fn attempt(action: Action, actor: &Actor, allowed: bool) -> ServiceResult<()> {
    let status = if action == Action::Pay {
        InvoiceStatus::Sent
    } else {
        InvoiceStatus::Draft
    };
    let stored = invoice(own_company(), status);
    let writes = matches!(
        action,
        Action::EditDraft | Action::Send | Action::Pay | Action::Void
    );
    let mut repo = repository(&stored, usize::from(allowed && writes));
    let created = stored.clone();
    repo.expect_create_draft()
        .times(usize::from(allowed && action == Action::Create))
        .returning(move |_| Ok(created.clone()));
    let scope = actor.scope();
    repo.expect_list()
        .withf(move |asked, _, _| *asked == scope)
        .returning(|_, _, _| Ok(empty_page()));
    let invoices = service(repo);
    let id = stored.id();
    match action {
        Action::Create => invoices
            .create(actor, own_company(), draft())
            .await
            .map(drop),
        Action::EditDraft => invoices
            .edit_draft(actor, id, draft(), None)
            .await
            .map(drop),
        Action::Send => invoices.send(actor, id, None).await.map(drop),
        Action::Pay => invoices.pay(actor, id, None).await.map(drop),
        Action::Void => invoices.void(actor, id, None).await.map(drop),
        Action::Get => invoices.get(actor, id).await.map(drop),
        Action::List => invoices
            .list(actor, &InvoiceFilter::default(), &PageRequest::first())
            .await
            .map(drop),
    }
}

#[tokio::test]
async fn permission_matrix() {
    use Outcome::{Allowed as A, Forbidden as F, NotFound as N};
    // Columns: admin, client of the invoice's company, client of another company.
    let matrix = [
        (Action::Create, [A, F, F]),
        (Action::EditDraft, [A, F, F]),
        (Action::Send, [A, F, F]),
        (Action::Pay, [A, F, F]),
        (Action::Void, [A, F, F]),
        (Action::Get, [A, A, N]),
        (Action::List, [A, A, A]),
    ];
    check_matrix(&matrix, attempt).await;
}

#[tokio::test]
async fn another_tenants_invoice_is_not_found_even_if_storage_returned_it() {
    let foreign = invoice(other_company(), InvoiceStatus::Sent);
    let mut repo = MockInvoiceRepository::new();
    let row = foreign.clone();
    repo.expect_get()
        .withf(|scope, _| *scope == TenantScope::Company(own_company()))
        .returning(move |_, _| Ok(row.clone()));
    let (_, client) = actor_kinds()[1];
    let refused = service(repo).get(&client, foreign.id()).await;
    assert_eq!(refused, Err(ServiceError::NotFound));
}

#[tokio::test]
async fn create_computes_the_amounts_and_takes_id_and_time_from_the_ports() {
    let mut repo = MockInvoiceRepository::new();
    let stored = invoice(own_company(), InvoiceStatus::Draft);
    repo.expect_create_draft()
        .withf(|new| {
            new.id == InvoiceId::from_uuid(NEW_ID)
                && new.company_id == own_company()
                && new.amounts.tax() == money("200")
                && new.amounts.total() == money("1200")
                && new.due_date == Some(due())
                && new.created_at == now()
        })
        .times(1)
        .returning(move |_| Ok(stored.clone()));
    assert!(
        service(repo)
            .create(&admin(), own_company(), draft())
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn create_with_an_explicit_tax_and_for_a_missing_company() {
    let explicit = InvoiceDraft {
        subtotal: money("100.10"),
        tax: InvoiceTax::Amount(money("7.77")),
        due_date: None,
    };
    assert_eq!(explicit.amounts().map(|a| a.total()), Ok(money("107.87")));
    let mut repo = MockInvoiceRepository::new();
    repo.expect_create_draft()
        .withf(|new| new.amounts.tax() == money("7.77") && new.due_date.is_none())
        .times(1)
        .returning(|_| Err(RepositoryError::NotFound));
    let missing = service(repo)
        .create(&admin(), other_company(), explicit)
        .await;
    assert_eq!(missing, Err(ServiceError::NotFound));
}

#[tokio::test]
async fn an_overflowing_total_is_refused_before_storage() {
    let mut repo = MockInvoiceRepository::new();
    repo.expect_create_draft().times(0);
    let huge = InvoiceDraft {
        subtotal: money("9000000000"),
        ..draft()
    };
    let refused = service(repo).create(&admin(), own_company(), huge).await;
    assert_eq!(
        refused,
        Err(ServiceError::Domain(DomainError::Overflow {
            field: "amount_total"
        }))
    );
}

#[tokio::test]
async fn transitions_refused_by_the_state_machine_write_nothing() {
    let cases = [
        (InvoiceStatus::Draft, Action::Pay, "PAID"),
        (InvoiceStatus::Paid, Action::Void, "VOID"),
        (InvoiceStatus::Void, Action::Send, "SENT"),
        (InvoiceStatus::Sent, Action::Send, "SENT"),
    ];
    for (status, action, to) in cases {
        let stored = invoice(own_company(), status);
        let invoices = service(repository(&stored, 0));
        let result = match action {
            Action::Pay => invoices.pay(&admin(), stored.id(), None).await,
            Action::Void => invoices.void(&admin(), stored.id(), None).await,
            _ => invoices.send(&admin(), stored.id(), None).await,
        };
        let refused = DomainError::InvalidTransition {
            entity: "invoice",
            from: status.as_str(),
            to,
        };
        assert_eq!(result, Err(refused.into()), "{action:?} a {status}");
    }
}

#[tokio::test]
async fn only_drafts_can_be_edited() {
    let sent = invoice(own_company(), InvoiceStatus::Sent);
    let refused = service(repository(&sent, 0))
        .edit_draft(&admin(), sent.id(), draft(), None)
        .await;
    assert_eq!(
        refused,
        Err(ServiceError::Domain(DomainError::NotEditable {
            entity: "invoice",
            status: "SENT"
        }))
    );
}

#[tokio::test]
async fn send_and_pay_record_the_clock_and_save_against_the_status_read() {
    let stored = invoice(own_company(), InvoiceStatus::Draft);
    let mut repo = MockInvoiceRepository::new();
    let row = stored.clone();
    repo.expect_get().returning(move |_, _| Ok(row.clone()));
    repo.expect_save()
        .withf(|saved, expected, if_match| {
            saved.status() == InvoiceStatus::Sent
                && saved.issue_date() == Some(now().date_naive())
                && *expected == InvoiceStatus::Draft
                && if_match.is_none()
        })
        .times(1)
        .returning(|saved, _, _| Ok(saved.clone()));
    let sent = service(repo)
        .send(&admin(), stored.id(), None)
        .await
        .unwrap();
    assert_eq!(sent.issue_date(), Some(now().date_naive()));

    let mut repo = MockInvoiceRepository::new();
    repo.expect_get().returning(move |_, _| Ok(sent.clone()));
    repo.expect_save()
        .withf(|saved, expected, _| {
            saved.status() == InvoiceStatus::Paid
                && saved.paid_at() == Some(now())
                && *expected == InvoiceStatus::Sent
        })
        .times(1)
        .returning(|saved, _, _| Ok(saved.clone()));
    let paid = service(repo)
        .pay(&admin(), stored.id(), None)
        .await
        .unwrap();
    assert_eq!(paid.status(), InvoiceStatus::Paid);
}

#[tokio::test]
async fn a_lost_race_is_a_stale_state_conflict_and_storage_failures_keep_their_meaning() {
    let stored = invoice(own_company(), InvoiceStatus::Sent);
    let cases = [
        (
            RepositoryError::Conflict(Conflict::StaleState),
            ServiceError::Conflict(Conflict::StaleState),
        ),
        (
            RepositoryError::Unavailable("connection reset".into()),
            ServiceError::Unavailable("connection reset".into()),
        ),
        (
            RepositoryError::Failed("no row".into()),
            ServiceError::Internal("no row".into()),
        ),
    ];
    for (repository_error, expected) in cases {
        let mut repo = MockInvoiceRepository::new();
        let row = stored.clone();
        repo.expect_get().returning(move |_, _| Ok(row.clone()));
        repo.expect_save()
            .times(1)
            .returning(move |_, _, _| Err(repository_error.clone()));
        let result = service(repo).pay(&admin(), stored.id(), None).await;
        assert_eq!(result, Err(expected));
    }
}

#[tokio::test]
async fn a_stale_if_match_is_refused_before_the_transition_and_writes_nothing() {
    let stored = invoice(own_company(), InvoiceStatus::Paid);
    let mut repo = MockInvoiceRepository::new();
    let row = stored.clone();
    repo.expect_get().returning(move |_, _| Ok(row.clone()));
    repo.expect_save().times(0);
    let stale = prosektor_domain::RowVersion::new(2).unwrap();
    let refused = service(repo).pay(&admin(), stored.id(), Some(stale)).await;
    assert_eq!(refused, Err(ServiceError::PreconditionFailed));
}
