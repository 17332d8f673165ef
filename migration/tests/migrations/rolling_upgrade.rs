//! Evolution 3 rolled out under load, on real PostgreSQL: servers of the previous release create
//! invoices without a buyer snapshot (they know none) while the expand migration and the batched
//! backfill run; servers of the new release create them with one while the two contract migrations
//! run, once the previous release is gone; invoices are paid and companies renamed throughout. No write may fail, no row
//! may be left without its buyer, and the longest a write waited is reported.
//!
//! `make test` runs it over 20 000 invoices; `make rolling-upgrade` over the medium scale's
//! 1 000 000 (`ROLLING_UPGRADE_INVOICES` sets any other count).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use prosektor_migration::{BackfillSettings, Migrator, MigratorTrait, Rollout, roll_out};
use prosektor_testkit::TestDatabase;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};
use tokio::task::JoinHandle;

use crate::support::{exec, scalar};

/// The migrations of the previous release: everything before evolution 3.
const PREVIOUS_RELEASE: u32 = 21;

const COMPANIES: u32 = 1_000;

/// What one writer did.
#[derive(Debug, Default)]
struct Tally {
    writes: AtomicU64,
    failures: AtomicU64,
    longest_micros: AtomicU64,
}

/// A loop of one kind of write until `stop`, each statement timed.
struct Writer {
    stop: Arc<AtomicBool>,
    tally: Arc<Tally>,
    task: JoinHandle<Vec<String>>,
}

impl Writer {
    /// Runs `statement(n)` for n = 0, 1, ... on a connection of its own to `url`.
    async fn start(url: &str, statement: impl Fn(u64) -> String + Send + 'static) -> Self {
        let mut options = ConnectOptions::new(url);
        options.max_connections(1).sqlx_logging(false);
        let db = Database::connect(options)
            .await
            .expect("a writer's connection");
        let stop = Arc::new(AtomicBool::new(false));
        let tally = Arc::new(Tally::default());
        let (stopping, counting) = (Arc::clone(&stop), Arc::clone(&tally));
        let task = tokio::spawn(async move {
            let mut errors = Vec::new();
            let mut n = 0;
            while !stopping.load(Ordering::Relaxed) {
                let started = Instant::now();
                let outcome = db.execute_unprepared(&statement(n)).await;
                let took = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
                counting.longest_micros.fetch_max(took, Ordering::Relaxed);
                counting.writes.fetch_add(1, Ordering::Relaxed);
                if let Err(error) = outcome {
                    counting.failures.fetch_add(1, Ordering::Relaxed);
                    errors.push(error.to_string());
                }
                n += 1;
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            errors
        });
        Self { stop, tally, task }
    }

    /// Stops the loop; the errors it met.
    async fn stop(self) -> (Arc<Tally>, Vec<String>) {
        self.stop.store(true, Ordering::Relaxed);
        let errors = self.task.await.expect("the writer ends");
        (self.tally, errors)
    }
}

/// Companies and `invoices` invoices of the previous release (no buyer columns yet).
async fn load(db: &DatabaseConnection, invoices: u64) {
    exec(
        db,
        &format!(
            "INSERT INTO companies (id, name) \
             SELECT md5('company' || i)::uuid, 'Firma ' || i FROM generate_series(1, {COMPANIES}) AS i;
             INSERT INTO company_details (company_id, address) \
             SELECT id, 'Adres of ' || name FROM companies;
             INSERT INTO invoices (company_id, invoice_no, amount_subtotal, amount_tax, amount_total, status, issue_date) \
             SELECT md5('company' || (1 + i % {COMPANIES}))::uuid, '2025-' || (1000000 + i), 10, 2, 12, \
                    CASE WHEN i % 2 = 0 THEN 'SENT' ELSE 'DRAFT' END, \
                    CASE WHEN i % 2 = 0 THEN DATE '2025-01-02' END \
             FROM generate_series(1, {invoices}) AS i;
             ANALYZE;"
        ),
    )
    .await;
}

/// An invoice written by a server of either release (`buyer` names the new release's snapshot).
fn create_invoice(year: u32, n: u64, buyer: bool) -> String {
    let company = format!("md5('company' || {})::uuid", 1 + n % u64::from(COMPANIES));
    let (columns, values) = if buyer {
        (
            ", buyer_name, buyer_tax_id, buyer_address",
            format!(
                ", (SELECT name FROM companies WHERE id = {company}), NULL, \
                 (SELECT address FROM company_details WHERE company_id = {company})"
            ),
        )
    } else {
        ("", String::new())
    };
    format!(
        "INSERT INTO invoices (company_id, invoice_no, amount_subtotal, amount_tax, amount_total{columns}) \
         VALUES ({company}, '{year}-{}', 1, 0.20, 1.20{values})",
        1_000_000 + n
    )
}

#[tokio::test]
async fn evolution_3_rolls_out_under_load_without_a_failed_write() {
    let invoices: u64 = std::env::var("ROLLING_UPGRADE_INVOICES")
        .ok()
        .and_then(|count| count.parse().ok())
        .unwrap_or(20_000);
    let database = TestDatabase::empty().await.expect("test database");
    let db = database.connection();
    Migrator::up(db, Some(PREVIOUS_RELEASE))
        .await
        .expect("the previous release's schema");
    load(db, invoices).await;
    let url = database.url();

    // Servers of the previous release create invoices; both releases pay and rename alike.
    let old_creator = Writer::start(url, |n| create_invoice(2031, n, false)).await;
    let payer = Writer::start(url, |n| {
        format!(
            "UPDATE invoices SET status = 'PAID', paid_at = now() WHERE id = (SELECT id FROM invoices \
             WHERE status = 'SENT' AND company_id = md5('company' || {})::uuid LIMIT 1)",
            1 + n % u64::from(COMPANIES)
        )
    })
    .await;
    let renamer = Writer::start(url, |n| {
        format!(
            "UPDATE companies SET name = 'Firma ' || {c} || ' (' || {n} || ')' WHERE id = md5('company' || {c})::uuid",
            c = 1 + n % u64::from(COMPANIES)
        )
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Expand and backfill while the previous release writes.
    let expanding = Instant::now();
    let mut backfilled = 0;
    let expanded = roll_out(
        db,
        Rollout::Expand,
        BackfillSettings::default(),
        &mut |progress| {
            backfilled = progress.rows_changed;
        },
    )
    .await
    .expect("expand and backfill");
    let expand_took = expanding.elapsed();
    // Evolution 3's expand step, and the later expand migrations of the release (the
    // autocomplete index, built concurrently under the same writes).
    assert_eq!(
        expanded.applied.first().map(String::as_str),
        Some("m20261201_000022_add_invoice_buyer_snapshot")
    );
    assert_eq!(
        expanded.contracts_pending,
        [
            "m20261201_000023_contract_invoice_buyer_fill",
            "m20261201_000024_contract_invoice_buyer_not_null"
        ]
    );

    // The new release serves (its servers start once the backfill is done), the previous one
    // stops; then the contract, while the new release writes on.
    let new_creator = Writer::start(url, |n| create_invoice(2032, n, true)).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (old_tally, old_errors) = old_creator.stop().await;
    let contracting = Instant::now();
    let contracted = roll_out(
        db,
        Rollout::Contract,
        BackfillSettings::default(),
        &mut |_| {},
    )
    .await
    .expect("the contract");
    let contract_took = contracting.elapsed();
    assert_eq!(contracted.applied.len(), 2);
    tokio::time::sleep(Duration::from_millis(300)).await;

    let mut failures = old_errors;
    let mut tallies = vec![("old creator", old_tally)];
    for (name, writer) in [
        ("new creator", new_creator),
        ("payer", payer),
        ("renamer", renamer),
    ] {
        let (tally, errors) = writer.stop().await;
        failures.extend(errors);
        tallies.push((name, tally));
    }
    let writes: u64 = tallies
        .iter()
        .map(|(_, t)| t.writes.load(Ordering::Relaxed))
        .sum();
    let longest = tallies
        .iter()
        .map(|(_, t)| t.longest_micros.load(Ordering::Relaxed))
        .max()
        .unwrap_or(0);
    println!(
        "rolling upgrade over {invoices} invoices: expand + backfill of {backfilled} rows in {:.2} s \
         ({:.0} rows/s), contract in {:.2} s; {writes} concurrent writes, {} failed, longest write \
         {:.1} ms",
        expand_took.as_secs_f64(),
        backfilled as f64 / expand_took.as_secs_f64(),
        contract_took.as_secs_f64(),
        failures.len(),
        longest as f64 / 1_000.0
    );
    assert!(failures.is_empty(), "failed writes: {failures:?}");
    assert!(
        backfilled >= invoices,
        "every invoice that existed got its buyer"
    );
    assert!(
        longest < 5_000_000,
        "no write waited as long as the lock_timeout ({longest} µs)"
    );

    // Nothing lost, nothing without its buyer, and the writers' rows all there.
    let without_buyer: i64 =
        scalar(db, "SELECT count(*) FROM invoices WHERE buyer_name IS NULL").await;
    assert_eq!(without_buyer, 0);
    let created = |tally: &Tally| i64::try_from(tally.writes.load(Ordering::Relaxed)).unwrap_or(0);
    let total: i64 = scalar(db, "SELECT count(*) FROM invoices").await;
    assert_eq!(
        total,
        i64::try_from(invoices).unwrap_or(0) + created(&tallies[0].1) + created(&tallies[1].1)
    );
    let old_buyers: i64 = scalar(
        db,
        "SELECT count(*) FROM invoices i JOIN company_details d ON d.company_id = i.company_id \
         WHERE i.invoice_no LIKE '2031-%' AND i.buyer_address = d.address",
    )
    .await;
    assert_eq!(
        old_buyers,
        created(&tallies[0].1),
        "the previous release's invoices were snapshotted as they were inserted"
    );
}
