//! Invoice races over HTTP: concurrent payments of one invoice have exactly one winner, and
//! concurrent creation numbers invoices uniquely and without gaps.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::json;
use tokio::sync::Barrier;
use tokio::task::JoinSet;

use crate::invoices::{act, create, draft, get};
use crate::support::TestServer;
use crate::tenants::demo_tenant;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_32_concurrent_payments_exactly_one_wins() {
    let server = Arc::new(TestServer::start().await);
    let admin = server.admin_token().await;
    let demo = demo_tenant(&server, &admin).await;
    let id = draft(&server, &admin, &demo.company_id).await;
    act(&server, &admin, &id, "send").await;

    // The barrier releases all 32 requests at once, so that many read the invoice while SENT.
    let start = Arc::new(Barrier::new(32));
    let mut tasks = JoinSet::new();
    for _ in 0..32 {
        let (server, admin, id) = (Arc::clone(&server), admin.clone(), id.clone());
        let start = Arc::clone(&start);
        tasks.spawn(async move {
            start.wait().await;
            act(&server, &admin, &id, "pay").await
        });
    }
    let replies = tasks.join_all().await;
    let winners = replies
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    let stale = replies
        .iter()
        .filter(|r| r.status == StatusCode::CONFLICT && r.body["code"] == "stale_state")
        .count();
    let late = replies
        .iter()
        .filter(|r| r.status == StatusCode::CONFLICT && r.body["code"] == "invalid_transition")
        .count();
    println!(
        "32 concurrent pays: {winners} x 200, {stale} x 409 stale_state, {late} x 409 invalid_transition"
    );
    assert_eq!(winners, 1);
    // A loser that read the invoice before the winner committed is refused by the conditional
    // save (`stale_state`); one that read it after sees PAID (`invalid_transition`).
    assert_eq!(stale + late, 31);
    let paid = get(&server, &admin, &id).await;
    assert_eq!(paid.body["status"], "PAID");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creation_numbers_invoices_uniquely_and_without_gaps() {
    let server = Arc::new(TestServer::start().await);
    let admin = server.admin_token().await;
    let demo = demo_tenant(&server, &admin).await;

    let mut tasks = JoinSet::new();
    for _ in 0..32 {
        let (server, admin) = (Arc::clone(&server), admin.clone());
        let company_id = demo.company_id.clone();
        tasks.spawn(async move {
            let body = json!({"subtotal": "10.00", "tax_amount": "2.00"});
            create(&server, &admin, &company_id, body).await
        });
    }
    let replies = tasks.join_all().await;
    assert!(replies.iter().all(|r| r.status == StatusCode::CREATED));
    let year = replies[0].body["created_at"].as_str().expect("created_at")[..4].to_owned();
    let mut numbers: Vec<String> = replies
        .iter()
        .map(|r| r.body["invoice_no"].as_str().expect("a number").to_owned())
        .collect();
    numbers.sort();
    let expected: Vec<String> = (1..=32).map(|n| format!("{year}-{n:03}")).collect();
    assert_eq!(numbers, expected);
}
