//! The recent-activity feed over HTTP: what a company's day of business records (a run finished,
//! invoices issued, paid and voided, a project gone live), newest first, for the admin and the
//! company's clients only, in keyset pages; bad paging input answered as problem documents.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::{start_run, wait_for_end};
use crate::invoices::{act, draft};
use crate::support::{Reply, TestServer};
use crate::tenants::{assert_problem, demo_tenant, other_tenant_token};

async fn feed(server: &TestServer, token: &str, query: &str) -> Reply {
    let path = format!("/api/v1/activity{query}");
    server.call(Method::GET, &path, Some(token), None).await
}

/// `(kind, subject_id)` of each item of a page, in order.
fn events(page: &Reply) -> Vec<(String, String)> {
    assert_eq!(page.status, StatusCode::OK, "{:?}", page.body);
    page.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| {
            let field = |name: &str| item[name].as_str().expect(name).to_owned();
            (field("kind"), field("subject_id"))
        })
        .collect()
}

#[tokio::test]
async fn a_day_of_business_reads_newest_first_for_the_admin_and_the_company_only() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let demo = demo_tenant(&server, &admin).await;
    let client = server.client_token().await;

    let run = start_run(&server, &client, &demo.project_id).await;
    assert_eq!(
        wait_for_end(&server, &client, &run).await["status"],
        "SUCCEEDED"
    );
    let paid = draft(&server, &admin, &demo.company_id).await;
    let voided = draft(&server, &admin, &demo.company_id).await;
    for (invoice, action) in [(&paid, "send"), (&paid, "pay"), (&voided, "void")] {
        let reply = act(&server, &admin, invoice, action).await;
        assert_eq!(reply.status, StatusCode::OK, "{action}: {:?}", reply.body);
    }
    for status in ["BUILDING", "LIVE"] {
        let path = format!("/api/v1/projects/{}/status", demo.project_id);
        let reply = server
            .call(
                Method::POST,
                &path,
                Some(&admin),
                Some(json!({ "status": status })),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{status}: {:?}", reply.body);
    }

    let expected: Vec<(String, String)> = [
        ("PROJECT_LIVE", &demo.project_id),
        ("INVOICE_VOIDED", &voided),
        ("INVOICE_PAID", &paid),
        ("INVOICE_ISSUED", &paid),
        ("RUN_SUCCEEDED", &run),
    ]
    .into_iter()
    .map(|(kind, id)| (kind.to_owned(), id.clone()))
    .collect();
    for (who, token, query) in [
        ("admin", &admin, ""),
        (
            "admin, one company",
            &admin,
            &format!("?company_id={}", demo.company_id),
        ),
        ("client", &client, ""),
    ] {
        assert_eq!(
            events(&feed(&server, token, query).await),
            expected,
            "{who}"
        );
    }

    let page = feed(&server, &client, "").await;
    let paid_event = &page.body["items"][2];
    assert_eq!(paid_event["company_id"], json!(demo.company_id));
    assert_eq!(paid_event["total"], "1200.00");
    assert!(
        paid_event["invoice_no"]
            .as_str()
            .is_some_and(|no| no.len() == 8)
    );
    assert!(paid_event["project_id"].is_null() && paid_event["project_name"].is_null());
    let run_event = &page.body["items"][4];
    assert_eq!(run_event["project_id"], json!(demo.project_id));
    assert!(run_event["project_name"].is_string() && run_event["total"].is_null());

    let other = other_tenant_token(&server).await;
    assert_eq!(events(&feed(&server, &other, "").await), vec![]);
    let foreign = feed(&server, &other, &format!("?company_id={}", demo.company_id)).await;
    assert_problem(&foreign, 404, "not_found", "another company's feed");
}

#[tokio::test]
async fn pages_follow_each_other_without_loss_or_repeat_and_bad_paging_is_a_problem() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let demo = demo_tenant(&server, &admin).await;
    let mut issued = Vec::new();
    for _ in 0..5 {
        let invoice = draft(&server, &admin, &demo.company_id).await;
        assert_eq!(
            act(&server, &admin, &invoice, "send").await.status,
            StatusCode::OK
        );
        issued.push(invoice);
    }

    let mut seen = Vec::new();
    let mut query = "?limit=2".to_owned();
    loop {
        let page = feed(&server, &admin, &query).await;
        seen.extend(events(&page).into_iter().map(|(_, id)| id));
        match page.body["next_cursor"].as_str() {
            Some(cursor) => query = format!("?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    issued.reverse();
    assert_eq!(seen, issued);

    for (query, code) in [
        ("?limit=0", "bad_request"),
        ("?limit=101", "bad_request"),
        ("?cursor=forged", "invalid_cursor"),
        ("?company_id=not-a-uuid", "bad_request"),
    ] {
        let reply = feed(&server, &admin, query).await;
        assert_problem(&reply, 400, code, query);
        assert!(matches!(reply.body, Value::Object(_)));
    }
}
