//! The fleet at work: the business scenario through the balancer, the login limits shared by
//! both servers, and runs executed exactly once by the two worker processes.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{Fleet, eventually, unique};
use crate::fixtures::{PASSWORD, create_client, start_run, wait_for_end};

#[tokio::test]
#[ignore = "needs the local cluster: make cluster-test"]
async fn the_business_scenario_runs_through_the_balancer() {
    let fleet = Fleet::running().await;
    let lb = &fleet.balancer;
    let admin = lb.admin_token().await;
    let company = fleet
        .company(&admin, &format!("Filo OSGB {}", unique()))
        .await;
    let email = format!("filo-{}@example.com", unique());
    create_client(&fleet.balancer, &admin, &email, &company).await;
    let client = lb.login(&email, PASSWORD).await;

    // An invoice issued and paid by the admin; the admin's next read sees it paid, whichever
    // server and database answers (the replica only once it has replayed the payment).
    let draft = json!({"company_id": company, "subtotal": "1000.00", "tax_rate": "20"});
    let id = fleet.create(&admin, "/api/v1/invoices", draft).await;
    for action in ["send", "pay"] {
        let acted = lb
            .call(
                Method::POST,
                &format!("/api/v1/invoices/{id}/{action}"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(acted.status, StatusCode::OK, "{action}: {:?}", acted.body);
    }
    let dashboard = format!("/api/v1/companies/{company}/dashboard");
    for _ in 0..4 {
        let figures = lb.call(Method::GET, &dashboard, Some(&admin), None).await;
        assert_eq!(figures.status, StatusCode::OK, "{:?}", figures.body);
        assert_eq!(figures.body["paid_total"], "1200.00");
    }
    // The client sees it too, once the replica has it (at most the lag bound later).
    eventually(
        Duration::from_secs(3),
        "the client sees the payment",
        async || {
            let figures = lb.call(Method::GET, &dashboard, Some(&client), None).await;
            figures.body["paid_total"] == "1200.00"
        },
    )
    .await;

    // A project's run, executed by a worker process.
    let project = fleet
        .create(
            &admin,
            "/api/v1/projects",
            json!({"company_id": company, "name": "Kurumsal"}),
        )
        .await;
    let run = start_run(&fleet.balancer, &client, &project).await;
    let finished = wait_for_end(&fleet.balancer, &client, &run).await;
    assert_eq!(finished["status"], "SUCCEEDED", "{finished:?}");
}

#[tokio::test]
#[ignore = "needs the local cluster: make cluster-test"]
async fn the_login_limits_are_shared_by_both_servers() {
    let fleet = Fleet::running().await;
    let admin = fleet.balancer.admin_token().await;
    let company = fleet
        .company(&admin, &format!("Kilit OSGB {}", unique()))
        .await;
    let email = format!("kilit-{}@example.com", unique());
    create_client(&fleet.balancer, &admin, &email, &company).await;
    let wrong = json!({"email": email, "password": "wrong-password-wrong"});
    // Five failures, alternating between the servers directly.
    for attempt in 0..5 {
        let server = &fleet.servers[attempt % 2];
        let reply = server
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(wrong.clone()),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{:?}", reply.body);
    }
    // Each server now refuses the account, even with the right password.
    let right = json!({"email": email, "password": PASSWORD});
    for server in &fleet.servers {
        let reply = server
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(right.clone()),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{:?}",
            reply.body
        );
    }
}

#[tokio::test]
#[ignore = "needs the local cluster: make cluster-test"]
async fn runs_are_executed_exactly_once_across_both_worker_processes() {
    let fleet = Fleet::running().await;
    let admin = fleet.balancer.admin_token().await;
    let company = fleet
        .company(&admin, &format!("Kuyruk OSGB {}", unique()))
        .await;
    let mut runs = Vec::new();
    // One active run per project: twenty projects, all queued at once.
    for n in 0..20 {
        let site = json!({"company_id": company, "name": format!("Site {n}")});
        let project = fleet.create(&admin, "/api/v1/projects", site).await;
        runs.push(start_run(&fleet.balancer, &admin, &project).await);
    }
    for run in &runs {
        let finished = wait_for_end(&fleet.balancer, &admin, run).await;
        assert_eq!(finished["status"], "SUCCEEDED", "{finished:?}");
    }
    let list = runs
        .iter()
        .map(|id| format!("'{id}'"))
        .collect::<Vec<_>>()
        .join(",");
    // One attempt each: no run was claimed twice, by two loops or two processes.
    let attempts = fleet
        .count(&format!(
            "SELECT sum(attempt)::int8 FROM pipeline_runs WHERE id IN ({list})"
        ))
        .await;
    assert_eq!(attempts, i64::try_from(runs.len()).unwrap());
    // By the fleet's two worker processes (the API servers run no workers).
    let workers = fleet
        .count("SELECT count(*) FROM service_instances WHERE kind = 'worker'")
        .await;
    assert_eq!(workers, 2);
}
