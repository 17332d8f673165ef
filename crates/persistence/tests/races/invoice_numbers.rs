//! 64 concurrent `create_draft` calls in one year get exactly the numbers 001..064: unique and
//! gapless.

use chrono::{Duration, TimeZone, Utc};
use prosektor_application::{InvoiceRepository, NewInvoice};
use prosektor_domain::{InvoiceAmounts, InvoiceId, Money};
use prosektor_persistence::PgInvoiceRepository;

use crate::support::{company, database, wide_pool};

const TASKS: u32 = 64;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_drafts_get_unique_gapless_numbers() {
    let db = database().await;
    let acme = company(db.connection(), "Acme OSGB").await;
    let repo = PgInvoiceRepository::new(wide_pool(&db).await);
    let amounts =
        InvoiceAmounts::new(Money::parse("100").unwrap(), Money::parse("20").unwrap()).unwrap();
    let tasks: Vec<_> = (0..TASKS)
        .map(|i| {
            let repo = repo.clone();
            let new = NewInvoice {
                id: InvoiceId::new_v7(),
                company_id: acme,
                amounts,
                due_date: None,
                created_at: Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap()
                    + Duration::seconds(i.into()),
            };
            tokio::spawn(async move { repo.create_draft(&new).await })
        })
        .collect();
    let mut numbers = Vec::new();
    for task in tasks {
        numbers.push(task.await.unwrap().unwrap().invoice_no().to_string());
    }
    numbers.sort();
    let distinct = numbers
        .iter()
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let expected: Vec<String> = (1..=TASKS).map(|seq| format!("2024-{seq:03}")).collect();
    eprintln!(
        "invoice numbers: {} created concurrently, {} distinct, first {}, last {}",
        numbers.len(),
        distinct,
        numbers[0],
        numbers[numbers.len() - 1]
    );
    assert_eq!(numbers, expected);
}
