//! Every date the API takes, in a body or a query, is `YYYY-MM-DD` from 1900-01-01 to 2199-12-31:
//! the bounds themselves are accepted, anything past them (or that PostgreSQL could not store, or a
//! client could not parse back) answers `400`, never a `500`.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::invoices::draft;
use crate::support::{Reply, TestServer};
use crate::tenants::{assert_problem, demo_tenant};

const ACCEPTED: [&str; 2] = ["1900-01-01", "2199-12-31"];
const REFUSED: [&str; 7] = [
    "1899-12-31",
    "2200-01-01",
    "-4714-01-01",
    "0000-01-01",
    "+10000-01-01",
    "+262142-12-31",
    "2026-02-30",
];

/// A request: its method, path and JSON body.
type Request = (Method, String, Option<Value>);

/// One place a date goes: the request that sends `date` there.
struct DateField {
    name: &'static str,
    send: Box<dyn Fn(&'static str) -> Request>,
}

#[tokio::test]
async fn every_date_field_accepts_its_bounds_and_refuses_what_lies_past_them() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let demo = demo_tenant(&server, &admin).await;
    let key_reply = server
        .call(
            Method::POST,
            &format!("/api/v1/projects/{}/ingest-key", demo.project_id),
            Some(&admin),
            None,
        )
        .await;
    let key = key_reply.body["ingest_key"]
        .as_str()
        .expect("a key")
        .to_owned();
    let invoice = draft(&server, &admin, &demo.company_id).await;
    let (company, project) = (demo.company_id.clone(), demo.project_id.clone());

    let day = |date: &str| json!({"date": date, "visitors": 1, "page_views": 1});
    let fields: Vec<DateField> = vec![
        DateField {
            name: "ingest events (key)",
            send: Box::new(move |date| {
                (
                    Method::POST,
                    "/api/v1/ingest/events".into(),
                    Some(day(date)),
                )
            }),
        },
        DateField {
            name: "stats events",
            send: Box::new({
                let project = project.clone();
                move |date| {
                    let path = format!("/api/v1/projects/{project}/stats/events");
                    (Method::POST, path, Some(day(date)))
                }
            }),
        },
        DateField {
            name: "stats days",
            send: Box::new({
                let project = project.clone();
                move |date| {
                    let path = format!("/api/v1/projects/{project}/stats/days");
                    (Method::PUT, path, Some(json!({"days": [day(date)]})))
                }
            }),
        },
        DateField {
            name: "stats range",
            send: Box::new({
                let project = project.clone();
                move |date| {
                    let date = date.replace('+', "%2B");
                    let path = format!("/api/v1/projects/{project}/stats?from={date}&to={date}");
                    (Method::GET, path, None)
                }
            }),
        },
        DateField {
            name: "new invoice due date",
            send: Box::new({
                let company = company.clone();
                move |date| {
                    let body = json!({"company_id": company, "subtotal": "10.00", "tax_rate": "20", "due_date": date});
                    (Method::POST, "/api/v1/invoices".into(), Some(body))
                }
            }),
        },
        DateField {
            name: "draft due date",
            send: Box::new(move |date| {
                let body = json!({"subtotal": "10.00", "tax_rate": "20", "due_date": date});
                (
                    Method::PUT,
                    format!("/api/v1/invoices/{invoice}"),
                    Some(body),
                )
            }),
        },
    ];
    let filters = ["due_from", "due_to", "issued_from", "issued_to"];

    let send = |method: Method, path: String, body: Option<Value>| {
        let server = &server;
        let admin = admin.clone();
        let key = key.clone();
        async move {
            server
                .call_with(method, &path, Some(&admin), body, &[("X-Ingest-Key", &key)])
                .await
        }
    };
    let accepted = |reply: &Reply, context: &str| {
        assert!(
            reply.status.is_success(),
            "{context}: {} {:?}",
            reply.status,
            reply.body
        );
    };
    for field in &fields {
        for date in ACCEPTED {
            let (method, path, body) = (field.send)(date);
            accepted(
                &send(method, path, body).await,
                &format!("{} {date}", field.name),
            );
        }
        for date in REFUSED {
            let (method, path, body) = (field.send)(date);
            let reply = send(method, path, body).await;
            assert_problem(
                &reply,
                400,
                "bad_request",
                &format!("{} {date}", field.name),
            );
        }
    }
    for filter in filters {
        for date in ACCEPTED {
            let path = format!("/api/v1/invoices?{filter}={date}");
            let reply = send(Method::GET, path, None).await;
            assert_eq!(reply.status, StatusCode::OK, "{filter} {date}");
        }
        for date in REFUSED {
            let encoded = date.replace('+', "%2B");
            let reply = send(
                Method::GET,
                format!("/api/v1/invoices?{filter}={encoded}"),
                None,
            )
            .await;
            assert_problem(&reply, 400, "bad_request", &format!("{filter} {date}"));
        }
    }
}
