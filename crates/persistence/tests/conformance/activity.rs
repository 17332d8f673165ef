//! `PgActivityFeed` and the triggers that record it: every kind of event is recorded by the change
//! itself (an update into the state, or a row inserted in it), nothing else is, a rolled-back
//! change records nothing; the feed reads newest first, scoped to the tenant, in keyset pages that
//! neither lose nor repeat an event.

use std::collections::HashSet;

use prosektor_application::{ActivityFeed, Cursor, PageRequest, RepositoryError, TenantScope};
use prosektor_domain::{Activity, ActivityKind, ActivitySubject, CompanyId, Money, ProjectId};
use prosektor_persistence::PgActivityFeed;
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use uuid::Uuid;

use crate::support::{company, database, exec, project, scalar};

/// Inserts a `DRAFT` invoice of `company` numbered `no` for 120.00.
async fn draft_invoice(db: &DatabaseConnection, company: CompanyId, no: &str) -> Uuid {
    let id = Uuid::now_v7();
    exec(
        db,
        &format!(
            "INSERT INTO invoices (id, company_id, invoice_no, amount_subtotal, amount_tax, \
             amount_total, buyer_name) VALUES ('{id}', '{company}', '{no}', 100, 20, 120, 'Buyer')"
        ),
    )
    .await;
    id
}

/// Inserts a run of `project` in `status` (finished ones with a finish time).
async fn run(db: &DatabaseConnection, project: ProjectId, status: &str) -> Uuid {
    let id = Uuid::now_v7();
    let finished = if matches!(status, "QUEUED" | "RUNNING") {
        "NULL"
    } else {
        "now()"
    };
    let running = if status == "RUNNING" { "now()" } else { "NULL" };
    exec(
        db,
        &format!(
            "INSERT INTO pipeline_runs (id, project_id, status, input, finished_at, started_at, \
             heartbeat_at) VALUES ('{id}', '{project}', '{status}', '{{}}', {finished}, \
             {running}, {running})"
        ),
    )
    .await;
    id
}

async fn everything(feed: &PgActivityFeed, scope: TenantScope) -> Vec<Activity> {
    feed.recent(scope, &PageRequest::new(100, None).unwrap())
        .await
        .unwrap()
        .items
}

fn kinds(events: &[Activity]) -> Vec<ActivityKind> {
    events.iter().map(Activity::kind).collect()
}

#[tokio::test]
async fn every_business_event_is_recorded_by_the_change_itself_and_nothing_else_is() {
    let db = database().await;
    let conn = db.connection();
    let feed = PgActivityFeed::new(conn.clone());
    let acme = company(conn, "Acme OSGB").await;

    let sent = draft_invoice(conn, acme, "2026-001").await;
    let voided = draft_invoice(conn, acme, "2026-002").await;
    assert!(
        everything(&feed, TenantScope::All).await.is_empty(),
        "drafts are no event"
    );
    exec(
        conn,
        &format!(
            "UPDATE invoices SET status = 'SENT', issue_date = '2026-01-05' WHERE id = '{sent}'"
        ),
    )
    .await;
    exec(
        conn,
        &format!("UPDATE invoices SET due_date = '2026-02-01' WHERE id = '{sent}'"),
    )
    .await;
    exec(conn, &format!("UPDATE invoices SET status = 'PAID', paid_at = '2026-01-20T10:00:00Z' WHERE id = '{sent}'")).await;
    exec(
        conn,
        &format!("UPDATE invoices SET status = 'VOID' WHERE id = '{voided}'"),
    )
    .await;

    let site = project(conn, acme).await;
    exec(
        conn,
        &format!("UPDATE web_projects SET status = 'BUILDING' WHERE id = '{site}'"),
    )
    .await;
    exec(
        conn,
        &format!("UPDATE web_projects SET status = 'LIVE', updated_at = now() WHERE id = '{site}'"),
    )
    .await;
    exec(
        conn,
        &format!("UPDATE web_projects SET name = 'Renamed' WHERE id = '{site}'"),
    )
    .await;
    let running = run(conn, site, "RUNNING").await;
    exec(conn, &format!("UPDATE pipeline_runs SET status = 'SUCCEEDED', finished_at = now(), heartbeat_at = NULL WHERE id = '{running}'")).await;
    run(conn, site, "FAILED").await;
    run(conn, site, "CANCELLED").await;
    run(conn, site, "QUEUED").await;

    let events = everything(&feed, TenantScope::All).await;
    let mut recorded = kinds(&events);
    recorded.sort_by_key(|kind| kind.as_str());
    let mut expected = ActivityKind::ALL.to_vec();
    expected.sort_by_key(|kind| kind.as_str());
    assert_eq!(recorded, expected, "each kind once: {events:#?}");

    let paid = events
        .iter()
        .find(|event| event.kind() == ActivityKind::InvoicePaid)
        .unwrap();
    assert_eq!(
        paid.occurred_at().to_rfc3339(),
        "2026-01-20T10:00:00+00:00",
        "at its paid_at"
    );
    let ActivitySubject::Invoice { id, number, total } = paid.subject() else {
        panic!("an invoice event about {:?}", paid.subject());
    };
    assert_eq!(
        (id.as_uuid(), number.to_string()),
        (sent, "2026-001".to_owned())
    );
    assert_eq!(*total, Money::parse("120.00").unwrap());
    let finished = events
        .iter()
        .find(|event| event.kind() == ActivityKind::RunSucceeded)
        .unwrap();
    assert!(
        matches!(
            finished.subject(),
            ActivitySubject::Run { id, project_id, project_name }
                if id.as_uuid() == running && *project_id == site && project_name.as_str() == "Renamed"
        ),
        "{finished:?}"
    );
    assert!(events.iter().all(|event| event.company_id() == acme));
}

#[tokio::test]
async fn a_rolled_back_change_records_nothing() {
    let db = database().await;
    let conn = db.connection();
    let acme = company(conn, "Acme OSGB").await;
    let invoice = draft_invoice(conn, acme, "2026-001").await;

    let transaction = conn.begin().await.unwrap();
    transaction
        .execute_unprepared(&format!(
            "UPDATE invoices SET status = 'SENT', issue_date = '2026-01-05' WHERE id = '{invoice}'"
        ))
        .await
        .unwrap();
    transaction.rollback().await.unwrap();

    assert_eq!(
        scalar::<i64>(conn, "SELECT count(*) FROM activity_events").await,
        0
    );
}

#[tokio::test]
async fn a_client_reads_only_its_own_company_and_pages_lose_and_repeat_nothing() {
    let db = database().await;
    let conn = db.connection();
    let feed = PgActivityFeed::new(conn.clone());
    let acme = company(conn, "Acme OSGB").await;
    let other = company(conn, "Other OSGB").await;
    // 25 events of each company, several at the very same instant (ties broken by id).
    exec(
        conn,
        &format!(
            "INSERT INTO invoices (company_id, invoice_no, amount_subtotal, amount_tax, \
             amount_total, buyer_name, status, issue_date, paid_at) \
             SELECT c, format('2026-%s', lpad((i + 100 * (c = '{other}')::int)::text, 3, '0')), \
                    100, 20, 120, 'Buyer', 'PAID', '2026-01-01', \
                    timestamptz '2026-01-01' + (i / 3) * interval '1 minute' \
             FROM generate_series(1, 25) i, (VALUES ('{acme}'::uuid), ('{other}'::uuid)) c (c)"
        ),
    )
    .await;

    for (scope, company) in [
        (TenantScope::Company(acme), Some(acme)),
        (TenantScope::All, None),
    ] {
        let mut seen = Vec::new();
        let mut cursor: Option<Cursor> = None;
        loop {
            let page = feed
                .recent(scope, &PageRequest::new(4, cursor.clone()).unwrap())
                .await
                .unwrap();
            assert!(page.items.len() <= 4);
            seen.extend(page.items);
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let expected = if company.is_some() { 25 } else { 50 };
        assert_eq!(seen.len(), expected, "{scope:?}");
        let ids: HashSet<_> = seen.iter().map(Activity::id).collect();
        assert_eq!(ids.len(), expected, "{scope:?}: an event repeated");
        assert!(
            seen.windows(2)
                .all(|pair| (pair[0].occurred_at(), pair[0].id().as_uuid())
                    > (pair[1].occurred_at(), pair[1].id().as_uuid())),
            "{scope:?}: not newest first"
        );
        if let Some(company) = company {
            assert!(seen.iter().all(|event| event.company_id() == company));
        }
    }
}

#[tokio::test]
async fn a_cursor_of_another_listing_is_refused() {
    let db = database().await;
    let feed = PgActivityFeed::new(db.connection().clone());
    let foreign = Cursor::from_client("bm90LWEtY3Vyc29y");
    assert_eq!(
        feed.recent(
            TenantScope::All,
            &PageRequest::new(10, Some(foreign)).unwrap()
        )
        .await
        .unwrap_err(),
        RepositoryError::InvalidCursor
    );
}
