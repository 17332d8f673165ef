//! Invoices over HTTP: the whole lifecycle with exact money, illegal transitions, who may do what,
//! tenancy, and bad input answered as problem documents. Races are in `invoice_races`.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Reply, TestServer};
use crate::tenants::{assert_problem, demo_tenant, other_tenant_token, problem_field};

/// Creates an invoice as `token` for `company_id` with `body`'s amounts.
pub(crate) async fn create(
    server: &TestServer,
    token: &str,
    company_id: &str,
    mut body: Value,
) -> Reply {
    body["company_id"] = json!(company_id);
    server
        .call(Method::POST, "/api/v1/invoices", Some(token), Some(body))
        .await
}

/// Creates a draft of "1000.00" at 20% KDV and returns its id.
pub(crate) async fn draft(server: &TestServer, admin: &str, company_id: &str) -> String {
    let reply = create(
        server,
        admin,
        company_id,
        json!({"subtotal": "1000.00", "tax_rate": "20"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    reply.body["id"].as_str().expect("an id").to_owned()
}

/// `POST /invoices/{id}/{action}` as `token`.
pub(crate) async fn act(server: &TestServer, token: &str, id: &str, action: &str) -> Reply {
    let path = format!("/api/v1/invoices/{id}/{action}");
    server.call(Method::POST, &path, Some(token), None).await
}

/// `GET /invoices/{id}` as `token`.
pub(crate) async fn get(server: &TestServer, token: &str, id: &str) -> Reply {
    let path = format!("/api/v1/invoices/{id}");
    server.call(Method::GET, &path, Some(token), None).await
}

#[tokio::test]
async fn an_invoice_is_created_edited_sent_and_paid_with_exact_money() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let demo = demo_tenant(&server, &admin).await;

    let created = create(
        &server,
        &admin,
        &demo.company_id,
        json!({"subtotal": "1000.00", "tax_rate": "20", "due_date": "2030-01-31"}),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let invoice = &created.body;
    let year = &invoice["created_at"].as_str().expect("created_at")[..4];
    assert_eq!(invoice["invoice_no"], format!("{year}-001"));
    assert_eq!(
        (&invoice["subtotal"], &invoice["tax"], &invoice["total"]),
        (&json!("1000.00"), &json!("200.00"), &json!("1200.00"))
    );
    assert_eq!(invoice["status"], "DRAFT");
    assert_eq!(invoice["due_date"], "2030-01-31");
    assert_eq!(invoice["company_id"], json!(demo.company_id));
    assert!(invoice["issue_date"].is_null() && invoice["paid_at"].is_null());
    let id = invoice["id"].as_str().expect("an id").to_owned();

    let path = format!("/api/v1/invoices/{id}");
    let edited = server
        .call(
            Method::PUT,
            &path,
            Some(&admin),
            Some(json!({"subtotal": "1250.5", "tax_amount": "250.10", "due_date": "2030-02-28"})),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{:?}", edited.body);
    assert_eq!(
        (
            &edited.body["subtotal"],
            &edited.body["tax"],
            &edited.body["total"]
        ),
        (&json!("1250.50"), &json!("250.10"), &json!("1500.60"))
    );
    assert_eq!(edited.body["invoice_no"], invoice["invoice_no"]);

    let sent = act(&server, &admin, &id, "send").await;
    assert_eq!(sent.body["status"], "SENT", "{:?}", sent.body);
    assert!(sent.body["issue_date"].is_string());
    let late_edit = server
        .call(
            Method::PUT,
            &path,
            Some(&admin),
            Some(json!({"subtotal": "1.00", "tax_rate": "20"})),
        )
        .await;
    assert_problem(&late_edit, 409, "not_editable", "edit after send");

    let paid = act(&server, &admin, &id, "pay").await;
    assert_eq!(paid.body["status"], "PAID", "{:?}", paid.body);
    assert!(paid.body["paid_at"].is_string());
    for action in ["pay", "send", "void"] {
        let refused = act(&server, &admin, &id, action).await;
        assert_problem(&refused, 409, "invalid_transition", action);
    }

    let client = server.client_token().await;
    let read = get(&server, &client, &id).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(
        (&read.body["status"], &read.body["total"]),
        (&json!("PAID"), &json!("1500.60"))
    );
    let listed = server
        .call(
            Method::GET,
            "/api/v1/invoices?status=PAID&due_from=2030-02-01&due_to=2030-02-28",
            Some(&client),
            None,
        )
        .await;
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(listed.body["items"][0]["id"], json!(id));
    let none = server
        .call(
            Method::GET,
            "/api/v1/invoices?status=SENT",
            Some(&client),
            None,
        )
        .await;
    assert_eq!(none.body["items"], json!([]));
}

#[tokio::test]
async fn an_invoice_keeps_its_buyer_when_the_company_is_renamed() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let company =
        crate::fixtures::create_company(&server, &admin, "Ege İSG", Some("10000000146")).await;
    let company_id = company["id"].as_str().expect("an id");
    let details = format!("/api/v1/companies/{company_id}/details");
    let moved = server
        .call(
            Method::PATCH,
            &details,
            Some(&admin),
            Some(json!({"address": "Kordon 5, İzmir"})),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{:?}", moved.body);
    let id = draft(&server, &admin, company_id).await;
    let buyer = json!({"name": "Ege İSG", "tax_id": "10000000146", "address": "Kordon 5, İzmir"});
    assert_eq!(get(&server, &admin, &id).await.body["buyer"], buyer);

    let renamed = server
        .call(
            Method::PATCH,
            &format!("/api/v1/companies/{company_id}"),
            Some(&admin),
            Some(json!({"name": "Ege Sağlık ve Güvenlik"})),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{:?}", renamed.body);
    assert_eq!(
        get(&server, &admin, &id).await.body["buyer"],
        buyer,
        "the old invoice is unchanged"
    );
    let later = draft(&server, &admin, company_id).await;
    assert_eq!(
        get(&server, &admin, &later).await.body["buyer"]["name"],
        "Ege Sağlık ve Güvenlik"
    );
}

#[tokio::test]
async fn drafts_and_sent_invoices_can_be_voided_and_void_is_final() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let demo = demo_tenant(&server, &admin).await;

    let from_draft = draft(&server, &admin, &demo.company_id).await;
    let voided = act(&server, &admin, &from_draft, "void").await;
    assert_eq!(voided.body["status"], "VOID", "{:?}", voided.body);
    assert!(voided.body["issue_date"].is_null());

    let from_sent = draft(&server, &admin, &demo.company_id).await;
    act(&server, &admin, &from_sent, "send").await;
    let voided = act(&server, &admin, &from_sent, "void").await;
    assert_eq!(voided.body["status"], "VOID", "{:?}", voided.body);
    assert!(voided.body["issue_date"].is_string());

    for action in ["send", "pay", "void"] {
        let refused = act(&server, &admin, &from_draft, action).await;
        assert_problem(&refused, 409, "invalid_transition", action);
    }
    let draft_pay = draft(&server, &admin, &demo.company_id).await;
    let refused = act(&server, &admin, &draft_pay, "pay").await;
    assert_problem(&refused, 409, "invalid_transition", "pay a draft");
}

#[tokio::test]
async fn clients_read_their_invoices_but_every_write_is_forbidden_and_changes_nothing() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let client = server.client_token().await;
    let demo = demo_tenant(&server, &admin).await;
    let id = draft(&server, &admin, &demo.company_id).await;
    let before = get(&server, &admin, &id).await.body;

    let body = json!({"subtotal": "1.00", "tax_rate": "1"});
    let refused = create(&server, &client, &demo.company_id, body.clone()).await;
    assert_problem(&refused, 403, "forbidden", "client create");
    let path = format!("/api/v1/invoices/{id}");
    let refused = server
        .call(Method::PUT, &path, Some(&client), Some(body))
        .await;
    assert_problem(&refused, 403, "forbidden", "client edit");
    for action in ["send", "pay", "void"] {
        let refused = act(&server, &client, &id, action).await;
        assert_problem(&refused, 403, "forbidden", action);
    }

    assert_eq!(get(&server, &admin, &id).await.body, before);
    assert_eq!(get(&server, &client, &id).await.body, before);
    let all = server
        .call(Method::GET, "/api/v1/invoices", Some(&admin), None)
        .await;
    assert_eq!(all.body["items"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn bad_invoice_input_is_answered_with_the_right_problem_and_never_a_500() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let demo = demo_tenant(&server, &admin).await;
    let company = &demo.company_id;

    let malformed = format!(r#"{{"company_id": "{company}", "subtotal": "#);
    let number = format!(r#"{{"company_id": "{company}", "subtotal": 12.5, "tax_rate": "20"}}"#);
    let path = "/api/v1/invoices";
    let malformed = server
        .call_raw(Method::POST, path, &admin, &malformed)
        .await;
    assert_problem(&malformed, 400, "bad_request", "malformed JSON");
    let number = server.call_raw(Method::POST, path, &admin, &number).await;
    assert_problem(&number, 400, "bad_request", "amount as a JSON number");

    let cases_400 = [
        (
            json!({"subtotal": "1.00", "tax_rate": 20}),
            "rate as a JSON number",
        ),
        (
            json!({"subtotal": true, "tax_rate": "20"}),
            "amount as a boolean",
        ),
        (
            json!({"subtotal": "1.00", "tax_rate": "20", "discount": "1"}),
            "unknown field",
        ),
        (json!({"tax_rate": "20"}), "no subtotal"),
        (
            json!({"subtotal": "1.00", "tax_rate": "20", "due_date": "31.01.2030"}),
            "bad date",
        ),
    ];
    for (body, case) in cases_400 {
        let reply = create(&server, &admin, company, body).await;
        assert_problem(&reply, 400, "bad_request", case);
    }

    // Amounts outside the schema's pattern are refused as the schema refuses them: 400.
    for (body, case) in [
        (json!({"subtotal": "1.005", "tax_rate": "20"}), "3 decimals"),
        (json!({"subtotal": "-5.00", "tax_rate": "20"}), "negative"),
        (json!({"subtotal": "1e3", "tax_rate": "20"}), "exponent"),
        (
            json!({"subtotal": "10000000000", "tax_rate": "20"}),
            "10^10",
        ),
        (json!({"subtotal": " 1.00", "tax_rate": "20"}), "a space"),
        (
            json!({"subtotal": "007.50", "tax_rate": "20"}),
            "leading zeros",
        ),
        (
            json!({"subtotal": "1.00", "tax_amount": "0.001"}),
            "3 decimals of tax",
        ),
        (
            json!({"subtotal": "1.00", "tax_rate": "1000"}),
            "rate of 4 digits",
        ),
    ] {
        let reply = create(&server, &admin, company, body).await;
        assert_problem(&reply, 400, "bad_request", case);
    }

    let cases_422 = [
        (json!({"subtotal": "1.00"}), "tax_rate", "no tax"),
        (
            json!({"subtotal": "1.00", "tax_rate": "20", "tax_amount": "0.20"}),
            "tax_rate",
            "both taxes",
        ),
        (
            json!({"subtotal": "1.00", "tax_rate": "100.5"}),
            "tax_rate",
            "rate above 100",
        ),
    ];
    for (body, field, case) in cases_422 {
        let reply = create(&server, &admin, company, body).await;
        assert_problem(&reply, 422, "validation_failed", case);
        assert_eq!(problem_field(&reply), Some(field), "{case}");
    }
    let overflow = create(
        &server,
        &admin,
        company,
        json!({"subtotal": "9999999999.99", "tax_rate": "20"}),
    )
    .await;
    assert_problem(&overflow, 422, "overflow", "total past NUMERIC(12,2)");

    let missing = create(
        &server,
        &admin,
        "01900000-0000-7000-8000-00000000dead",
        json!({"subtotal": "1.00", "tax_rate": "20"}),
    )
    .await;
    assert_problem(&missing, 404, "not_found", "unknown company");

    let gets = [
        ("/api/v1/invoices/not-a-uuid", 400, "bad_request"),
        ("/api/v1/invoices?status=UNPAID", 400, "bad_request"),
        ("/api/v1/invoices?due_from=2030-13-01", 400, "bad_request"),
        ("/api/v1/invoices?limit=0", 400, "bad_request"),
        ("/api/v1/invoices?limit=101", 400, "bad_request"),
        ("/api/v1/invoices?cursor=forged", 400, "invalid_cursor"),
        (
            "/api/v1/invoices/01900000-0000-7000-8000-00000000dead",
            404,
            "not_found",
        ),
    ];
    for (path, status, code) in gets {
        let reply = server.call(Method::GET, path, Some(&admin), None).await;
        assert_problem(&reply, status, code, path);
    }
    let none = server
        .call(Method::GET, "/api/v1/invoices", Some(&admin), None)
        .await;
    assert_eq!(none.body["items"], json!([]), "nothing was created");
}

#[tokio::test]
async fn a_client_of_another_company_finds_no_demo_invoice_and_changes_nothing() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let demo = demo_tenant(&server, &admin).await;
    let id = draft(&server, &admin, &demo.company_id).await;
    let before = get(&server, &admin, &id).await.body;
    let stranger = other_tenant_token(&server).await;

    assert_problem(&get(&server, &stranger, &id).await, 404, "not_found", "get");
    let listed = server
        .call(
            Method::GET,
            &format!("/api/v1/invoices?company_id={}", demo.company_id),
            Some(&stranger),
            None,
        )
        .await;
    assert_eq!(
        (listed.status, &listed.body["items"]),
        (StatusCode::OK, &json!([])),
        "a foreign company's filter lists nothing"
    );
    let all = server
        .call(Method::GET, "/api/v1/invoices", Some(&stranger), None)
        .await;
    assert_eq!(all.body["items"], json!([]));
    // Every write is admin-only: a client is refused before anything is read, so the answer says
    // nothing about whether the invoice exists.
    for action in ["send", "pay", "void"] {
        let refused = act(&server, &stranger, &id, action).await;
        assert_problem(&refused, 403, "forbidden", action);
    }
    let body = json!({"subtotal": "1.00", "tax_rate": "20"});
    let path = format!("/api/v1/invoices/{id}");
    let refused = server
        .call(Method::PUT, &path, Some(&stranger), Some(body))
        .await;
    assert_problem(&refused, 403, "forbidden", "edit");
    assert_eq!(get(&server, &admin, &id).await.body, before);
}
