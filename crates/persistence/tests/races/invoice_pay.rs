//! 32 concurrent attempts to pay one `SENT` invoice: exactly one succeeds, 31 lose with
//! `Conflict(StaleState)`.

use chrono::{NaiveDate, TimeZone, Utc};
use prosektor_application::{
    Conflict, InvoiceRepository, NewInvoice, RepositoryError, TenantScope,
};
use prosektor_domain::{InvoiceAmounts, InvoiceId, InvoiceStatus, Money};
use prosektor_persistence::PgInvoiceRepository;

use crate::support::{company, database, wide_pool};

const TASKS: u32 = 32;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn exactly_one_concurrent_payment_wins() {
    let db = database().await;
    let acme = company(db.connection(), "Acme OSGB").await;
    let repo = PgInvoiceRepository::new(wide_pool(&db).await);
    let new = NewInvoice {
        id: InvoiceId::new_v7(),
        company_id: acme,
        amounts: InvoiceAmounts::new(Money::parse("100").unwrap(), Money::ZERO).unwrap(),
        due_date: None,
        created_at: Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap(),
    };
    let mut sent = repo.create_draft(&new).await.unwrap();
    sent.send(NaiveDate::from_ymd_opt(2024, 3, 2).unwrap())
        .unwrap();
    let sent = repo.save(&sent, InvoiceStatus::Draft, None).await.unwrap();

    let tasks: Vec<_> = (0..TASKS)
        .map(|i| {
            let repo = repo.clone();
            let mut paid = sent.clone();
            paid.pay(Utc.with_ymd_and_hms(2024, 3, 5, 12, 0, i).unwrap())
                .unwrap();
            tokio::spawn(async move { repo.save(&paid, InvoiceStatus::Sent, None).await })
        })
        .collect();
    let (mut won, mut stale) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => won += 1,
            Err(RepositoryError::Conflict(Conflict::StaleState)) => stale += 1,
            Err(other) => panic!("unexpected outcome: {other:?}"),
        }
    }
    eprintln!("invoice pay: {TASKS} concurrent attempts, {won} Ok, {stale} Conflict(StaleState)");
    assert_eq!((won, stale), (1, TASKS - 1));
    let stored = repo.get(TenantScope::All, sent.id()).await.unwrap();
    assert_eq!(stored.status(), InvoiceStatus::Paid);
}
