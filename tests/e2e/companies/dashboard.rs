//! The dashboard's figures, with rows the API cannot write yet put straight into the database.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::fixtures::{assert_problem, demo_company, id_of};
use crate::support::TestServer;

use super::MISSING;
use sea_orm::ConnectionTrait;

/// Invoices, project statuses and visits for the demo tenant's dashboard, written straight to
/// the database: paid `1200.00 + 50.00`, unpaid `360.00` (overdue) `+ 120.00`, a draft and a void
/// invoice that do not count; one live and one archived project; 42 visitors inside the 30-day
/// window and 1000 just outside it. Dates are UTC, like the server's clock.
const DASHBOARD_FIXTURE: &str = r"
WITH today AS (SELECT (now() AT TIME ZONE 'UTC')::date AS d)
INSERT INTO invoices (company_id, buyer_name, invoice_no, amount_subtotal, amount_tax,
                      amount_total, status, due_date, issue_date, paid_at)
SELECT $company, 'Dashboard OSGB', no, sub, tax, sub + tax, status, today.d + due, issue, paid
FROM today, (VALUES
    ('2026-001', 1000.00, 200.00, 'PAID',  -40, DATE '2026-01-05', now()),
    ('2026-002',   50.00,   0.00, 'PAID',  -10, DATE '2026-01-06', now()),
    ('2026-003',  300.00,  60.00, 'SENT',   -1, DATE '2026-01-07', NULL),
    ('2026-004',  100.00,  20.00, 'SENT',    5, DATE '2026-01-08', NULL),
    ('2026-005',  999.00,   0.00, 'DRAFT',  -9, NULL, NULL),
    ('2026-006',  777.00,   0.00, 'VOID',   -9, NULL, NULL)
) AS rows (no, sub, tax, status, due, issue, paid);
UPDATE web_projects SET status = 'LIVE' WHERE company_id = $company;
INSERT INTO web_projects (company_id, name, status) VALUES ($company, 'Eski Site', 'ARCHIVED');
INSERT INTO daily_stats (project_id, date, visitors, page_views)
SELECT id, (now() AT TIME ZONE 'UTC')::date - days, visitors, visitors * 3
FROM web_projects, (VALUES (0, 40), (29, 2), (30, 1000)) AS visits (days, visitors)
WHERE company_id = $company AND status = 'LIVE';
";

#[tokio::test]
async fn the_dashboard_reports_the_company_figures_with_money_as_strings() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let client = server.client_token().await;
    let demo = demo_company(&server, &admin).await;
    let path = format!("/api/v1/companies/{}/dashboard", id_of(&demo));
    let empty = server.call(Method::GET, &path, Some(&client), None).await;
    assert_eq!(empty.status, StatusCode::OK, "{:?}", empty.body);
    let as_of = empty.body["as_of"].as_str().expect("a date").to_owned();
    assert_eq!(as_of.len(), 10, "{as_of}");
    // The demo tenant starts with one DRAFT project and no invoices or visits.
    assert_eq!(
        empty.body,
        json!({"company_id": id_of(&demo), "as_of": as_of, "paid_total": "0.00",
               "unpaid_count": 0, "unpaid_total": "0.00", "overdue_count": 0,
               "active_projects": 0, "visitors_last_30_days": 0})
    );

    let sql = DASHBOARD_FIXTURE.replace("$company", &format!("'{}'::uuid", id_of(&demo)));
    server
        .database()
        .connection()
        .execute_unprepared(&sql)
        .await
        .expect("dashboard fixture");
    let dashboard = server.call(Method::GET, &path, Some(&client), None).await;
    assert_eq!(
        dashboard.body,
        json!({"company_id": id_of(&demo), "as_of": as_of, "paid_total": "1250.00",
               "unpaid_count": 2, "unpaid_total": "480.00", "overdue_count": 1,
               "active_projects": 1, "visitors_last_30_days": 42})
    );
    let by_admin = server.call(Method::GET, &path, Some(&admin), None).await;
    assert_eq!(by_admin.body, dashboard.body);
    let missing = server
        .call(
            Method::GET,
            &format!("/api/v1/companies/{MISSING}/dashboard"),
            Some(&admin),
            None,
        )
        .await;
    assert_problem(&missing, 404, "not_found");
}
