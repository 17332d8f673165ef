//! A company's lifecycle as an admin, and listings.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::{assert_problem, create_company, id_of, without_timestamps};
use crate::support::TestServer;

use super::names;

#[tokio::test]
async fn an_admin_creates_updates_and_classifies_a_company() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let created = create_company(&server, &admin, "  Karadeniz İSG  ", Some("1234567890")).await;
    assert_eq!(
        (&created["name"], &created["tax_id"], &created["status"]),
        (
            &json!("Karadeniz İSG"),
            &json!("1234567890"),
            &json!("LEAD")
        )
    );
    let path = format!("/api/v1/companies/{}", id_of(&created));
    let read = server.call(Method::GET, &path, Some(&admin), None).await;
    assert_eq!(without_timestamps(&read.body), without_timestamps(&created));

    let patch = |body: Value| {
        let (server, admin, path) = (&server, &admin, &path);
        async move {
            server
                .call(Method::PATCH, path, Some(admin), Some(body))
                .await
        }
    };
    let renamed = patch(json!({"name": "Karadeniz İSG A.Ş.", "status": "ACTIVE"})).await;
    assert_eq!(renamed.status, StatusCode::OK, "{:?}", renamed.body);
    assert_eq!(
        (
            &renamed.body["name"],
            &renamed.body["tax_id"],
            &renamed.body["status"]
        ),
        (
            &json!("Karadeniz İSG A.Ş."),
            &json!("1234567890"),
            &json!("ACTIVE")
        )
    );
    let cleared = patch(json!({"tax_id": null})).await;
    assert_eq!(
        (
            &cleared.body["name"],
            &cleared.body["tax_id"],
            &cleared.body["status"]
        ),
        (&json!("Karadeniz İSG A.Ş."), &Value::Null, &json!("ACTIVE"))
    );
    assert_problem(
        &patch(json!({"status": "LEAD"})).await,
        409,
        "invalid_transition",
    );
    let retaxed = patch(json!({"tax_id": "17291716060", "status": "SUSPENDED"})).await;
    assert_eq!(
        (&retaxed.body["tax_id"], &retaxed.body["status"]),
        (&json!("17291716060"), &json!("SUSPENDED"))
    );

    let details = server
        .call(Method::GET, &format!("{path}/details"), Some(&admin), None)
        .await;
    assert_eq!(details.status, StatusCode::OK);
    assert_eq!(
        details.body,
        json!({"company_id": id_of(&created), "address": null, "city": null,
               "danger_class": null, "nace_code": null, "contact_email": null,
               "contact_phone": null, "version": 1})
    );
    let contact = server
        .call(
            Method::PUT,
            &format!("{path}/contact-details"),
            Some(&admin),
            Some(json!({"address": " Atatürk Cad. 1 ", "city": "Samsun",
                        "contact_email": "Info@Karadeniz-ISG.com.tr",
                        "contact_phone": "0532 123 45 67"})),
        )
        .await;
    assert_eq!(contact.status, StatusCode::OK, "{:?}", contact.body);
    let classified = server
        .call(
            Method::PUT,
            &format!("{path}/classification"),
            Some(&admin),
            Some(json!({"danger_class": "VERY_DANGEROUS", "nace_code": "86.90"})),
        )
        .await;
    assert_eq!(classified.status, StatusCode::OK, "{:?}", classified.body);
    assert_eq!(
        classified.body,
        json!({"company_id": id_of(&created), "address": "Atatürk Cad. 1", "city": "Samsun",
               "danger_class": "VERY_DANGEROUS", "nace_code": "86.90",
               "contact_email": "info@karadeniz-isg.com.tr",
               "contact_phone": "+905321234567", "version": 3})
    );
    // PUT replaces: fields left out are cleared, the classification is kept.
    let replaced = server
        .call(
            Method::PUT,
            &format!("{path}/contact-details"),
            Some(&admin),
            Some(json!({"city": "Trabzon"})),
        )
        .await;
    assert_eq!(
        (
            &replaced.body["address"],
            &replaced.body["city"],
            &replaced.body["contact_phone"],
            &replaced.body["danger_class"],
        ),
        (
            &Value::Null,
            &json!("Trabzon"),
            &Value::Null,
            &json!("VERY_DANGEROUS")
        )
    );
    let reread = server
        .call(Method::GET, &format!("{path}/details"), Some(&admin), None)
        .await;
    assert_eq!(reread.body, replaced.body);
}

#[tokio::test]
async fn listings_are_scoped_paginated_and_ordered_by_name() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    for name in ["Ege OSGB", "Bursa OSGB", "Zonguldak OSGB"] {
        create_company(&server, &admin, name, None).await;
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/companies?limit=2".to_owned();
    loop {
        let page = server.call(Method::GET, &path, Some(&admin), None).await;
        assert_eq!(page.status, StatusCode::OK, "{:?}", page.body);
        assert!(page.body["items"].as_array().expect("items").len() <= 2);
        seen.extend(names(&page.body).into_iter().map(str::to_owned));
        match page.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/companies?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(
        seen,
        ["Anadolu OSGB", "Bursa OSGB", "Ege OSGB", "Zonguldak OSGB"]
    );

    let client = server.client_token().await;
    let own = server
        .call(Method::GET, "/api/v1/companies", Some(&client), None)
        .await;
    assert_eq!(names(&own.body), ["Anadolu OSGB"]);
}
